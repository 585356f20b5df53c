// Time-ordered ids (docs/adr/0021-time-ordered-ids.md): what the app mints in JavaScript, what
// the migration's SQL function mints inside a statement, and the ids a request and a decision
// really store, all RFC 9562 version 7 with the time of their minting in the first 48 bits.
import { describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { db, queryRows } from "@/server/db/client";
import { rest } from "@/test/calls";
import { createIncident, createOrganization, requestBody } from "@/test/factories";
import { newId, newIdSql } from "./ids";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix milliseconds in a version-7 id's first 48 bits. */
const msOf = (id: string) => Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);

describe("newId", () => {
  it("mints version-7 ids that sort in the order they were minted", () => {
    const before = Date.now();
    const ids = Array.from({ length: 1_000 }, () => newId());
    const after = Date.now();
    for (const id of ids) expect(id).toMatch(V7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(msOf(ids[0] as string)).toBeGreaterThanOrEqual(before);
    expect(msOf(ids.at(-1) as string)).toBeLessThanOrEqual(after);
  });

  it("puts a given time in the id, for history written after the fact", () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    expect(msOf(newId(at))).toBe(at.getTime());
    expect(newId(at)).toMatch(V7);
  });
});

describe("time_ordered_uuid() in SQL", () => {
  it("mints distinct version-7 ids per row, at the statement's clock or at a given time", async () => {
    const before = Date.now();
    const rows = await queryRows<{ now: string; past: string }>(
      db(),
      Prisma.sql`SELECT ${newIdSql()}::text AS now,
                        ${newIdSql(Prisma.sql`'1999-12-31T23:59:59.999Z'::timestamptz + g * interval '1 millisecond'`)}::text AS past
                 FROM generate_series(1, 500) AS g`,
    );
    const after = Date.now();
    expect(new Set(rows.map((r) => r.now)).size).toBe(500);
    for (const [i, { now, past }] of rows.entries()) {
      expect(now).toMatch(V7);
      expect(past).toMatch(V7);
      expect(msOf(now)).toBeGreaterThanOrEqual(before - 1_000); // the database's clock, not ours
      expect(msOf(now)).toBeLessThanOrEqual(after + 1_000);
      expect(msOf(past)).toBe(Date.parse("2000-01-01T00:00:00.000Z") + i);
    }
  });
});

describe("the ids a request and a decision store", () => {
  it("are time-ordered for the action and every event of it", async () => {
    const org = await createOrganization("ids");
    const incidentId = await createIncident(org, { environment: "production" });
    const before = Date.now();
    const requested = await rest("POST", "/remediation/request", {
      auth: { organizationId: org, sub: "requester-1" },
      body: requestBody(incidentId, { environment: "production" }),
    });
    expect(requested.status).toBe(201);
    const { id } = (await requested.json()) as { id: string };
    const rejected = await rest("POST", `/remediation/${id}/reject`, {
      auth: { organizationId: org, sub: "admin-1" },
      body: { reason: "not now" },
    });
    expect(rejected.status).toBe(200);
    const after = Date.now();

    const events = await queryRows<{ id: string; type: string }>(
      db(),
      Prisma.sql`SELECT id::text AS id, type::text AS type FROM remediation_events
                 WHERE "organizationId" = ${org} AND "actionId" = ${id}::uuid ORDER BY "createdAt", type`,
    );
    expect(events.map((e) => e.type)).toEqual(["REQUESTED", "REJECTED"]);
    for (const minted of [id, ...events.map((e) => e.id)]) {
      expect(minted).toMatch(V7);
      expect(msOf(minted)).toBeGreaterThanOrEqual(before - 1_000);
      expect(msOf(minted)).toBeLessThanOrEqual(after + 1_000);
    }
    expect(msOf(events[0]?.id as string)).toBeLessThanOrEqual(msOf(events[1]?.id as string));
  });
});
