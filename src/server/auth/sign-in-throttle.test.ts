import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { sealOrganization } from "@/server/audit/sealer";
import { createPrismaClient, db, requirePool } from "@/server/db/client";
import { env } from "@/server/env";
import { createOrganization, createUser } from "@/test/factories";
import { SIGN_IN_THROTTLE, signInWithPassword } from "./sign-in-with-password";

// docs/behaviour.md#sign-in: 5 failed sign-ins per address within 15 minutes close the window.
// The clock is injected; a second, independent client stands for another app process.

const WINDOW_MS = SIGN_IN_THROTTLE.windowMs;
const otherProcess = createPrismaClient(env().DATABASE_URL as string, 4);
afterAll(() => otherProcess.$disconnect());

const at = (start: Date, ms: number) => new Date(start.getTime() + ms);

async function member(prefix: string) {
  const org = await createOrganization(prefix);
  return createUser(org, { email: `${prefix}-${randomUUID().slice(0, 8)}@x.test`, role: "operator" });
}

async function orgEvents(organizationId: string) {
  const { rows } = await requirePool(db(), "test").query<{
    type: string;
    actor: string;
    data: Record<string, unknown>;
  }>(
    `SELECT type::text AS type, actor, data FROM remediation_events
     WHERE "organizationId" = $1 AND "actionId" IS NULL ORDER BY "createdAt", id`,
    [organizationId],
  );
  return rows;
}

describe("sign-in throttling", () => {
  it("refuses the right password after 5 failures for the rest of the window, then opens again", async () => {
    const user = await member("throttle");
    const t0 = new Date("2026-01-01T10:00:00Z");
    for (let i = 0; i < 5; i++) {
      const result = await signInWithPassword(
        { db: db(), now: at(t0, i * 60_000) },
        { email: user.email, password: "no" },
      );
      expect(result).toEqual({ outcome: "refused" });
    }
    const right = { email: user.email, password: user.password };
    expect(await signInWithPassword({ db: db(), now: at(t0, 5 * 60_000) }, right)).toEqual({
      outcome: "throttled",
      retryAfterSeconds: 600,
    });
    expect(await signInWithPassword({ db: db(), now: at(t0, WINDOW_MS - 1000) }, right)).toEqual({
      outcome: "throttled",
      retryAfterSeconds: 1,
    });
    const reopened = await signInWithPassword({ db: db(), now: at(t0, WINDOW_MS) }, right);
    expect(reopened).toMatchObject({ outcome: "signed-in", user: { id: user.id } });
  });

  it("counts failures from two processes toward one window, and caps a concurrent burst at 5 password checks", async () => {
    const user = await member("throttle-two");
    const t0 = new Date("2026-01-02T10:00:00Z");
    const wrong = { email: user.email, password: "wrong" };
    for (const [i, client] of [db(), otherProcess, db(), otherProcess, otherProcess].entries()) {
      expect(await signInWithPassword({ db: client, now: at(t0, i * 1000) }, wrong)).toEqual({ outcome: "refused" });
    }
    const right = { email: user.email, password: user.password };
    expect(await signInWithPassword({ db: db(), now: at(t0, 10_000) }, right)).toMatchObject({ outcome: "throttled" });
    expect(await signInWithPassword({ db: otherProcess, now: at(t0, 10_000) }, right)).toMatchObject({
      outcome: "throttled",
    });

    // Twelve wrong guesses at once, half on each client: exactly five reach the password check.
    const burstEmail = ` Burst-${randomUUID().slice(0, 8)}@X.test `;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        signInWithPassword({ db: i % 2 ? otherProcess : db(), now: t0 }, { email: burstEmail, password: "guess" }),
      ),
    );
    expect(results.filter((r) => r.outcome === "refused")).toHaveLength(5);
    expect(results.filter((r) => r.outcome === "throttled")).toHaveLength(7);
    // One address however it is typed.
    expect(
      await signInWithPassword({ db: db(), now: t0 }, { email: burstEmail.trim().toLowerCase(), password: "guess" }),
    ).toMatchObject({ outcome: "throttled" });
  });

  it("does not count successful sign-ins", async () => {
    const user = await member("throttle-success");
    const t0 = new Date("2026-01-03T10:00:00Z");
    for (let i = 0; i < 4; i++) {
      await signInWithPassword({ db: db(), now: t0 }, { email: user.email, password: "wrong" });
    }
    for (let i = 0; i < 3; i++) {
      const result = await signInWithPassword({ db: db(), now: t0 }, { email: user.email, password: user.password });
      expect(result.outcome).toBe("signed-in");
    }
    expect(await signInWithPassword({ db: db(), now: t0 }, { email: user.email, password: "wrong" })).toEqual({
      outcome: "refused",
    });
    expect(
      await signInWithPassword({ db: db(), now: t0 }, { email: user.email, password: user.password }),
    ).toMatchObject({ outcome: "throttled", retryAfterSeconds: 900 });
  });
});

describe("sign-in events", () => {
  it("records SIGNED_IN, wrong passwords and the first throttled refusal of a window as organization events", async () => {
    const user = await member("events");
    const t0 = new Date("2026-01-04T10:00:00Z");
    await signInWithPassword({ db: db(), now: t0 }, { email: user.email, password: user.password });
    for (let i = 0; i < 5; i++) {
      await signInWithPassword({ db: db(), now: t0 }, { email: user.email.toUpperCase(), password: "wrong" });
    }
    for (let i = 0; i < 3; i++) {
      await signInWithPassword({ db: db(), now: t0 }, { email: user.email, password: user.password });
    }
    const email = user.email.toLowerCase();
    // Organization events join the audit chain like action events (docs/audit.md#sealing).
    expect(await sealOrganization(db(), user.organizationId!)).toMatchObject({ sealed: 7 });
    expect(await orgEvents(user.organizationId!)).toEqual([
      { type: "SIGNED_IN", actor: user.email, data: { method: "credentials" } },
      ...Array.from({ length: 5 }, () => ({
        type: "SIGN_IN_REFUSED",
        actor: email,
        data: { reason: "wrong-password", email },
      })),
      { type: "SIGN_IN_REFUSED", actor: email, data: { reason: "throttled", email } },
    ]);
  });

  it("records nothing for an address that is no member (no organization to record it in)", async () => {
    const org = await createOrganization("events-none");
    const loner = await createUser(null, { email: `loner-${org.slice(-8)}@x.test` });
    const before = await requirePool(db(), "test").query<{ n: number }>(
      `SELECT count(*)::int AS n FROM remediation_events WHERE type IN ('SIGNED_IN', 'SIGN_IN_REFUSED')`,
    );
    await signInWithPassword({ db: db() }, { email: loner.email, password: "wrong" });
    await signInWithPassword({ db: db() }, { email: loner.email, password: loner.password });
    await signInWithPassword({ db: db() }, { email: `nobody-${org.slice(-8)}@x.test`, password: "wrong" });
    const after = await requirePool(db(), "test").query<{ n: number }>(
      `SELECT count(*)::int AS n FROM remediation_events WHERE type IN ('SIGNED_IN', 'SIGN_IN_REFUSED')`,
    );
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});
