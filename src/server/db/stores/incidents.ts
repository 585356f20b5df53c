import { Prisma } from "@/generated/prisma/client";
import type { Severity } from "@/lib/schemas";
import { execute, type Queryable, queryRows } from "../client";
import { newIdSql } from "../ids";
import { isUuid } from "../scoped";

/**
 * The incidents store, which also owns diagnosis_suggestions (docs/data-model.md#incidents,
 * docs/data-model.md#diagnosis_suggestions): suggestions are only ever written with their incident
 * (replaced as a whole on an upsert) and read with it, so their statements live here too.
 */

export type IncidentStatus = "OPEN" | "RESOLVED";

export interface IncidentRecord {
  id: string;
  organizationId: string;
  externalId: string | null;
  title: string;
  serviceName: string;
  environment: string;
  severity: Severity;
  status: IncidentStatus;
  summary: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SuggestionRecord {
  id: string;
  title: string;
  description: string | null;
  actionType: string;
  parameters: Record<string, unknown>;
  confidence: number | null;
}

export interface IncidentWithSuggestions extends IncidentRecord {
  suggestions: SuggestionRecord[];
}

/** The fields a caller writes; status starts OPEN unless given (an update without one keeps it), timestamps are the database's. */
export interface IncidentFields {
  title: string;
  serviceName: string;
  environment: string;
  severity: Severity;
  summary: string | null;
  status?: IncidentStatus | undefined;
}

/** One suggestion as written; its position is its index in the list. */
export interface SuggestionFields {
  title: string;
  description: string | null;
  actionType: string;
  parameters: Record<string, unknown>;
  confidence: number | null;
}

const INCIDENT_COLUMNS = Prisma.sql`
  i.id, i."organizationId", i."externalId", i.title, i."serviceName", i.environment,
  i.severity::text AS severity, i.status::text AS status, i.summary, i."createdAt", i."updatedAt"`;

/**
 * Inserts an incident (OPEN) and returns its id, or undefined when its `externalId` is already
 * taken in the organization: insert-or-nothing on (organizationId, externalId), so of concurrent
 * posts of one externalId exactly one inserts and the others update instead. An incident without
 * an externalId never conflicts.
 */
export async function insertIncident(
  q: Queryable,
  organizationId: string,
  incident: IncidentFields & { externalId: string | null; createdAt?: Date },
): Promise<string | undefined> {
  // createdAt: the demo's incidents of the past (docs/behaviour.md#demo-data); otherwise now.
  const at = incident.createdAt ? Prisma.sql`${incident.createdAt}::timestamptz` : Prisma.sql`now()`;
  const [row] = await queryRows<{ id: string }>(
    q,
    Prisma.sql`
    INSERT INTO incidents (id, "organizationId", "externalId", title, "serviceName", environment, severity, status,
                           summary, "createdAt", "updatedAt")
    VALUES (${newIdSql()}, ${organizationId}, ${incident.externalId}, ${incident.title}, ${incident.serviceName},
            ${incident.environment}, ${incident.severity}::"Severity", ${incident.status ?? "OPEN"}::"IncidentStatus",
            ${incident.summary}, ${at}, ${at})
    ON CONFLICT ("organizationId", "externalId") DO NOTHING
    RETURNING id`,
  );
  return row?.id;
}

/** Overwrites the fields of the incident with this externalId; its id, or undefined when none. */
export async function updateIncidentByExternalId(
  q: Queryable,
  organizationId: string,
  externalId: string,
  incident: IncidentFields,
): Promise<string | undefined> {
  const [row] = await queryRows<{ id: string }>(
    q,
    Prisma.sql`
    UPDATE incidents
    SET title = ${incident.title}, "serviceName" = ${incident.serviceName}, environment = ${incident.environment},
        severity = ${incident.severity}::"Severity", summary = ${incident.summary},
        status = COALESCE(${incident.status ?? null}::"IncidentStatus", status), "updatedAt" = now()
    WHERE "organizationId" = ${organizationId} AND "externalId" = ${externalId}
    RETURNING id`,
  );
  return row?.id;
}

/** Adds suggestions to an incident that has none yet, in list order (position = index). */
export async function insertSuggestions(
  q: Queryable,
  organizationId: string,
  incidentId: string,
  suggestions: readonly SuggestionFields[],
): Promise<void> {
  if (suggestions.length === 0) return;
  const rows = suggestions.map(
    (s, position) => Prisma.sql`(${newIdSql()}, ${organizationId}, ${incidentId}::uuid, ${position}::int,
      ${s.title}, ${s.description}::text, ${s.actionType}, ${JSON.stringify(s.parameters)}::jsonb, ${s.confidence}::float8)`,
  );
  await execute(
    q,
    Prisma.sql`
    INSERT INTO diagnosis_suggestions (id, "organizationId", "incidentId", position, title, description, "actionType", parameters, confidence)
    VALUES ${Prisma.join(rows)}`,
  );
}

/** The incident's suggestions become exactly `suggestions` (none when empty). Call it in a transaction. */
export async function replaceSuggestions(
  q: Queryable,
  organizationId: string,
  incidentId: string,
  suggestions: readonly SuggestionFields[],
): Promise<void> {
  await execute(
    q,
    Prisma.sql`
    DELETE FROM diagnosis_suggestions WHERE "organizationId" = ${organizationId} AND "incidentId" = ${incidentId}::uuid`,
  );
  await insertSuggestions(q, organizationId, incidentId, suggestions);
}

type RawIncident = Omit<IncidentWithSuggestions, "suggestions"> & { suggestions: SuggestionRecord[] | null };

/**
 * One incident of the organization with its suggestions in position order, in one statement; or
 * undefined (unknown, malformed or foreign id alike).
 */
export async function findIncident(
  q: Queryable,
  organizationId: string,
  id: string,
): Promise<IncidentWithSuggestions | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await queryRows<RawIncident>(
    q,
    Prisma.sql`
    SELECT ${INCIDENT_COLUMNS},
      (SELECT json_agg(json_build_object(
                'id', s.id, 'title', s.title, 'description', s.description, 'actionType', s."actionType",
                'parameters', s.parameters, 'confidence', s.confidence)
              ORDER BY s.position, s.id)
       FROM diagnosis_suggestions s
       WHERE s."incidentId" = i.id AND s."organizationId" = i."organizationId") AS suggestions
    FROM incidents i
    WHERE i.id = ${id}::uuid AND i."organizationId" = ${organizationId}`,
  );
  if (!row) return undefined;
  return {
    ...row,
    suggestions: (row.suggestions ?? []).map((s) => ({ ...s, parameters: s.parameters ?? {} })),
  };
}

export interface IncidentFilters {
  status?: IncidentStatus | undefined;
  environment?: string | undefined;
  limit: number;
}

/**
 * The organization's incidents newest first (createdAt desc, id desc): each filter is the
 * leading column after organizationId of one of the incidents indexes.
 */
export async function listIncidents(
  q: Queryable,
  organizationId: string,
  filters: IncidentFilters,
): Promise<IncidentRecord[]> {
  const conditions = [Prisma.sql`i."organizationId" = ${organizationId}`];
  if (filters.status) conditions.push(Prisma.sql`i.status = ${filters.status}::"IncidentStatus"`);
  if (filters.environment) conditions.push(Prisma.sql`i.environment = ${filters.environment}`);
  return queryRows<IncidentRecord>(
    q,
    Prisma.sql`
    SELECT ${INCIDENT_COLUMNS} FROM incidents i
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY i."createdAt" DESC, i.id DESC
    LIMIT ${filters.limit}`,
  );
}
