import type { z } from "zod";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import type { listIncidentsInput } from "./schemas";

export async function listIncidents(
  { db, scope }: { db: Db; scope: OrgScope },
  input: z.output<typeof listIncidentsInput>,
) {
  return db.incident.findMany({
    where: scope.where({
      ...(input.status ? { status: input.status } : {}),
      ...(input.environment ? { environment: input.environment } : {}),
    }),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit,
  });
}
