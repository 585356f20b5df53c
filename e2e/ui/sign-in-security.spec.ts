import type { APIRequestContext, BrowserContext, Page } from "@playwright/test";
import { DEMO_PASSWORD } from "@/server/demo/demo-data";
import { SSO_NAME, SSO_ORGANIZATION, SSO_USERS } from "../fixtures/sso";
import { type ConsoleErrors, expect, signInAs, test } from "../fixtures/test";

// docs/behaviour.md#sign-in and #security-headers, in Chromium against the built app and the
// in-process identity provider of e2e/serve.ts.

const SSO_BUTTON = `Sign in with ${SSO_NAME}`;

/** From the app's sign-in page through the identity provider's login form, back to the app. */
async function ssoSignIn(page: Page, login: string, callbackUrl = "/incidents"): Promise<void> {
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  await page.getByRole("button", { name: SSO_BUTTON }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any-password");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

/** The provider's development login page loads a web font and asks for its own favicon; neither is the app's. */
function allowIdpPageNoise(consoleErrors: ConsoleErrors): void {
  const appPort = new URL(test.info().project.use.baseURL ?? "http://127.0.0.1").port;
  consoleErrors.allow(/^Failed to load resource: .*\[https:\/\/fonts\.googleapis\.com\//);
  consoleErrors.allow(
    new RegExp(`^Failed to load resource: .*\\[http://127\\.0\\.0\\.1:(?!${appPort}/)\\d+/favicon\\.ico\\]$`),
  );
}

async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name === "next-auth.session-token");
}

for (const [who, role] of [
  ["admin", "admin"],
  ["contractor", "viewer"],
] as const) {
  test(`SSO: the ${who} signs in through the identity provider as ${role}, back at the callbackUrl`, async ({
    page,
    org,
    consoleErrors,
  }) => {
    allowIdpPageNoise(consoleErrors);
    const user = SSO_USERS[who];
    await ssoSignIn(page, user.login);
    await expect(page).toHaveURL(/\/incidents$/);
    await expect(page.getByTestId("signed-in-role")).toHaveText(role);
    const [membership] = await org.query<{ role: string }>(
      `SELECT m.role::text AS role FROM memberships m JOIN users u ON u.id = m."userId"
       WHERE m."organizationId" = $1 AND u.email = $2`,
      [SSO_ORGANIZATION, user.email],
    );
    expect(membership?.role).toBe(role);
    const events = await org.query<{ actor: string; data: { method: string } }>(
      `SELECT actor, data FROM remediation_events
       WHERE "organizationId" = $1 AND type = 'SIGNED_IN' AND "actionId" IS NULL AND actor = $2`,
      [SSO_ORGANIZATION, user.email],
    );
    expect(events.map((e) => e.data.method)).toContain("oidc");
    const cookie = await sessionCookie(page.context());
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });
  });
}

test("SSO: a signed-out deep link goes through the identity provider and lands where it points", async ({
  page,
  consoleErrors,
}) => {
  allowIdpPageNoise(consoleErrors);
  const target = "/control-center?status=FAILED&environment=production";
  await page.goto(target);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
  expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(target);
  await page.getByRole("button", { name: SSO_BUTTON }).click();
  await page.locator('input[name="login"]').fill(SSO_USERS.admin.login);
  await page.locator('input[name="password"]').fill("any-password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await expect(page).toHaveURL(/\/control-center\?status=FAILED&environment=production$/);
  await expect(page.getByLabel("Status filter")).toHaveValue("FAILED");
  await expect(page.getByLabel("Environment filter")).toHaveValue("production");
});

/**
 * Walks one SSO flow with the context's request API (its cookies are the browser's) up to the
 * provider's redirect back to the app, and returns that callback URL unused.
 */
async function heldCallback(request: APIRequestContext, login: string): Promise<string> {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const start = await request.post("/api/auth/signin/oidc", {
    form: { csrfToken, callbackUrl: "/control-center", json: "true" },
  });
  let url = ((await start.json()) as { url: string }).url;
  for (let hop = 0; hop < 10; hop++) {
    if (url.includes("/api/auth/callback/oidc")) return url;
    const res = await request.get(url, { maxRedirects: 0 });
    if (res.status() === 200) {
      // The provider's login form: post the login, follow its answer by hand.
      const action = /action="([^"]+)"/.exec(await res.text())?.[1];
      if (!action) throw new Error(`no login form at ${url}`);
      const posted = await request.post(new URL(action, url).toString(), {
        form: { prompt: "login", login, password: "any-password" },
        maxRedirects: 0,
      });
      url = new URL(posted.headers().location ?? "", url).toString();
    } else {
      url = new URL(res.headers().location ?? "", url).toString();
    }
  }
  throw new Error("the provider never redirected back");
}

