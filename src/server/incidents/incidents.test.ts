import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { callerFor, rest } from "@/test/calls";
import { bearer, createIncident, createOrganization } from "@/test/factories";

const incident = (overrides: Record<string, unknown> = {}) => ({
  title: "API latency above SLO",
  serviceName: "api-gateway",
  environment: "production",
  severity: "HIGH",
  ...overrides,
});

const suggestions = [
  {
    title: "Restart the gateway",
    actionType: "restart-service",
    parameters: { service: "api-gateway" },
    confidence: 0.8,
  },
  {
    title: "Scale out",
    description: "Add replicas",
    actionType: "scale-service",
    parameters: { service: "api-gateway", replicas: 6 },
  },
];

async function org() {
  const id = await createOrganization("inc");
  return { id, auth: await bearer(id), caller: callerFor(id) };
}

describe("POST /incidents", () => {
  it("201 with the incident and its suggestions in order; GET /incidents/:id returns the same", async () => {
    const { id, auth } = await org();
    const res = await rest("POST", "/incidents", { auth, body: incident({ summary: "p99 4s", suggestions }) });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toMatchObject({
      organizationId: id,
      externalId: null,
      title: "API latency above SLO",
      serviceName: "api-gateway",
      environment: "production",
      severity: "HIGH",
      status: "OPEN",
      summary: "p99 4s",
    });
    expect(created.suggestions).toEqual([
      {
        id: expect.any(String),
        title: "Restart the gateway",
        description: null,
        actionType: "restart-service",
        parameters: { service: "api-gateway" },
        confidence: 0.8,
      },
      {
        id: expect.any(String),
        title: "Scale out",
        description: "Add replicas",
        actionType: "scale-service",
        parameters: { service: "api-gateway", replicas: 6 },
        confidence: null,
      },
    ]);
    const got = await rest("GET", `/incidents/${created.id}`, { auth });
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(created);
  });

  it("the same externalId updates (200, same id, suggestions replaced only when sent); per organization", async () => {
    const { auth, caller } = await org();
    const first = await rest("POST", "/incidents", { auth, body: incident({ externalId: "PD-1", suggestions }) });
    expect(first.status).toBe(201);
    const { id } = await first.json();

    const update = await rest("POST", "/incidents", {
      auth,
      body: incident({
        externalId: "PD-1",
        title: "Latency (mitigated)",
        severity: "MEDIUM",
        suggestions: [suggestions[1]],
      }),
    });
    expect(update.status).toBe(200);
    const updated = await update.json();
    expect(updated).toMatchObject({ id, title: "Latency (mitigated)", severity: "MEDIUM", externalId: "PD-1" });
    expect(updated.suggestions.map((s: { title: string }) => s.title)).toEqual(["Scale out"]);

    const keep = await rest("POST", "/incidents", { auth, body: incident({ externalId: "PD-1" }) });
    expect(keep.status).toBe(200);
    expect((await keep.json()).suggestions).toHaveLength(1);
    const cleared = await rest("POST", "/incidents", { auth, body: incident({ externalId: "PD-1", suggestions: [] }) });
    expect((await cleared.json()).suggestions).toEqual([]);
    expect(await caller.incidents.list()).toHaveLength(1);

    const other = await org();
    const elsewhere = await rest("POST", "/incidents", { auth: other.auth, body: incident({ externalId: "PD-1" }) });
    expect(elsewhere.status).toBe(201);
    expect((await elsewhere.json()).id).not.toBe(id);
  });

  it("concurrent posts of one externalId create one incident", async () => {
    const { id, caller } = await org();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        caller.incidents.create(incident({ externalId: "PD-race", suggestions }) as never),
      ),
    );
    expect(new Set(results.map((r) => r.incident.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await db().incident.count({ where: { organizationId: id } })).toBe(1);
    expect(await db().diagnosisSuggestion.count({ where: { organizationId: id } })).toBe(2);
  });

  it("400 with dotted issue paths, unknown keys refused", async () => {
    const { auth } = await org();
    const res = await rest("POST", "/incidents", {
      auth,
      body: incident({
        title: " ",
        environment: "Prod",
        suggestions: [{ title: "", actionType: "x", parameters: {} }],
      }),
    });
    expect(res.status).toBe(400);
    const paths = (await res.json()).issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["title", "environment", "suggestions.0.title"]));
    expect((await rest("POST", "/incidents", { auth, body: incident({ priority: 1 }) })).status).toBe(400);
    expect((await rest("POST", "/incidents", { auth, body: incident({ severity: "SEV1" }) })).status).toBe(400);
  });
});

describe("GET /incidents", () => {
  it("newest first with status/environment filters and limit bounds; organization-scoped", async () => {
    const { id, auth, caller } = await org();
    const base = new Date("2026-04-20T06:00:00.000Z").getTime();
    for (let i = 0; i < 4; i++) {
      await createIncident(id, {
        ...incident({ environment: i % 2 ? "staging" : "production" }),
        severity: "HIGH",
        createdAt: new Date(base + i * 1000),
        status: i === 3 ? "RESOLVED" : "OPEN",
      });
    }
    const all = await caller.incidents.list();
    expect(all.map((r) => r.createdAt.getTime())).toEqual([3, 2, 1, 0].map((i) => base + i * 1000));
    expect(await caller.incidents.list({ environment: "staging", limit: 50 })).toHaveLength(2);
    expect((await caller.incidents.list({ status: "RESOLVED", limit: 50 })).map((r) => r.status)).toEqual(["RESOLVED"]);
    expect(await caller.incidents.list({ limit: 2 })).toHaveLength(2);
    for (const query of ["limit=0", "limit=501", "limit=abc", "status=CLOSED"]) {
      expect((await rest("GET", `/incidents?${query}`, { auth })).status, query).toBe(400);
    }
    expect(await (await rest("GET", "/incidents?status=&environment=&limit=", { auth })).json()).toHaveLength(4);
    const list = await (await rest("GET", "/incidents?limit=500", { auth })).json();
    expect(list).toHaveLength(4);
    expect(list[0].suggestions).toBeUndefined();

    const stranger = await org();
    expect(await stranger.caller.incidents.list()).toEqual([]);
    expect((await rest("GET", `/incidents/${all[0]!.id}`, { auth: stranger.auth })).status).toBe(404);
    expect((await rest("GET", "/incidents/not-a-uuid", { auth })).status).toBe(404);
    expect((await rest("GET", "/incidents/a0000000-0000-4000-8000-000000000001", { auth })).status).toBe(404);
  });
});
