import type { Db } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { acrossOrganizationsListIds } from "@/server/db/stores/organizations";
import { logger } from "@/server/logger";
import { enforceRetention } from "./enforce-retention";

const PAGE = 500;

/**
 * The daily retention schedule (03:00 UTC): every organization, each with its own settings.
 * Deliberately across organizations — the schedule has no caller; each purge is still scoped.
 * One organization's failure is logged and does not stop the others.
 */
export async function acrossOrganizationsEnforceRetention(
  db: Db,
  now = new Date(),
): Promise<{ organizations: number; deletedCount: number; failed: number }> {
  let after: string | undefined;
  const totals = { organizations: 0, deletedCount: 0, failed: 0 };
  for (;;) {
    const page = await acrossOrganizationsListIds(db, { after, limit: PAGE });
    for (const id of page) {
      totals.organizations += 1;
      try {
        const result = await enforceRetention({ db, scope: orgScope(id) }, { now });
        totals.deletedCount += result.deletedCount;
      } catch (err) {
        totals.failed += 1;
        logger().error({ err, organizationId: id }, "scheduled retention failed");
      }
    }
    if (page.length < PAGE) break;
    after = page.at(-1);
  }
  return totals;
}