test("SSO: a callback with a forged state or a swapped nonce ends on the error page without a session", async ({
  page,
}) => {
  const context = page.context();
  const flowCookies = async () =>
    Object.fromEntries(
      (await context.cookies()).filter((c) => c.name.startsWith("next-auth.")).map((c) => [c.name, c] as const),
    );
  // Each held callback is used before the next flow starts (the provider's newest code).
  const first = await heldCallback(page.request, SSO_USERS.admin.login);
  const firstCookies = await flowCookies();
  const forgedState = new URL(first);
  forgedState.searchParams.set("state", "forged-state");
  await page.goto(forgedState.toString());
  await expect(page).toHaveURL(/\/signin\?(.*&)?error=OAuthCallback/);
  await expect(page.getByText("Sign-in failed. Please try again.")).toBeVisible();
  expect(await sessionCookie(context)).toBeUndefined();

  // A second flow (the provider still has its session and answers at once) with its own state
  // and PKCE verifier, but the first flow's nonce cookie: the ID token's nonce differs.
  const second = await heldCallback(page.request, SSO_USERS.admin.login);
  expect((await flowCookies())["next-auth.nonce"]?.value).not.toBe(firstCookies["next-auth.nonce"]?.value);
  await context.addCookies([firstCookies["next-auth.nonce"]!]);
  await page.goto(second);
  await expect(page).toHaveURL(/\/signin\?(.*&)?error=OAuthCallback/);
  expect(await sessionCookie(context)).toBeUndefined();

  // Control: a third flow with its own cookies signs in.
  const third = await heldCallback(page.request, SSO_USERS.admin.login);
  await page.goto(third);
  await expect(page).toHaveURL(/\/control-center/);
  expect(await sessionCookie(context)).toBeDefined();
});

test("throttling: after 5 wrong passwords even the right one is refused with the wait; the endpoint answers 429", async ({
  page,
  org,
  consoleErrors,
}) => {
  consoleErrors.allow(/status of 40[13] .*\/api\/auth\/callback\/credentials/);
  consoleErrors.allow(/status of 429 .*\/api\/auth\/callback\/credentials/);
  const email = org.users.viewer.email;
  await page.goto("/signin");
  for (let i = 0; i < 5; i++) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`wrong-${i}`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByText("Invalid email or password")).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
  }
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Too many attempts — try again in 15 minutes")).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);

  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await page.request.post("/api/auth/callback/credentials", {
    form: { email, password: DEMO_PASSWORD, csrfToken, json: "true", callbackUrl: "/control-center" },
  });
  expect(res.status()).toBe(429);
  expect(Number(res.headers()["retry-after"])).toBeGreaterThan(800);
  expect(Number(res.headers()["retry-after"])).toBeLessThanOrEqual(900);
  const refused = await org.query<{ data: { reason: string } }>(
    `SELECT data FROM remediation_events WHERE "organizationId" = $1 AND type = 'SIGN_IN_REFUSED' ORDER BY "createdAt"`,
    [org.id],
  );
  expect(refused.map((e) => e.data.reason)).toEqual([...Array(5).fill("wrong-password"), "throttled"]);
});

test("security headers on a page and on API answers", async ({ page, org }) => {
  const response = await page.goto("/signin");
  const headers = response!.headers();
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-eval");
  expect(headers).toMatchObject({
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
  });
  expect(headers["strict-transport-security"]).toBeUndefined();
  // Next put the nonce on its scripts: the page is interactive under the policy.
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  expect(
    await page
      .locator("script[src]")
      .first()
      .evaluate((s) => (s as HTMLScriptElement).nonce),
  ).toBe(nonce);

  const behindTls = await page.request.get("/signin", { headers: { "x-forwarded-proto": "https" } });
  expect(behindTls.headers()["strict-transport-security"]).toContain("max-age=");

  for (const api of [
    await page.request.get("/remediation/actions?limit=1", {
      headers: { authorization: `Bearer ${await org.token("viewer")}` },
    }),
    await page.request.get("/api/trpc/ui.members"),
  ]) {
    expect(api.headers()).toMatchObject({
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    });
  }
});

test("CSRF: a cookie-authenticated POST from another origin is refused; the same from our pages is not", async ({
  page,
  org,
}) => {
  await signInAs(page, org, "operator");
  const evil = { origin: "http://evil.example" };
  const ours = { origin: new URL(page.url()).origin };
  const trpcBody = { json: { environment: "production" } };

  const crossTrpc = await page.request.post("/api/trpc/policy.evaluate", { headers: evil, data: trpcBody });
  expect(crossTrpc.status()).toBe(403);
  expect(await crossTrpc.json()).toMatchObject({ message: "Cross-site request refused" });
  const sameTrpc = await page.request.post("/api/trpc/policy.evaluate", { headers: ours, data: trpcBody });
  expect(sameTrpc.status()).not.toBe(403);

  const incidentId = org.incidents[Object.keys(org.incidents)[0] as keyof typeof org.incidents].id;
  const request = { incidentId, actionType: "restart-service", parameters: {}, environment: "staging" };
  const crossRest = await page.request.post("/remediation/request", {
    headers: { ...evil, "sec-fetch-site": "cross-site" },
    data: request,
  });
  expect(crossRest.status()).toBe(403);
  expect(await crossRest.json()).toMatchObject({ message: "Cross-site request refused" });
  // A bearer token is never a browser's ambient credential: no Origin rule applies.
  const bearer = await page.request.post("/remediation/policy/evaluate", {
    headers: { ...evil, authorization: `Bearer ${await org.token("viewer")}` },
    data: { actionType: "restart-service", environment: "staging", parameters: {} },
  });
  expect(bearer.status()).not.toBe(403);
});
