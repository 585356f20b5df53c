import type { z } from "zod";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { listIncidents as listStoredIncidents } from "@/server/db/stores/incidents";
import type { listIncidentsInput } from "./schemas";

/** GET /incidents: newest first, optionally by status and environment (docs/behaviour.md#incidents). */
export async function listIncidents(
  { db, scope }: { db: Db; scope: OrgScope },
  input: z.output<typeof listIncidentsInput>,
) {
  return listStoredIncidents(db, scope.organizationId, input);
}
