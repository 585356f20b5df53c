import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { TERMINAL_STATUSES } from "@/lib/schemas";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { DAY_MS } from "@/server/reporting/enforce-retention";
import { ensureReportingSettings } from "@/server/reporting/get-reporting-settings";

export const retentionPreviewSchema = z.object({
  retentionDays: z.number().int(),
  cutoff: z.date(),
  /** Terminal actions created before the cutoff: what "enforce retention now" would delete. */
  eligibleCount: z.number().int(),
});

/**
 * What the "enforce retention now" confirmation shows before anything is deleted: the same
 * cutoff rule as enforceRetention (now − retentionDays) and a count over the same rows
 * (terminal statuses, createdAt before the cutoff), each status a range of the
 * (organizationId, status, createdAt) index.
 */
export async function previewRetention(
  { db, scope }: { db: Db; scope: OrgScope },
  now: Date = new Date(),
): Promise<z.infer<typeof retentionPreviewSchema>> {
  const settings = await ensureReportingSettings(db, scope);
  const cutoff = new Date(now.getTime() - settings.retentionDays * DAY_MS);
  const statuses = Prisma.join(TERMINAL_STATUSES.map((s) => Prisma.sql`${s}::"ActionStatus"`));
  const [row] = await db.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM remediation_actions
    WHERE "organizationId" = ${scope.organizationId} AND status IN (${statuses}) AND "createdAt" < ${cutoff}`;
  return { retentionDays: settings.retentionDays, cutoff, eligibleCount: row?.count ?? 0 };
}
