import type { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { getIncident } from "./get-incident";
import type { createIncidentInput } from "./schemas";

/**
 * Creates an incident, or updates the one with the same `externalId` in the organization
 * (its suggestions are replaced when the body carries them). `created` tells 201 from 200.
 */
export async function createIncident(
  { db, scope }: { db: Db; scope: OrgScope },
  input: z.output<typeof createIncidentInput>,
) {
  const { suggestions, externalId, ...fields } = input;
  const suggestionRows = suggestions?.map((s, position) =>
    scope.data({
      position,
      title: s.title,
      description: s.description ?? null,
      actionType: s.actionType,
      parameters: s.parameters as Prisma.InputJsonValue,
      confidence: s.confidence ?? null,
    }),
  );
  const { id, created } = await db.$transaction(async (tx) => {
    if (externalId) {
      // Insert-or-nothing first, so two concurrent posts of one externalId create it once.
      const inserted = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO incidents (id, "organizationId", "externalId", title, "serviceName", environment, severity, summary, "updatedAt")
        VALUES (gen_random_uuid(), ${scope.organizationId}, ${externalId}, ${fields.title}, ${fields.serviceName},
                ${fields.environment}, ${fields.severity}::"Severity", ${fields.summary ?? null}, now())
        ON CONFLICT ("organizationId", "externalId") DO NOTHING
        RETURNING id`;
      const existing = inserted[0]
        ? undefined
        : await tx.incident.update({
            where: { organizationId_externalId: { organizationId: scope.organizationId, externalId } },
            data: { ...fields, summary: fields.summary ?? null },
          });
      const incidentId = inserted[0]?.id ?? (existing as { id: string }).id;
      if (suggestionRows && (existing || suggestionRows.length > 0)) {
        await tx.diagnosisSuggestion.deleteMany({ where: scope.where({ incidentId }) });
        await tx.diagnosisSuggestion.createMany({ data: suggestionRows.map((s) => ({ ...s, incidentId })) });
      }
      return { id: incidentId, created: Boolean(inserted[0]) };
    }
    const incident = await tx.incident.create({
      data: scope.data({ ...fields, summary: fields.summary ?? null, externalId: null }),
    });
    if (suggestionRows?.length) {
      await tx.diagnosisSuggestion.createMany({ data: suggestionRows.map((s) => ({ ...s, incidentId: incident.id })) });
    }
    return { id: incident.id, created: true };
  });
  return { created, incident: await getIncident({ db, scope }, { id }) };
}
