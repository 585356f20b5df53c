// remediation_events is append-only (docs/audit.md#append-only): the triggers of
// the audit_chain migration, tried with raw SQL (this file tests the database's own rules), and
// retention racing the sealer.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { db, queryRows, transaction } from "@/server/db/client";
import { deleteActions } from "@/server/db/simulate";
import { deleteExpiredActionsBatch } from "@/server/db/stores/actions";
import { eventCounts, expectIntactChain, exportAudit, storedSeqs } from "@/test/audit-fixtures";
import { callerFor } from "@/test/calls";
import { waitFor } from "@/test/execution-fixtures";
import { createActions, createIncident, createOrganization, requestBody } from "@/test/factories";
import { daysAgo } from "@/test/reporting-fixtures";
import { sealOrganization } from "./sealer";

interface StoredEvent {
  id: string;
  actionId: string;
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
}

async function storedEvents(organizationId: string): Promise<StoredEvent[]> {
  return queryRows<StoredEvent>(
    db(),
    Prisma.sql`
    SELECT id::text, "actionId"::text, seq::float8 AS seq, "prevHash", hash FROM remediation_events
    WHERE "organizationId" = ${organizationId} ORDER BY seq NULLS LAST, "createdAt", id`,
  );
}

/** An organization with `requests` requested actions (their events), sealed unless told otherwise. */
async function organizationWithEvents(requests: number, { seal = true } = {}) {
  const org = await createOrganization("append-only");
  const incidentId = await createIncident(org);
  const caller = callerFor(org);
  for (let i = 0; i < requests; i++) await caller.remediation.request(requestBody(incidentId));
  if (seal) await sealOrganization(db(), org);
  return { org, events: await storedEvents(org) };
}

const APPEND_ONLY = /append-only/;

