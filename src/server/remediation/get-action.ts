import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { findAction } from "@/server/db/stores/actions";
import { listEventsOfAction } from "@/server/db/stores/events";
import { notFound } from "@/server/errors";

/** GET /remediation/:id: the row plus its events, oldest first. */
export async function getAction({ db, scope }: { db: Db; scope: OrgScope }, input: { id: string }) {
  const action = await findAction(db, scope.organizationId, input.id);
  if (!action) throw notFound("Action");
  return { ...action, events: await listEventsOfAction(db, scope.organizationId, action.id) };
}
