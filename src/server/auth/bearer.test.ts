import { generateKeyPair, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/server/errors";
import { signToken, verifyBearerToken } from "./bearer";
import { authSecret } from "./secret";

// The run's AUTH_SECRET (src/test/setup.ts): what verifyBearerToken and signToken use by default.
const SECRET = authSecret();
const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);

const claims = { organizationId: "org_test", permissions: ["remediation:view"] };

/** Signs arbitrary claims so each test can leave one out or break one. */
function sign(payload: Record<string, unknown>, alg = "HS256", signingKey: CryptoKey | Uint8Array = key) {
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(signingKey);
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const decodeSegment = (segment: string): unknown => JSON.parse(Buffer.from(segment, "base64url").toString());

async function expectUnauthorized(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("UNAUTHORIZED");
  return error as AppError;
}

describe("verifyBearerToken", () => {
  it("turns a valid token into a token principal", async () => {
    const exp = now() + 60;
    const token = await sign({ ...claims, sub: "user_1", exp, iat: now(), email: "a@b.c", name: "Ann" });
    await expect(verifyBearerToken(token)).resolves.toEqual({
      userId: "user_1",
      organizationId: "org_test",
      permissions: ["remediation:view"],
      email: "a@b.c",
      name: "Ann",
      via: "token",
      // Accepted until exp + the 30 s clock tolerance (a live stream closes then).
      validUntilMs: (exp + 30) * 1000,
    });
  });

  it("accepts what signToken issues, with the secret from AUTH_SECRET by default", async () => {
    const token = await signToken({
      sub: "cli",
      organizationId: "org_x",
      permissions: ["policy:update"],
      ttlSeconds: 60,
    });
    const principal = await verifyBearerToken(token);
    expect(principal).toMatchObject({ userId: "cli", organizationId: "org_x", permissions: ["policy:update"] });
    expect(principal).not.toHaveProperty("email");
  });

  it("rejects alg none (unsecured JWS)", async () => {
    const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ ...claims, sub: "u", exp: now() + 60 })}.`;
    await expectUnauthorized(verifyBearerToken(token));
  });

  it("rejects HS512 even when signed with the right secret", async () => {
    await expectUnauthorized(verifyBearerToken(await sign({ ...claims, sub: "u", exp: now() + 60 }, "HS512")));
  });

  it("rejects HS384 even when signed with the right secret", async () => {
    await expectUnauthorized(verifyBearerToken(await sign({ ...claims, sub: "u", exp: now() + 60 }, "HS384")));
  });

  it("rejects RS256", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    await expectUnauthorized(
      verifyBearerToken(await sign({ ...claims, sub: "u", exp: now() + 60 }, "RS256", privateKey)),
    );
  });

  it("rejects a signature made with another secret", async () => {
    const token = await signToken({ sub: "u", ...claims, ttlSeconds: 60 }, "some-other-secret-of-enough-length");
    await expectUnauthorized(verifyBearerToken(token));
  });

  it("rejects a tampered payload", async () => {
    const [header, , signature] = (await sign({ ...claims, sub: "u", exp: now() + 60 })).split(".");
    const forged = `${header}.${b64url({ ...claims, sub: "u", permissions: ["policy:update"], exp: now() + 60 })}.${signature}`;
    await expectUnauthorized(verifyBearerToken(forged));
  });

  it("rejects a token expired beyond the 30 s tolerance", async () => {
    const error = await expectUnauthorized(verifyBearerToken(await sign({ ...claims, sub: "u", exp: now() - 45 })));
    expect(error.message).toBe("Invalid or expired token");
  });

  it("accepts a token expired within the 30 s tolerance", async () => {
    const token = await sign({ ...claims, sub: "u", exp: now() - 10 });
    await expect(verifyBearerToken(token)).resolves.toMatchObject({ userId: "u" });
  });

  describe("the verified-token cache", () => {
    afterEach(() => vi.useRealTimers());

    it("answers a repeated token with the same frozen principal until exp + tolerance, then refuses it", async () => {
      vi.useFakeTimers({ toFake: ["Date"] });
      const token = await sign({ ...claims, sub: "cached", exp: now() + 5 });
      const first = await verifyBearerToken(token);
      expect(await verifyBearerToken(token)).toBe(first);
      expect(Object.isFrozen(first) && Object.isFrozen(first.permissions)).toBe(true);
      vi.setSystemTime(Date.now() + 34_000); // within exp + 30 s
      expect(await verifyBearerToken(token)).toBe(first);
      vi.setSystemTime(Date.now() + 2_000); // past it: verified again, and jose refuses
      await expectUnauthorized(verifyBearerToken(token));
    });

    it("never answers a token cached under one secret for another secret", async () => {
      const token = await sign({ ...claims, sub: "u", exp: now() + 60 });
      await verifyBearerToken(token);
      await expectUnauthorized(verifyBearerToken(token, "another-secret-also-at-least-32-chars"));
    });
  });

  it("rejects a token not yet valid (nbf) beyond the tolerance", async () => {
    await expectUnauthorized(
      verifyBearerToken(await sign({ ...claims, sub: "u", exp: now() + 600, nbf: now() + 120 })),
    );
  });

  it.each(["sub", "organizationId", "permissions", "exp"])("rejects a token without %s", async (claim) => {
    const payload: Record<string, unknown> = { ...claims, sub: "u", exp: now() + 60 };
    delete payload[claim];
    await expectUnauthorized(verifyBearerToken(await sign(payload)));
  });

  it.each([
    ["sub empty", { sub: "" }],
    ["sub whitespace", { sub: "   " }],
    ["organizationId empty", { organizationId: "" }],
    ["organizationId a number", { organizationId: 42 }],
    ["sub with NUL", { sub: "u\u0000" }],
    ["sub with an unpaired surrogate", { sub: "u\uDC00" }],
    ["organizationId with NUL", { organizationId: "org\u0000x" }],
    ["organizationId with an unpaired surrogate", { organizationId: "org\uD800" }],
    ["organizationId over 200 characters", { organizationId: "o".repeat(201) }],
    ["permissions a string", { permissions: "remediation:view" }],
    ["permissions an object", { permissions: { 0: "remediation:view" } }],
    ["permissions with a non-string", { permissions: ["remediation:view", 7] }],
    ["exp a string", { exp: "tomorrow" }],
  ])("rejects %s", async (_label, override) => {
    await expectUnauthorized(verifyBearerToken(await sign({ ...claims, sub: "u", exp: now() + 60, ...override })));
  });

  it("names the offending claim in the message", async () => {
    const error = await expectUnauthorized(
      verifyBearerToken(await sign({ sub: "u", permissions: [], exp: now() + 60 })),
    );
    expect(error.message).toContain("organizationId");
  });

  it.each(["", "garbage", "a.b.c", "....", `${b64url({ alg: "HS256" })}.not-json.sig`])(
    "rejects the malformed token %j",
    async (token) => {
      await expectUnauthorized(verifyBearerToken(token));
    },
  );
});

describe("signToken", () => {
  it("sets iat and exp from the ttl", async () => {
    const before = now();
    const token = await signToken({ sub: "u", ...claims, ttlSeconds: 3600 });
    const [header, payload] = token.split(".").slice(0, 2).map(decodeSegment) as [
      Record<string, string>,
      Record<string, number>,
    ];
    expect(header.alg).toBe("HS256");
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp).toBe((payload.iat ?? 0) + 3600);
  });

  it("refuses a fractional ttl", async () => {
    await expect(signToken({ sub: "u", ...claims, ttlSeconds: 1.5 })).rejects.toThrow(RangeError);
  });

  it("mints an already-expired token from a negative ttl (for tests)", async () => {
    const token = await signToken({ sub: "u", ...claims, ttlSeconds: -120 });
    await expectUnauthorized(verifyBearerToken(token));
  });
});
