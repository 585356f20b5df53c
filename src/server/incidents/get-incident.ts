import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { findIncident } from "@/server/db/stores/incidents";
import { notFound } from "@/server/errors";

/** GET /incidents/:id: the incident with its suggestions in order (docs/behaviour.md#incidents). */
export async function getIncident({ db, scope }: { db: Db; scope: OrgScope }, input: { id: string }) {
  const incident = await findIncident(db, scope.organizationId, input.id);
  if (!incident) throw notFound("Incident");
  return incident;
}
