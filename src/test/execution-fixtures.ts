// Execution test helpers (not a test file): queued actions with their job, polling, job lookups.
import { randomUUID } from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import { db } from "@/server/db/client";
import { senderBoss } from "@/server/jobs/boss";
import { REMEDIATION_EXECUTE_QUEUE } from "@/server/jobs/queues";
import { enqueueExecution, ensureExecuteQueue } from "@/server/remediation/enqueue-execution";

export interface ActionSpec {
  actionType?: string;
  parameters?: Record<string, unknown>;
  status?: "QUEUED" | "EXECUTING" | "COMPLETED" | "FAILED";
  attempts?: number;
  details?: Record<string, unknown>;
  /** Insert the execution job in the same transaction (default true). */
  enqueue?: boolean;
}

export async function createIncident(organizationId: string): Promise<string> {
  const incident = await db().incident.create({
    data: {
      organizationId,
      title: "Checkout errors",
      serviceName: "checkout",
      environment: "staging",
      severity: "HIGH",
    },
  });
  return incident.id;
}

/**
 * An action as the request/approve use cases leave it: the row and its job committed together
 * (the approved/auto-queued path), without depending on those use cases.
 */
export async function createAction(organizationId: string, incidentId: string, spec: ActionSpec = {}): Promise<string> {
  const enqueue = spec.enqueue ?? true;
  if (enqueue) await ensureExecuteQueue();
  return db().$transaction(async (tx) => {
    const action = await tx.remediationAction.create({
      data: {
        organizationId,
        incidentId,
        actionType: spec.actionType ?? "restart-service",
        parameters: (spec.parameters ?? { service: "checkout" }) as Prisma.InputJsonValue,
        serviceName: "checkout",
        environment: "staging",
        severity: "HIGH",
        status: spec.status ?? "QUEUED",
        attempts: spec.attempts ?? 0,
        performedBy: "user-1",
        details: (spec.details ?? { policy: { outcome: "QUEUED", reasons: [] } }) as Prisma.InputJsonValue,
      },
    });
    if (enqueue) await enqueueExecution(tx, { actionId: action.id, organizationId });
    return action.id;
  });
}

/** `count` QUEUED actions and their jobs, committed in one transaction (a burst). */
export async function createActions(organizationId: string, incidentId: string, count: number): Promise<string[]> {
  await ensureExecuteQueue();
  const ids = Array.from({ length: count }, () => randomUUID());
  await db().$transaction(
    async (tx) => {
      await tx.remediationAction.createMany({
        data: ids.map((id) => ({
          id,
          organizationId,
          incidentId,
          actionType: "restart-service",
          parameters: { service: "checkout" },
          serviceName: "checkout",
          environment: "staging",
          severity: "HIGH" as const,
          status: "QUEUED" as const,
          performedBy: "user-1",
        })),
      });
      for (const id of ids) await enqueueExecution(tx, { actionId: id, organizationId });
    },
    { timeout: 30_000 },
  );
  return ids;
}

/** Polls `probe` until it returns a value other than undefined/null/false (no fixed sleeps). */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  { timeoutMs = 20_000, intervalMs = 25, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const TERMINAL = ["COMPLETED", "FAILED", "REJECTED"];

export async function loadAction(actionId: string) {
  const action = await db().remediationAction.findUniqueOrThrow({
    where: { id: actionId },
    include: { events: { orderBy: { createdAt: "asc" } } },
  });
  // Events of one transaction share createdAt; order them by the state machine's own order.
  const order = ["EXECUTION_STARTED", "EXECUTION_RETRY", "EXECUTION_SUCCEEDED", "EXECUTION_FAILED"];
  action.events.sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || order.indexOf(a.type) - order.indexOf(b.type),
  );
  return action;
}

export async function waitForTerminal(actionId: string, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const action = await loadAction(actionId);
      return TERMINAL.includes(action.status) ? action : undefined;
    },
    { timeoutMs, what: `action ${actionId} to finish` },
  );
}

/** Every pg-boss job ever created for the action (any state). */
export async function jobsFor(actionId: string) {
  const boss = await senderBoss();
  return boss.findJobs(REMEDIATION_EXECUTE_QUEUE, { key: actionId });
}
