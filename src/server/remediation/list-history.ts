import { isUuid } from "@/server/db/scoped";
import { listActions } from "./list-actions";
import type { ListedAction } from "./schemas";

/** History is a timeline, not an export: the newest rows of one incident, bounded. */
export const HISTORY_LIMIT = 1000;

/**
 * GET /remediation/history/:incidentId: that incident's rows, newest first; [] when the incident
 * is unknown, another organization's or the id is malformed (§12).
 */
export async function listHistory(
  ctx: Parameters<typeof listActions>[0],
  input: { incidentId: string },
): Promise<ListedAction[]> {
  if (!isUuid(input.incidentId)) return [];
  return listActions(ctx, { incidentId: input.incidentId, limit: HISTORY_LIMIT });
}
