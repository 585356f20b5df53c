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
}

const POLICY_COLUMNS = Prisma.sql`p."requireApprovalEnvironments", p."requireApprovalSeverities",
  p."requireApprovalActionTypes", p."blockedEnvironments", p."deniedActionTypes", p."freezeWindows"`;

/** The organization's saved policy row, or undefined when none is saved. */
export async function findPolicy(q: Queryable, organizationId: string): Promise<PolicyRow | undefined> {
  const [row] = await queryRows<PolicyRow>(
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
): Promise<{ saved: PolicyRow | null } | undefined> {
  const [row] = await queryRows<{ saved: boolean } & PolicyRow>(
    q,
    Prisma.sql`
      SELECT p."organizationId" IS NOT NULL AS saved, ${POLICY_COLUMNS}
      FROM incidents i
      LEFT JOIN organization_policies p ON p."organizationId" = i."organizationId"
      WHERE i.id = ${incidentId}::uuid AND i."organizationId" = ${organizationId}`,
  );
  if (!row) return undefined;
  const { saved, ...policy } = row;
  return { saved: saved ? policy : null };
}

/**
 * Takes the organization's policy lock until the transaction ends: concurrent partial updates
 * of one organization's policy are serialised (no lost fields).
 */
export async function lockPolicy(tx: Tx, organizationId: string): Promise<void> {
  await queryRows(tx, Prisma.sql`SELECT pg_advisory_xact_lock(hashtext(${`policy:${organizationId}`}))`);
}

export async function savePolicy(
  tx: Tx,
  organizationId: string,
  policy: PolicyRow & { updatedBy: string },
): Promise<void> {
  await queryRows(
    tx,
    Prisma.sql`
    INSERT INTO organization_policies ("organizationId", "requireApprovalEnvironments", "requireApprovalSeverities",
      "requireApprovalActionTypes", "blockedEnvironments", "deniedActionTypes", "freezeWindows", "updatedBy", "updatedAt")
    VALUES (${organizationId}, ${policy.requireApprovalEnvironments}::text[], ${policy.requireApprovalSeverities}::text[],
      ${policy.requireApprovalActionTypes}::text[], ${policy.blockedEnvironments}::text[], ${policy.deniedActionTypes}::text[],
      ${JSON.stringify(policy.freezeWindows)}::jsonb, ${policy.updatedBy}, now())
    ON CONFLICT ("organizationId") DO UPDATE SET
      "requireApprovalEnvironments" = EXCLUDED."requireApprovalEnvironments",
      "requireApprovalSeverities" = EXCLUDED."requireApprovalSeverities",
      "requireApprovalActionTypes" = EXCLUDED."requireApprovalActionTypes",
      "blockedEnvironments" = EXCLUDED."blockedEnvironments",
      "deniedActionTypes" = EXCLUDED."deniedActionTypes",
      "freezeWindows" = EXCLUDED."freezeWindows",
      "updatedBy" = EXCLUDED."updatedBy",
      "updatedAt" = EXCLUDED."updatedAt"`,
  );
}
