import type { Db } from "@/server/db/client";
import { isUuid, type OrgScope } from "@/server/db/scoped";
import { notFound } from "@/server/errors";

export async function getIncident({ db, scope }: { db: Db; scope: OrgScope }, input: { id: string }) {
  if (!isUuid(input.id)) throw notFound("Incident");
  const incident = await db.incident.findFirst({
    where: scope.where({ id: input.id }),
    include: { suggestions: { orderBy: { position: "asc" } } },
  });
  if (!incident) throw notFound("Incident");
  const { suggestions, ...rest } = incident;
  return {
    ...rest,
    suggestions: suggestions.map((s) => ({
      id: s.id,
      title: s.title,
      description: s.description,
      actionType: s.actionType,
      parameters: (s.parameters ?? {}) as Record<string, unknown>,
      confidence: s.confidence,
    })),
  };
}
