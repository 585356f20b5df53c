import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows, type Tx } from "../client";

/** The organization_policies store: one saved policy per organization (docs/data-model.md#organization_policies). */

/** The stored columns of organization_policies that make a policy. */
export interface PolicyRow {
  requireApprovalEnvironments: string[];
  requireApprovalSeverities: string[];
  requireApprovalActionTypes: string[];
  blockedEnvironments: string[];
  deniedActionTypes: string[];
  freezeWindows: unknown;
  quorumRules: unknown;
  separationOfDuties: boolean;
  pendingApprovalTtlMinutes: number | null;
  overrideReviewHours: number;
  approvalReminderMinutes: number | null;
  approvalEscalationMinutes: number | null;
  approvalNotifyEmails: string[];
}

/** Which saved version a row is (docs/behaviour.md#policy-version). */
export interface PolicyStamp {
  version: number;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** The document's columns with their SQL types: one list for the reads, the insert and the update. */
const DOCUMENT_COLUMNS: readonly (readonly [keyof PolicyRow, "text[]" | "jsonb" | "boolean" | "int"])[] = [
  ["requireApprovalEnvironments", "text[]"],
  ["requireApprovalSeverities", "text[]"],
  ["requireApprovalActionTypes", "text[]"],
  ["blockedEnvironments", "text[]"],
  ["deniedActionTypes", "text[]"],
  ["freezeWindows", "jsonb"],
  ["quorumRules", "jsonb"],
  ["separationOfDuties", "boolean"],
  ["pendingApprovalTtlMinutes", "int"],
  ["overrideReviewHours", "int"],
  ["approvalReminderMinutes", "int"],
  ["approvalEscalationMinutes", "int"],
  ["approvalNotifyEmails", "text[]"],
];

const columnList = (prefix = "") => DOCUMENT_COLUMNS.map(([column]) => `${prefix}"${column}"`).join(", ");

const POLICY_COLUMNS = Prisma.raw(`${columnList("p.")}, p.version, p."updatedBy", p."updatedAt"`);

/** The organization's saved policy row, or undefined when none is saved. */
export async function findPolicy(q: Queryable, organizationId: string): Promise<(PolicyRow & PolicyStamp) | undefined> {
  const [row] = await queryRows<PolicyRow & PolicyStamp>(
    q,
    Prisma.sql`SELECT ${POLICY_COLUMNS} FROM organization_policies p WHERE p."organizationId" = ${organizationId}`,
  );
  return row;
}

/**
 * The incident's organization policy in one read, for a request: `visible` false when the
 * incident is not one of the organization's own; `saved` null when no policy is saved.
 */
export async function findPolicyForIncident(
  q: Queryable,
  organizationId: string,
  incidentId: string,
): Promise<{ saved: (PolicyRow & PolicyStamp) | null } | undefined> {
  const [row] = await queryRows<{ saved: boolean } & PolicyRow & PolicyStamp>(
    q,
    Prisma.sql`
      SELECT p."organizationId" IS NOT NULL AS saved, ${POLICY_COLUMNS}
      FROM incidents i
      LEFT JOIN organization_policies p ON p."organizationId" = i."organizationId"
      WHERE i.id = ${incidentId}::uuid AND i."organizationId" = ${organizationId}`,
    { prepared: true },
  );
  if (!row) return undefined;
  const { saved, ...policy } = row;
  return { saved: saved ? policy : null };
}

/**
 * Takes the organization's policy lock until the transaction ends: concurrent partial updates
 * of one organization's policy are serialised (no lost fields, one version each).
 */
export async function lockPolicy(tx: Tx, organizationId: string): Promise<void> {
  await queryRows(tx, Prisma.sql`SELECT pg_advisory_xact_lock(hashtext(${`policy:${organizationId}`}))`);
}

/**
 * Saves the policy as the next version (1 for the first save) and keeps that version, the whole
 * document, in policy_versions, in one statement; returns its stamp. Call it holding lockPolicy.
 */
export async function savePolicy(
  tx: Tx,
  organizationId: string,
  policy: PolicyRow & { updatedBy: string },
): Promise<PolicyStamp> {
  const { updatedBy, ...document } = policy;
  const [stamp] = await queryRows<PolicyStamp>(
    tx,
    Prisma.sql`
    WITH saved AS (
    INSERT INTO organization_policies ("organizationId", ${Prisma.raw(columnList())}, version, "updatedBy", "updatedAt")
    VALUES (${organizationId}, ${Prisma.join(
      DOCUMENT_COLUMNS.map(([column, type]) => {
        const value = type === "jsonb" ? JSON.stringify(policy[column]) : policy[column];
        return Prisma.sql`${value}::${Prisma.raw(type)}`;
      }),
    )}, 1, ${policy.updatedBy}, now())
    ON CONFLICT ("organizationId") DO UPDATE SET
      ${Prisma.raw(DOCUMENT_COLUMNS.map(([column]) => `"${column}" = EXCLUDED."${column}"`).join(",\n      "))},
      version = organization_policies.version + 1,
      "updatedBy" = EXCLUDED."updatedBy",
      "updatedAt" = EXCLUDED."updatedAt"
    RETURNING version, "updatedBy", "updatedAt"
    ), kept AS (
      INSERT INTO policy_versions ("organizationId", version, policy, "createdBy", "createdAt")
      SELECT ${organizationId}, version, ${JSON.stringify(document)}::jsonb, ${updatedBy}, "updatedAt" FROM saved
    )
    SELECT * FROM saved`,
  );
  if (!stamp) throw new Error("the policy was not saved");
  return stamp;
}

/** One stored version (docs/behaviour.md#policy-version). */
export interface PolicyVersionRecord {
  version: number;
  policy: unknown;
  createdBy: string;
  createdAt: Date;
}

/** The organization's stored versions, newest first. */
export async function listPolicyVersions(
  q: Queryable,
  organizationId: string,
  limit: number,
): Promise<PolicyVersionRecord[]> {
  return queryRows<PolicyVersionRecord>(
    q,
    Prisma.sql`
    SELECT version, policy, "createdBy", "createdAt" FROM policy_versions
    WHERE "organizationId" = ${organizationId}
    ORDER BY version DESC
    LIMIT ${limit}`,
  );
}

/** The stored documents of these versions (the ones that exist). */
export async function findPolicyVersions(
  q: Queryable,
  organizationId: string,
  versions: readonly number[],
): Promise<{ version: number; policy: unknown }[]> {
  if (versions.length === 0) return [];
  return queryRows(
    q,
    Prisma.sql`
    SELECT version, policy FROM policy_versions
    WHERE "organizationId" = ${organizationId} AND version = ANY(${[...versions]}::int[])`,
  );
}
