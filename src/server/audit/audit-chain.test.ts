import { describe, expect, it } from "vitest";
import { eventHash, GENESIS_HASH } from "@/audit/chain";
import { db } from "@/server/db/client";
import { callerFor, rest } from "@/test/calls";
import { createIncident, createOrganization, requestBody } from "@/test/factories";
import { sealOrganization } from "./sealer";

async function exportLines(org: string, query = ""): Promise<Record<string, unknown>[]> {
  const response = await rest("GET", `/remediation/audit/export${query}`, { auth: { organizationId: org } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
  const text = await response.text();
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("audit chain", () => {
  it("seals events in order with a valid hash chain and exports them with a signed checkpoint", async () => {
    const org = await createOrganization("chain");
    const incidentId = await createIncident(org);
    const caller = callerFor(org);
    for (let i = 0; i < 3; i++)
      await caller.remediation.request(requestBody(incidentId, { environment: "production" }));
    expect(await sealOrganization(db(), org)).toEqual({ sealed: 3, busy: false });

    const lines = await exportLines(org);
    expect(lines).toHaveLength(4);
    let prev = GENESIS_HASH;
    for (const [i, line] of lines.slice(0, 3).entries()) {
      expect(line.seq).toBe(i + 1);
      expect(line.prevHash).toBe(prev);
      const { seq, actionId, type, actor, data, createdAt, organizationId } = line as never;
      expect(eventHash({ organizationId, seq, actionId, type, actor, data, createdAt, prevHash: prev })).toBe(
        line.hash,
      );
      prev = line.hash as string;
    }
    const trailer = lines[3] as { checkpoint: { seq: number; hash: string } };
    expect(trailer.checkpoint).toMatchObject({ organizationId: org, seq: 3, hash: prev });

    const keys = await (await fetchJwks()).json();
    expect(
      keys.keys.some((k: { kid: string }) => k.kid === (trailer.checkpoint as unknown as { kid: string }).kid),
    ).toBe(true);
  });

  it("an empty organization exports only the checkpoint line at seq 0", async () => {
    const org = await createOrganization("chain");
    const lines = await exportLines(org);
    expect(lines).toEqual([
      {
        checkpoint: expect.objectContaining({ organizationId: org, seq: 0, hash: GENESIS_HASH }),
        range: { fromSeq: null, toSeq: null },
      },
    ]);
  });

  it("events cannot be changed or deleted outside retention", async () => {
    const org = await createOrganization("chain");
    const incidentId = await createIncident(org);
    await callerFor(org).remediation.request(requestBody(incidentId));
    await expect(
      db().$executeRaw`UPDATE remediation_events SET actor = 'mallory' WHERE "organizationId" = ${org}`,
    ).rejects.toThrow(/append-only/);
    await expect(db().$executeRaw`DELETE FROM remediation_events WHERE "organizationId" = ${org}`).rejects.toThrow(
      /append-only/,
    );
  });

  it("GET /remediation/:id shows each event's seq and hash: null until sealed, then the chain's", async () => {
    const org = await createOrganization("chain");
    const incidentId = await createIncident(org);
    const { action } = await callerFor(org).remediation.request(requestBody(incidentId));
    const eventsOf = async () => {
      const response = await rest("GET", `/remediation/${action.id}`, { auth: { organizationId: org } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { events: { type: string; seq: number | null; hash: string | null }[] })
        .events;
    };
    const unsealed = await eventsOf();
    expect(unsealed.length).toBeGreaterThan(0);
    expect(unsealed.map((e) => [e.seq, e.hash])).toEqual(unsealed.map(() => [null, null]));

    await sealOrganization(db(), org);
    const sealed = await eventsOf();
    const lines = await exportLines(org);
    expect(sealed.map((e) => ({ type: e.type, seq: e.seq, hash: e.hash }))).toEqual(
      lines.slice(0, -1).map((l) => ({ type: l.type, seq: l.seq, hash: l.hash })),
    );
  });
});

async function fetchJwks(): Promise<Response> {
  const { GET } = await import("@/app/api/audit-keys/route");
  return GET();
}
