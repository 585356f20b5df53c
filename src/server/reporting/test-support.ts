// Test helpers for the reporting tests (imported only by *.test.ts files).
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { ActionStatus } from "@/lib/schemas";
import { signToken } from "@/server/auth/bearer";
import { db } from "@/server/db/client";
import { handleRest } from "@/server/rest/handler";
import { createCaller } from "@/server/root";

export const ADMIN = ["remediation:view", "policy:update"];

export function callerFor(organizationId: string, permissions: string[] = ADMIN) {
  return createCaller({
    principal: { userId: "user-1", organizationId, permissions, via: "token" },
    headers: new Headers(),
  });
}

/** One REST request through the real adapter with a signed bearer token. */
export async function rest(
  organizationId: string,
  method: string,
  path: string,
  body?: unknown,
  permissions: string[] = ADMIN,
): Promise<Response> {
  const token = await signToken({ sub: "user-1", organizationId, permissions, ttlSeconds: 300 });
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  return handleRest(
    new Request(`http://test${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

export interface ActionSpec {
  status: ActionStatus;
  createdAt: Date;
  environment?: string;
}

/** Inserts remediation_actions rows directly (with the incident they need), one event each. */
export async function insertActions(organizationId: string, specs: ActionSpec[]): Promise<string[]> {
  const incident = await db().incident.create({
    data: { organizationId, title: "t", serviceName: "api", environment: "production", severity: "HIGH" },
  });
  const rows = specs.map((s) => ({
    id: randomUUID(),
    organizationId,
    incidentId: incident.id,
    actionType: "restart-service",
    parameters: { service: "api" },
    serviceName: "api",
    environment: s.environment ?? "production",
    severity: "HIGH" as const,
    status: s.status,
    performedBy: "user-1",
    createdAt: s.createdAt,
    updatedAt: s.createdAt,
  }));
  if (rows.length === 0) return [];
  await db().remediationAction.createMany({ data: rows });
  await db().remediationEvent.createMany({
    data: rows.map((r) => ({ organizationId, actionId: r.id, type: "REQUESTED" as const, actor: "user-1" })),
  });
  return rows.map((r) => r.id);
}

export const daysAgo = (days: number, now = Date.now()) => new Date(now - days * 86_400_000);

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/**
 * A local stand-in for the Resend API: records every request and answers like Resend, refusing
 * the addresses in `reject` with a 422 validation error.
 */
export async function startResendStandIn() {
  const requests: RecordedRequest[] = [];
  const reject = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const to = ([] as unknown[]).concat(body.to);
      res.setHeader("content-type", "application/json");
      if (to.some((t) => reject.has(String(t)))) {
        res.statusCode = 422;
        res.end(JSON.stringify({ statusCode: 422, name: "validation_error", message: `Invalid \`to\` field: ${to}` }));
        return;
      }
      res.end(JSON.stringify({ id: randomUUID() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reject,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Decodes the Resend request's attachments (base64 on the wire). */
export function attachmentsOf(request: RecordedRequest): { filename: string; text: string }[] {
  return ((request.body.attachments ?? []) as { filename: string; content: string }[]).map((a) => ({
    filename: a.filename,
    text: Buffer.from(a.content, "base64").toString("utf8"),
  }));
}

/** Minimal RFC 4180 reader for asserting on CSV responses (quoted cells, doubled quotes, CRLF). */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      records.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  const [header = [], ...body] = records;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}
