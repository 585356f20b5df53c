import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import pg from "pg";
import type { Prisma } from "@/generated/prisma/client";
import { isUuid } from "@/server/db/scoped";
import {
  type ActionFilters,
  listActionsQuery,
  prioritySignalQuery,
  type SignalCounts,
  toActionWithBasis,
} from "@/server/db/stores/actions";
import { type ApprovalMetricsRow, approvalMetricsQuery } from "@/server/db/stores/approval-metrics";
import { countByStatusQuery } from "@/server/db/stores/counters";
import { globalPolicy } from "@/server/policy/global-policy";
import { withApprovalContext } from "@/server/remediation/approval-context";
import { approvalMetricsFromRow } from "@/server/remediation/get-approval-metrics";
import { statsFromCounts } from "@/server/remediation/get-stats";
import { HISTORY_LIMIT } from "@/server/remediation/list-history";
import { computePrioritySignal } from "@/server/remediation/priority-signal";

// P2's baseline: the product's hot reads with nothing around them. node:http + plain `pg`, the
// SAME SQL (the product's exported builders, so identical by construction), the same row mapper
// (pending rows with their approval context, as list-actions.ts) and signal computation, the
// same pool size. What it leaves out is what the ratio measures:
// Next.js routing and rewrites, the REST adapter, tRPC, zod input and output validation, Prisma's
// driver adapter — and token VERIFICATION: it reads the organization from the bearer token's
// payload without checking the signature (HS256 verify + claim parsing is part of the app's cost).

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});

type Counts = Record<"PENDING_APPROVAL" | "QUEUED" | "EXECUTING" | "COMPLETED" | "FAILED" | "REJECTED", number>;

async function query<T>(sql: Prisma.Sql): Promise<T[]> {
  // Prisma.Sql renders PostgreSQL placeholders ($1, $2, …) in `.text`, with `.values` in order.
  const result = await pool.query(sql.text, sql.values as unknown[]);
  return result.rows as T[];
}

type RawListedRow = Parameters<typeof toActionWithBasis>[0];

/** The list rows as the app answers them: pending ones with their approval context (list-actions.ts). */
async function listed(sql: Prisma.Sql): Promise<unknown[]> {
  const now = new Date();
  const global = globalPolicy();
  return (await query<RawListedRow>(sql)).map((row) => withApprovalContext(toActionWithBasis(row), global, now));
}

async function counts(organizationId: string, environment?: string): Promise<Counts> {
  const rows = await query<{ status: keyof Counts; count: string }>(countByStatusQuery(organizationId, environment));
  const out: Counts = { PENDING_APPROVAL: 0, QUEUED: 0, EXECUTING: 0, COMPLETED: 0, FAILED: 0, REJECTED: 0 };
  for (const row of rows) out[row.status] = Number(row.count);
  return out;
}

/** The organization named in the token, unverified (see above). */
function organizationOf(req: IncomingMessage): string | undefined {
  const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
  const payload = token?.split(".")[1];
  if (!payload) return undefined;
  return (JSON.parse(Buffer.from(payload, "base64url").toString()) as { organizationId?: string }).organizationId;
}

async function route(url: URL, organizationId: string): Promise<unknown> {
  const q = url.searchParams;
  const environment = q.get("environment") || undefined;
  if (url.pathname === "/remediation/actions") {
    const filters: ActionFilters & { limit: number } = {
      status: (q.get("status") || undefined) as ActionFilters["status"],
      environment,
      incidentId: q.get("incidentId") || undefined,
      limit: Number(q.get("limit") ?? 50),
    };
    return listed(listActionsQuery(organizationId, filters));
  }
  const history = /^\/remediation\/history\/([^/]+)$/.exec(url.pathname);
  if (history) {
    const incidentId = decodeURIComponent(history[1]!);
    if (!isUuid(incidentId)) return [];
    return listed(listActionsQuery(organizationId, { incidentId, limit: HISTORY_LIMIT }));
  }
  if (url.pathname === "/remediation/stats") {
    return statsFromCounts(await counts(organizationId, environment));
  }
  if (url.pathname === "/remediation/priority-signal") {
    const [signal] = await query<SignalCounts>(prioritySignalQuery(organizationId, environment, new Date()));
    return computePrioritySignal(signal!);
  }
  if (url.pathname === "/remediation/approval-metrics") {
    const days = Number(q.get("days") || 7);
    const now = new Date();
    const since = new Date(now.getTime() - days * 86_400_000);
    const [row] = await query<ApprovalMetricsRow>(approvalMetricsQuery(organizationId, since, now));
    return approvalMetricsFromRow(days, row!);
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://baseline");
  if (url.pathname === "/health") return send(res, 200, { status: "ok" });
  const organizationId = organizationOf(req);
  if (!organizationId) return send(res, 401, { statusCode: 401 });
  route(url, organizationId).then(
    (body) => (body === undefined ? send(res, 404, { statusCode: 404 }) : send(res, 200, body)),
    (err: Error) => send(res, 500, { statusCode: 500, message: err.message }),
  );
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 3204), "127.0.0.1");

const stop = () => {
  server.close();
  server.closeAllConnections();
  pool.end().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
