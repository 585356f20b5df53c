import type { z } from "zod";
import { type Db, transaction } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import * as incidents from "@/server/db/stores/incidents";
import { getIncident } from "./get-incident";
import type { createIncidentInput } from "./schemas";

/**
 * Creates an incident, or updates the one with the same `externalId` in the organization
 * (its suggestions are replaced when the body carries them, its status when the body has one).
 * `created` tells 201 from 200 (docs/behaviour.md#incidents). A change of severity or status
 * changes the approval context of its pending actions (docs/behaviour.md#approval-context).
 */
export async function createIncident(
  { db, scope }: { db: Db; scope: OrgScope },
  input: z.output<typeof createIncidentInput>,
) {
  const organizationId = scope.organizationId;
  const { suggestions: sent, externalId, status, ...rest } = input;
  const fields: incidents.IncidentFields = { ...rest, summary: rest.summary ?? null, status };
  const suggestions = sent?.map((s) => ({
    title: s.title,
    description: s.description ?? null,
    actionType: s.actionType,
    parameters: s.parameters,
    confidence: s.confidence ?? null,
  }));
  const { id, created } = await transaction(db, async (tx) => {
    const inserted = await incidents.insertIncident(tx, organizationId, { ...fields, externalId: externalId ?? null });
    if (inserted) {
      if (suggestions) await incidents.insertSuggestions(tx, organizationId, inserted, suggestions);
      return { id: inserted, created: true };
    }
    // Only a taken externalId stops the insert; the conflicting row committed before the insert
    // gave up, so it is there to update.
    const existing = externalId && (await incidents.updateIncidentByExternalId(tx, organizationId, externalId, fields));
    if (!existing) throw new Error(`incident with externalId ${externalId} vanished during its upsert`);
    if (suggestions) await incidents.replaceSuggestions(tx, organizationId, existing, suggestions);
    return { id: existing, created: false };
  });
  return { created, incident: await getIncident({ db, scope }, { id }) };
}
