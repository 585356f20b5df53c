import { describe, expect, it } from "vitest";
import { rest } from "@/test/calls";
import { isCrossSiteCookieRequest } from "./csrf";
import { pageContentSecurityPolicy } from "./headers";

const h = (values: Record<string, string>) => new Headers(values);
const cookie = { cookie: "next-auth.session-token=abc", host: "rcc.example:3000" };

describe("cross-site cookie requests", () => {
  it("refuses a state-changing cookie request from another site", () => {
    expect(isCrossSiteCookieRequest("POST", h({ ...cookie, origin: "https://evil.example" }))).toBe(true);
    expect(isCrossSiteCookieRequest("DELETE", h({ ...cookie, "sec-fetch-site": "cross-site" }))).toBe(true);
    expect(isCrossSiteCookieRequest("PUT", h({ ...cookie, "sec-fetch-site": "same-site" }))).toBe(true);
    expect(isCrossSiteCookieRequest("POST", h({ ...cookie, origin: "null" }))).toBe(true);
    // Same host, other port: another origin.
    expect(isCrossSiteCookieRequest("POST", h({ ...cookie, origin: "http://rcc.example:4000" }))).toBe(true);
  });

  it("lets our own pages, safe methods, bearer tokens and cookie-less requests through", () => {
    expect(isCrossSiteCookieRequest("POST", h({ ...cookie, origin: "http://rcc.example:3000" }))).toBe(false);
    expect(
      isCrossSiteCookieRequest(
        "POST",
        h({ ...cookie, origin: "https://rcc.example:3000", "sec-fetch-site": "same-origin" }),
      ),
    ).toBe(false);
    expect(
      isCrossSiteCookieRequest(
        "POST",
        h({
          ...cookie,
          host: "127.0.0.1:3000",
          "x-forwarded-host": "rcc.example:3000",
          origin: "https://rcc.example:3000",
        }),
      ),
    ).toBe(false);
    expect(
      isCrossSiteCookieRequest(
        "POST",
        h({ ...cookie, host: "10.0.0.5", origin: "https://rcc.example" }),
        "https://rcc.example/",
      ),
    ).toBe(false);
    expect(isCrossSiteCookieRequest("GET", h({ ...cookie, origin: "https://evil.example" }))).toBe(false);
    expect(
      isCrossSiteCookieRequest("POST", h({ ...cookie, origin: "https://evil.example", authorization: "Bearer x" })),
    ).toBe(false);
    expect(isCrossSiteCookieRequest("POST", h({ host: "rcc.example:3000", origin: "https://evil.example" }))).toBe(
      false,
    );
  });

  it("the REST adapter answers a cross-site cookie POST 403 before anything else", async () => {
    const res = await rest("POST", "/remediation/request", {
      auth: null,
      headers: { cookie: cookie.cookie, origin: "https://evil.example" },
      body: {},
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ message: "Cross-site request refused" });
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

describe("page Content-Security-Policy", () => {
  it("has the nonce, no unsafe-eval outside development, no framing, and upgrades only over HTTPS", () => {
    const production = pageContentSecurityPolicy("bm9uY2U=", { dev: false, https: false });
    expect(production).toContain("script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(production).toContain("frame-ancestors 'none'");
    expect(production).not.toContain("unsafe-eval");
    expect(production).not.toContain("upgrade-insecure-requests");
    expect(pageContentSecurityPolicy("n", { dev: true, https: true })).toMatch(
      /'unsafe-eval'.*upgrade-insecure-requests/,
    );
  });
});
