import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { notFound } from "@/server/errors";
import { findAction } from "./find-action";

/** GET /remediation/:id: the row plus its events, oldest first. */
export async function getAction({ db, scope }: { db: Db; scope: OrgScope }, input: { id: string }) {
  const action = await findAction(db, scope, input.id);
  if (!action) throw notFound("Action");
  const events = await db.remediationEvent.findMany({
    where: scope.where({ actionId: action.id }),
    // Events of one transition burst can share a millisecond; the enum's declaration order is the
    // lifecycle order (REQUESTED … EXECUTION_FAILED), which breaks such ties the right way.
    orderBy: [{ createdAt: "asc" }, { type: "asc" }, { id: "asc" }],
    select: { id: true, type: true, actor: true, data: true, createdAt: true },
  });
  return {
    ...action,
    events: events.map((e) => ({ ...e, data: (e.data ?? {}) as Record<string, unknown> })),
  };
}