/** Sessions of this file's database waiting for a lock (a heavyweight lock: row, advisory, …). */
async function lockWaiters(): Promise<number> {
  const [row] = await queryRows<{ waiting: number }>(
    db(),
    Prisma.sql`
    SELECT count(*)::int AS waiting FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return row!.waiting;
}

describe("remediation_events is append-only", () => {
  it("no column of a sealed event can be updated", async () => {
    const { org, events } = await organizationWithEvents(2);
    const [sealed, other] = events;
    expect(sealed!.seq).toBe(1);
    const id = sealed!.id;
    const before = await storedEvents(org);
    const attempts: [string, Prisma.Sql][] = [
      ["actor", Prisma.sql`actor = 'mallory'`],
      ["data", Prisma.sql`data = '{"forged": true}'::jsonb`],
      ["type", Prisma.sql`type = 'REJECTED'::"ActionEventType"`],
      ["createdAt", Prisma.sql`"createdAt" = "createdAt" - interval '1 hour'`],
      ["hash", Prisma.sql`hash = ${"f".repeat(64)}`],
      ["prevHash", Prisma.sql`"prevHash" = ${"e".repeat(64)}`],
      ["actionId", Prisma.sql`"actionId" = ${other!.actionId}::uuid`],
      ["organizationId", Prisma.sql`"organizationId" = ${`${org}-x`}`],
      ["id", Prisma.sql`id = gen_random_uuid()`],
    ];
    for (const [column, set] of attempts) {
      await expect(
        db().$executeRaw`UPDATE remediation_events SET ${set} WHERE id = ${id}::uuid`,
        `UPDATE of ${column}`,
      ).rejects.toThrow(APPEND_ONLY);
    }
    expect(await storedEvents(org)).toEqual(before);
  });

  it("a sealed event cannot be sealed again, renumbered or unsealed", async () => {
    const { org, events } = await organizationWithEvents(2);
    const [first, second] = events as [StoredEvent, StoredEvent];
    const before = await storedEvents(org);
    const attempts: [string, Prisma.Sql][] = [
      ["re-seal with the same values", Prisma.sql`seq = ${first.seq}::int8, "prevHash" = "prevHash", hash = hash`],
      ["renumber", Prisma.sql`seq = seq + 1000`],
      ["unseal", Prisma.sql`seq = NULL, "prevHash" = NULL, hash = NULL`],
      ["re-seal with a new hash", Prisma.sql`seq = seq, "prevHash" = ${second.hash}, hash = ${"a".repeat(64)}`],
    ];
    for (const [what, set] of attempts) {
      await expect(
        db().$executeRaw`UPDATE remediation_events SET ${set} WHERE id = ${first.id}::uuid`,
        what,
      ).rejects.toThrow(APPEND_ONLY);
    }
    // Many rows at once (the whole organization) is refused as a whole.
    await expect(
      db().$executeRaw`UPDATE remediation_events SET seq = seq + 10 WHERE "organizationId" = ${org}`,
    ).rejects.toThrow(APPEND_ONLY);
    expect(await storedEvents(org)).toEqual(before);
  });

  it("DELETE and TRUNCATE are refused without the retention flag, also through the actions' delete trigger", async () => {
    const { org, events } = await organizationWithEvents(1);
    const unsealed = await organizationWithEvents(1, { seal: false });
    await expect(db().$executeRaw`DELETE FROM remediation_events WHERE id = ${events[0]!.id}::uuid`).rejects.toThrow(
      APPEND_ONLY,
    );
    // Unsealed events are protected as well (nothing may vanish before it is sealed).
    await expect(
      db().$executeRaw`DELETE FROM remediation_events WHERE "organizationId" = ${unsealed.org}`,
    ).rejects.toThrow(APPEND_ONLY);
    await expect(
      db().$executeRaw`DELETE FROM remediation_actions WHERE id = ${events[0]!.actionId}::uuid`,
    ).rejects.toThrow(APPEND_ONLY);
    await expect(db().$executeRawUnsafe("TRUNCATE remediation_events")).rejects.toThrow(APPEND_ONLY);
    await expect(db().$executeRawUnsafe("TRUNCATE remediation_actions CASCADE")).rejects.toThrow(APPEND_ONLY);
    // The flag set to anything but 'on' does not count.
    await expect(
      transaction(db(), async (tx) => {
        await tx.client.query("SELECT set_config('rcc.audit_prune', 'off', true)");
        await tx.client.query(`DELETE FROM remediation_events WHERE "organizationId" = $1`, [org]);
      }),
    ).rejects.toThrow(APPEND_ONLY);
    expect((await eventCounts(org)).total).toBe(1);
    expect((await eventCounts(unsealed.org)).total).toBe(1);
  });

  it("an UPDATE that seals an unsealed event, every other column unchanged, succeeds — once", async () => {
    const { org, events } = await organizationWithEvents(1, { seal: false });
    const event = events[0]!;
    expect(event.seq).toBeNull();
    const [prevHash, hash] = ["0".repeat(64), "1".repeat(64)];

    // Sealing while changing anything else, or only half sealing, is refused.
    const refused: [string, Prisma.Sql][] = [
      ["seal and change the actor", Prisma.sql`seq = 1, "prevHash" = ${prevHash}, hash = ${hash}, actor = 'mallory'`],
      ["seal and change the data", Prisma.sql`seq = 1, "prevHash" = ${prevHash}, hash = ${hash}, data = '{}'::jsonb`],
      ["seq without hash", Prisma.sql`seq = 1, "prevHash" = ${prevHash}`],
      ["seq without prevHash", Prisma.sql`seq = 1, hash = ${hash}`],
      ["change an unsealed event", Prisma.sql`actor = 'mallory'`],
    ];
    for (const [what, set] of refused) {
      await expect(
        db().$executeRaw`UPDATE remediation_events SET ${set} WHERE id = ${event.id}::uuid`,
        what,
      ).rejects.toThrow(APPEND_ONLY);
    }

    expect(
      await db().$executeRaw`
      UPDATE remediation_events SET seq = 1, "prevHash" = ${prevHash}, hash = ${hash} WHERE id = ${event.id}::uuid`,
    ).toBe(1);
    expect(await storedEvents(org)).toEqual([{ ...event, seq: 1, prevHash, hash }]);
    await expect(
      db()
        .$executeRaw`UPDATE remediation_events SET seq = 2, "prevHash" = ${prevHash}, hash = ${hash} WHERE id = ${event.id}::uuid`,
    ).rejects.toThrow(APPEND_ONLY);
  });

  it("with the retention flag, a delete goes through, leaves stubs of sealed events only, and the flag does not outlive its transaction", async () => {
    const { org, events } = await organizationWithEvents(2);
    const incidentId = await createIncident(org);
    await callerFor(org).remediation.request(requestBody(incidentId)); // an unsealed third event
    const unsealed = (await storedEvents(org)).find((e) => e.seq === null)!;

    // One session throughout: the flag is the transaction's (set_config(…, true)), not the session's.
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT set_config('rcc.audit_prune', 'on', true)");
      const deleted = await client.query(`DELETE FROM remediation_actions WHERE id = ANY($1::uuid[])`, [
        [events[0]!.actionId, unsealed.actionId],
      ]);
      expect(deleted.rowCount).toBe(2);
      await client.query("COMMIT");
      await expect(client.query(`DELETE FROM remediation_events WHERE id = $1::uuid`, [events[1]!.id])).rejects.toThrow(
        APPEND_ONLY,
      );
    } finally {
      await client.end();
    }
    const stubs = await queryRows<{ seq: number; hash: string }>(
      db(),
      Prisma.sql`SELECT seq::float8 AS seq, hash FROM audit_pruned_events WHERE "organizationId" = ${org} ORDER BY seq`,
    );
    expect(stubs).toEqual([{ seq: 1, hash: events[0]!.hash }]);
    expect(await storedSeqs(org)).toEqual([2]);

    // The kit's deleteActions (the same flag, one statement) prunes the second; the chain still verifies.
    await deleteActions(org, [events[1]!.actionId]);
    const exported = await exportAudit(org);
    expect(exported.lines).toEqual([
      { seq: 1, hash: events[0]!.hash, pruned: true },
      { seq: 2, hash: events[1]!.hash, pruned: true },
    ]);
    expectIntactChain(exported, org);
  });

  it("retention deleting not-yet-sealed events while the sealer seals them leaves no gap in the chain", async ({
    annotate,
  }) => {
    const org = await createOrganization("race");
    // An old finished action whose events were never sealed (no sealer ran since, e.g. right after
    // the audit_chain migration), and a new one.
    await createActions(org, [
      { status: "COMPLETED", createdAt: daysAgo(400), events: ["REQUESTED", "EXECUTION_SUCCEEDED"] },
    ]);
    await createActions(org, [{ status: "QUEUED", events: ["REQUESTED"] }]);
    expect(await eventCounts(org)).toEqual({ total: 3, unsealed: 3 });

    // Retention's batch has deleted the old action (its events with it) but not committed yet…
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let deleting!: () => void;
    const deleted = new Promise<void>((resolve) => (deleting = resolve));
    const retention = transaction(db(), async (tx) => {
      const batch = await deleteExpiredActionsBatch(tx, org, { cutoff: daysAgo(10), batchSize: 10 });
      expect(batch.deleted).toBe(1);
      deleting();
      await released;
    });
    let sealing: Promise<{ sealed: number; busy: boolean }> | undefined;
    let settled = false;
    try {
      await deleted;
      // …when the sealer reads the unsealed events (the deleted ones still visible to it).
      sealing = sealOrganization(db(), org).finally(() => (settled = true));
      await waitFor(
        async () => {
          if (settled) return true;
          return (await lockWaiters()) > 0;
        },
        { timeoutMs: 5_000, what: "the sealer to wait for the deleting transaction (or finish)" },
      );
    } finally {
      release();
      await retention;
    }
    const raced = await sealing;
    const [head] = await queryRows<{ seq: number }>(
      db(),
      Prisma.sql`SELECT seq::float8 AS seq FROM audit_heads WHERE "organizationId" = ${org}`,
    );
    await annotate(`the racing sealOrganization answered ${JSON.stringify(raced)}; head seq ${head?.seq}`);
    await sealOrganization(db(), org);

    expect(await eventCounts(org)).toEqual({ total: 1, unsealed: 0 });
    // The one event left is the whole chain: seq 1 on the genesis hash (the deleted events were
    // never sealed, so they left no stubs and took no seq).
    expect(await storedSeqs(org)).toEqual([1]);
    const exported = await exportAudit(org);
    expectIntactChain(exported, org);
  });

  it("retention deleting two old actions while the sealer locks their events: no deadlock, both finish, the chain holds", async () => {
    const org = await createOrganization("deadlock");
    // Y's event is written first (sealed first), X is the older action (retention deletes it first).
    const [y] = await createActions(org, [{ status: "COMPLETED", createdAt: daysAgo(300), events: ["REQUESTED"] }]);
    const [x] = await createActions(org, [{ status: "COMPLETED", createdAt: daysAgo(400), events: ["REQUESTED"] }]);
    await createActions(org, [{ status: "QUEUED", events: ["REQUESTED"] }]);
    const batch = { cutoff: daysAgo(10), batchSize: 1 };

    // Retention's delete of X and Y (one statement's delete trigger, X then Y), with the sealer between them.
    let sealing: Promise<unknown> | undefined;
    let sealingError: unknown;
    const retention = transaction(db(), async (tx) => {
      expect((await deleteExpiredActionsBatch(tx, org, batch)).deleted).toBe(1); // X (oldest) and its event
      const waitingBefore = await lockWaiters();
      let settled = false;
      sealing = sealOrganization(db(), org)
        .catch((error: unknown) => {
          sealingError = error;
        })
        .finally(() => (settled = true));
      // The sealer has reached X's event (Y's before it in its order) and waits for this
      // transaction — or, if it does not wait for rows being deleted, it is done.
      await waitFor(async () => settled || (await lockWaiters()) > waitingBefore, {
        timeoutMs: 5_000,
        what: "the sealer to wait for the deleting transaction (or finish)",
      });
      expect((await deleteExpiredActionsBatch(tx, org, batch)).deleted).toBe(1); // Y
    });
    const outcome = await retention.then(
      () => "committed",
      (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    await sealing;
    expect({ retention: outcome, sealer: sealingError === undefined ? "ok" : String(sealingError) }).toEqual({
      retention: "committed",
      sealer: "ok",
    });
    await sealOrganization(db(), org);
    expect((await storedEvents(org)).map((e) => e.actionId)).not.toContain(x);
    expect((await storedEvents(org)).map((e) => e.actionId)).not.toContain(y);
    expectIntactChain(await exportAudit(org), org);
  });
});
