import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createOrganization } from "@/test/factories";
import { isRestRequest, serveRest } from "./node-adapter";

const request = (url: string, headers: Record<string, string> = {}) => ({ url, headers }) as unknown as IncomingMessage;

describe("isRestRequest", () => {
  it("sends every /remediation path to the REST adapter", () => {
    expect(isRestRequest(request("/remediation/stats"))).toBe(true);
    expect(isRestRequest(request("/remediation"))).toBe(true);
    expect(isRestRequest(request("/control-center", { accept: "*/*" }))).toBe(false);
  });

  it("claims the next-dev mirror's address /api/rest/* too (answered 404: not part of the API)", () => {
    expect(isRestRequest(request("/api/rest/remediation/stats"))).toBe(true);
    expect(isRestRequest(request("/api/rest"))).toBe(true);
    expect(isRestRequest(request("/api/restless"))).toBe(false);
    expect(isRestRequest(request("/api/trpc/remediation.stats"))).toBe(false);
  });

  it("keeps /incidents pages for browsers and client navigations, REST for API clients", () => {
    expect(isRestRequest(request("/incidents", { accept: "text/html,application/xhtml+xml" }))).toBe(false);
    expect(isRestRequest(request("/incidents/x", { accept: "*/*", rsc: "1" }))).toBe(false);
    expect(isRestRequest(request("/incidents?limit=5", { accept: "application/json" }))).toBe(true);
    expect(isRestRequest(request("/incidents", { accept: "text/html", authorization: "Bearer t" }))).toBe(true);
    expect(isRestRequest(request("/incidentsfoo", { accept: "*/*" }))).toBe(false);
  });
});

describe("serveRest over node:http", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => void serveRest(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("passes method, headers and body through, and streams the answer back", async () => {
    const organizationId = await createOrganization();
    const authorization = await bearer(organizationId, { permissions: ["incident:write", "remediation:view"] });
    const headers = { authorization, "content-type": "application/json" };
    const created = await fetch(`${base}/incidents`, {
      method: "POST",
      headers,
      body: JSON.stringify({ title: "disk", serviceName: "db", environment: "staging", severity: "LOW" }),
    });
    expect(created.status).toBe(201);
    const csv = await fetch(`${base}/remediation/export/csv`, { headers });
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="remediation-audit-export.csv"');
    expect(await csv.text()).toBe(
      "id,incidentId,actionType,status,performedBy,serviceName,environment,createdAt,updatedAt,details,error\r\n",
    );
    const tooBig = await fetch(`${base}/incidents`, { method: "POST", headers, body: "x".repeat(70_000) });
    expect(tooBig.status).toBe(413);

    // Chunked, no Content-Length: refused part-way, and the 413 still reaches the client.
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const streamed = await fetch(`${base}/incidents`, {
      method: "POST",
      headers,
      body: new ReadableStream({
        pull(controller) {
          if (sent++ < 8) controller.enqueue(chunk);
          else controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ statusCode: 413, error: "Payload Too Large" });
    const after = await fetch(`${base}/incidents?limit=5`, { headers });
    expect(after.status).toBe(200);
  });
});
