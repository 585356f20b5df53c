import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { rest } from "@/test/calls";
import { bearer, createActions, createIncident, createOrganization } from "@/test/factories";
import { listActions } from "./list-actions";

const HEADER = "id,incidentId,actionType,status,performedBy,serviceName,environment,createdAt,updatedAt,details,error";
const T0 = new Date("2026-04-20T06:00:00.000Z");

async function org() {
  const id = await createOrganization("csv");
  return { id, auth: await bearer(id), incidentId: await createIncident(id) };
}

describe("GET /remediation/export/csv", () => {
  it("headers, filename, exact columns, CRLF after every record, RFC 4180 quoting, formula protection, nulls", async () => {
    const { id, auth, incidentId } = await org();
    await createActions(id, {
      count: 1,
      status: "FAILED",
      incidentId,
      createdAt: T0,
      performedBy: "seed-user",
      serviceName: null,
      details: { note: 'said "hi", then\nleft' },
      error: '=HYPERLINK("http://evil")',
    });
    await createActions(id, {
      count: 1,
      status: "COMPLETED",
      incidentId,
      createdAt: new Date(T0.getTime() + 1000),
      performedBy: "seed-user",
      error: "-1, +2\nnext",
    });

    const res = await rest("GET", "/remediation/export/csv", { auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="remediation-audit-export.csv"');
    const text = await res.text();
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    expect(text.startsWith(`${HEADER}\r\n`)).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);

    const [newest, oldest] = await db().remediationAction.findMany({
      where: { organizationId: id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    const newestLine = `${newest!.id},${incidentId},restart-service,COMPLETED,seed-user,api-gateway,production,2026-04-20T06:00:01.000Z,2026-04-20T06:00:01.000Z,{},"'-1, +2\nnext"\r\n`;
    const oldestLine =
      `${oldest!.id},${incidentId},restart-service,FAILED,seed-user,,production,2026-04-20T06:00:00.000Z,2026-04-20T06:00:00.000Z,` +
      `"{""note"": ""said \\""hi\\"", then\\nleft""}","'=HYPERLINK(""http://evil"")"\r\n`;
    expect(text).toBe(`${HEADER}\r\n${newestLine}${oldestLine}`);
  });

  it("filters by status and environment; limit default 500, max 100000 (100001 → 400)", async () => {
    const { id, auth, incidentId } = await org();
    await createActions(id, { count: 520, status: "COMPLETED", environment: "production", incidentId, createdAt: T0 });
    await createActions(id, { count: 3, status: "FAILED", environment: "staging", incidentId, createdAt: T0 });
    const lines = async (query: string) => {
      const res = await rest("GET", `/remediation/export/csv${query}`, { auth });
      expect(res.status, query).toBe(200);
      return (await res.text()).split("\r\n").filter(Boolean).length - 1;
    };
    expect(await lines("")).toBe(500);
    expect(await lines("?limit=100000")).toBe(523);
    expect(await lines("?status=FAILED")).toBe(3);
    expect(await lines("?environment=production&limit=7")).toBe(7);
    expect(await lines("?status=&environment=")).toBe(500);
    for (const query of ["?limit=100001", "?limit=0", "?limit=abc", "?status=nope"]) {
      const res = await rest("GET", `/remediation/export/csv${query}`, { auth });
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/json");
    }
  });

  it("rows come in list order, ties on createdAt included, cut at the limit", async () => {
    const { id, auth, incidentId } = await org();
    // Three rows per createdAt: the order must fall back to id desc inside ties, as the list's.
    for (let i = 0; i < 3; i++) await createActions(id, { count: 8, status: "COMPLETED", incidentId, createdAt: T0 });
    const scope = orgScope(id);
    const ids = async (query: string) => {
      const text = await (await rest("GET", `/remediation/export/csv${query}`, { auth })).text();
      return text
        .split("\r\n")
        .slice(1, -1)
        .map((line) => line.split(",", 1)[0]);
    };
    const listed = (await listActions({ db: db(), scope }, { limit: 500 })).map((r) => r.id);
    expect(await ids("?limit=1000")).toEqual(listed);
    expect(new Set(listed).size).toBe(24);
    expect(await ids("?limit=11")).toEqual(listed.slice(0, 11));
  });

  it("quotes fields with a comma, a quote, CR or LF; keeps an LF inside a field; formula-prefixes every text cell", async () => {
    const { id, auth, incidentId } = await org();
    await createActions(id, {
      count: 1,
      status: "FAILED",
      incidentId,
      createdAt: T0,
      serviceName: "+svc",
      environment: "@env",
      details: { n: -1, s: "a,b" },
      error: 'line1\n"line2"\r\nline3,\tend',
    });
    const text = await (await rest("GET", "/remediation/export/csv", { auth })).text();
    const row = text.slice(HEADER.length + 2);
    expect(row).toContain(",'+svc,'@env,");
    expect(row).toContain(`"{""n"": -1, ""s"": ""a,b""}"`);
    expect(row.endsWith(`,"line1\n""line2""\r\nline3,\tend"\r\n`)).toBe(true);
    // Exactly one record end outside quotes per row: header + 1 row.
    expect(text.split(/\r\n(?=(?:[^"]*"[^"]*")*[^"]*$)/).filter(Boolean)).toHaveLength(2);
  });

  it("other organizations' rows are never exported", async () => {
    const { id, incidentId } = await org();
    await createActions(id, { count: 2, status: "COMPLETED", incidentId });
    const stranger = await bearer(await createOrganization("stranger"));
    expect(await (await rest("GET", "/remediation/export/csv", { auth: stranger })).text()).toBe(`${HEADER}\r\n`);
  });
});
