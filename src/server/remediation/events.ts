import type { Prisma } from "@/generated/prisma/client";
import type { Tx } from "@/server/db/client";

export const SYSTEM_ACTOR = "system";

export type ActionEventType =
  | "REQUESTED"
  | "APPROVAL_BLOCKED"
  | "APPROVED"
  | "OVERRIDDEN"
  | "REJECTED"
  | "EXECUTION_STARTED"
  | "EXECUTION_RETRY"
  | "EXECUTION_SUCCEEDED"
  | "EXECUTION_FAILED";

/** Appends an immutable audit event; call it in the transaction of the transition it records. */
export async function appendEvent(
  tx: Tx,
  event: {
    organizationId: string;
    actionId: string;
    type: ActionEventType;
    actor: string;
    data?: Record<string, unknown>;
  },
): Promise<void> {
  await tx.remediationEvent.create({
    data: {
      organizationId: event.organizationId,
      actionId: event.actionId,
      type: event.type,
      actor: event.actor,
      data: (event.data ?? {}) as Prisma.InputJsonValue,
    },
  });
}
