import { z } from "zod";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { countExpiredActions } from "@/server/db/stores/actions";
import { DAY_MS } from "./enforce-retention";
import { ensureReportingSettings } from "./get-reporting-settings";

export const retentionPreviewSchema = z.object({
  retentionDays: z.number().int(),
  cutoff: z.date(),
  /** Terminal actions created before the cutoff: what "enforce retention now" would delete. */
  eligibleCount: z.number().int(),
});

/**
 * What the "enforce retention now" confirmation shows before anything is deleted
 * (docs/behaviour.md#retention): the same cutoff rule as enforceRetention (now − retentionDays)
 * and a count over the same rows (terminal statuses, createdAt before the cutoff).
 */
export async function previewRetention(
  { db, scope }: { db: Db; scope: OrgScope },
  now: Date = new Date(),
): Promise<z.infer<typeof retentionPreviewSchema>> {
  const settings = await ensureReportingSettings(db, scope);
  const cutoff = new Date(now.getTime() - settings.retentionDays * DAY_MS);
  const eligibleCount = await countExpiredActions(db, scope.organizationId, cutoff);
  return { retentionDays: settings.retentionDays, cutoff, eligibleCount };
}
