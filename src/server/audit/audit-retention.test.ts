// Retention keeps the chain verifiable (docs/audit.md#pruning, docs/behaviour.md#retention): the sealed
// events it deletes leave (seq, hash) stubs, exported as { seq, hash, pruned: true } in place.
import { describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { db, queryRows } from "@/server/db/client";
import {
  checkpointVerifies,
  type EventLine,
  eventCounts,
  expectIntactChain,
  exportAudit,
  fetchCheckpoint,
  fetchJwks,
  isStub,
} from "@/test/audit-fixtures";
import { rest } from "@/test/calls";
import { type ActionOverrides, createActions, createIncident, createOrganization, requestBody } from "@/test/factories";
import { daysAgo } from "@/test/reporting-fixtures";
import { sealOrganization } from "./sealer";

const RETENTION_DAYS = 10;
const old = daysAgo(RETENTION_DAYS + 1);

async function request(org: string, incidentId: string): Promise<string> {
  const response = await rest("POST", "/remediation/request", {
    auth: { organizationId: org },
    body: requestBody(incidentId),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function stubCount(org: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db(),
    Prisma.sql`SELECT count(*)::int AS n FROM audit_pruned_events WHERE "organizationId" = ${org}`,
  );
  return row!.n;
}

describe("retention and the audit chain", () => {
  it("deleted events leave stubs at their seq; the rest still links to them; counts match; the chain goes on", async () => {
    const org = await createOrganization("retention");
    const incidentId = await createIncident(org);
    expect(
      (
        await rest("PUT", "/remediation/reporting/settings", {
          auth: { organizationId: org },
          body: { retentionDays: RETENTION_DAYS },
        })
      ).status,
    ).toBe(200);

    // Each action sealed on its own, so its events take the seqs noted (events of one
    // transaction within the same millisecond seal by type, not by insertion).
    const created = async (row: ActionOverrides, events: number) => {
      const [id] = await createActions(org, [row]);
      expect(await sealOrganization(db(), org)).toEqual({ sealed: events, busy: false });
      return id!;
    };
    const oldCompleted = await created(
      { status: "COMPLETED", createdAt: old, events: ["REQUESTED", "EXECUTION_STARTED", "EXECUTION_SUCCEEDED"] },
      3,
    ); // 1-3 pruned
    await created({ status: "QUEUED", events: ["REQUESTED"] }, 1); // 4
    const requested = await request(org, incidentId); // 5
    expect(await sealOrganization(db(), org)).toEqual({ sealed: 1, busy: false });
    await created({ status: "FAILED", createdAt: old, events: ["REQUESTED", "EXECUTION_FAILED"] }, 2); // 6-7 pruned
    await created({ status: "PENDING_APPROVAL", createdAt: daysAgo(400), events: ["REQUESTED"] }, 1); // 8: not terminal
    await created(
      { status: "COMPLETED", createdAt: daysAgo(RETENTION_DAYS - 1), events: ["REQUESTED", "EXECUTION_SUCCEEDED"] },
      2,
    ); // 9-10: not old enough
    await created({ status: "REJECTED", createdAt: old, events: ["REQUESTED", "REJECTED"] }, 2); // 11-12 pruned: the head

    const before = await exportAudit(org);
    expect(expectIntactChain(before, org)).toEqual({ events: 12, stubs: 0 });
    const requestedLine = before.lines[4] as EventLine;
    expect(requestedLine).toMatchObject({ seq: 5, actionId: requested, type: "REQUESTED" });
    expect((before.lines[0] as EventLine).actionId).toBe(oldCompleted);
    const headBefore = await fetchCheckpoint(org);
    expect(headBefore).toMatchObject({ seq: 12, hash: before.lines[11]!.hash });

    const response = await rest("POST", "/remediation/reporting/enforce-retention", { auth: { organizationId: org } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      organizationId: org,
      retentionDays: RETENTION_DAYS,
      deletedCount: 3,
    });

    const prunedSeqs = [1, 2, 3, 6, 7, 11, 12];
    const after = await exportAudit(org);
    expect(after.lines).toHaveLength(before.lines.length);
    for (const [i, line] of after.lines.entries()) {
      const was = before.lines[i]!;
      if (prunedSeqs.includes(was.seq))
        expect(line, `seq ${was.seq}`).toEqual({ seq: was.seq, hash: was.hash, pruned: true });
      else expect(line, `seq ${was.seq}`).toEqual(was);
    }
    expect(expectIntactChain(after, org)).toEqual({ events: 5, stubs: 7 });
    // The kept events still link to the stubs' hashes.
    expect((after.lines[3] as EventLine).prevHash).toBe(after.lines[2]!.hash);
    expect((after.lines[7] as EventLine).prevHash).toBe(after.lines[6]!.hash);
    // Counts: the deleted events are exactly the stubs.
    expect(await eventCounts(org)).toEqual({ total: 5, unsealed: 0 });
    expect(await stubCount(org)).toBe(prunedSeqs.length);

    // The head is a stub now: the checkpoint still names it, signed.
    const head = await fetchCheckpoint(org);
    expect(head).toMatchObject({ seq: 12, hash: before.lines[11]!.hash });
    const { keys } = await fetchJwks();
    expect(checkpointVerifies(head, keys)).toBe(true);
    // Ranges that start or end on a stub.
    const upTo7 = await exportAudit(org, "?toSeq=7");
    expect(upTo7.lines.map((l) => [l.seq, isStub(l)])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, false],
      [5, false],
      [6, true],
      [7, true],
    ]);
    expect(upTo7.trailer.checkpoint).toMatchObject({ seq: 7, hash: before.lines[6]!.hash });
    expect(checkpointVerifies(upTo7.trailer.checkpoint, keys)).toBe(true);
    const from6 = await exportAudit(org, "?fromSeq=6&toSeq=9");
    expect(from6.lines.map((l) => l.seq)).toEqual([6, 7, 8, 9]);
    expectIntactChain(from6, org, { fromSeq: 6 });

    // Retention again deletes nothing and leaves the stubs as they are.
    const again = await rest("POST", "/remediation/reporting/enforce-retention", { auth: { organizationId: org } });
    expect(await again.json()).toMatchObject({ deletedCount: 0 });
    expect(await stubCount(org)).toBe(prunedSeqs.length);

    // New events continue from the head (a stub): seq 13 links to seq 12's hash.
    await request(org, incidentId);
    await sealOrganization(db(), org);
    const later = await exportAudit(org);
    expect(expectIntactChain(later, org).stubs).toBe(7);
    expect(later.lines[12]).toMatchObject({ seq: 13, prevHash: before.lines[11]!.hash });
  });

  it("unsealed events deleted by retention leave no stub and take no seq", async () => {
    const org = await createOrganization("retention-unsealed");
    await rest("PUT", "/remediation/reporting/settings", {
      auth: { organizationId: org },
      body: { retentionDays: RETENTION_DAYS },
    });
    await createActions(org, [{ status: "QUEUED", events: ["REQUESTED"] }]);
    await sealOrganization(db(), org);
    await createActions(org, [
      { status: "FAILED", createdAt: old, events: ["REQUESTED", "EXECUTION_FAILED"] },
      { status: "QUEUED", events: ["REQUESTED"] },
    ]);
    const response = await rest("POST", "/remediation/reporting/enforce-retention", { auth: { organizationId: org } });
    expect(await response.json()).toMatchObject({ deletedCount: 1 });
    expect(await stubCount(org)).toBe(0);
    await sealOrganization(db(), org);
    const exported = await exportAudit(org);
    expect(expectIntactChain(exported, org)).toEqual({ events: 2, stubs: 0 });
  });
});
