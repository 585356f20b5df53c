-- AlterTable
ALTER TABLE "remediation_actions" ADD COLUMN     "policyVersion" INTEGER;

-- CreateTable
CREATE TABLE "policy_versions" (
    "organizationId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "policy" JSONB NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policy_versions_pkey" PRIMARY KEY ("organizationId","version")
);

-- Hand-written. A policy saved before versions existed becomes version 1 (version 0 is only ever
-- the never-saved default), with its stored document as that version.
UPDATE "organization_policies" SET "version" = 1 WHERE "version" = 0;
INSERT INTO "policy_versions" ("organizationId", "version", "policy", "createdBy", "createdAt")
SELECT p."organizationId", p."version",
       jsonb_build_object(
         'requireApprovalEnvironments', to_jsonb(COALESCE(p."requireApprovalEnvironments", ARRAY[]::text[])),
         'requireApprovalSeverities', to_jsonb(COALESCE(p."requireApprovalSeverities", ARRAY[]::text[])),
         'requireApprovalActionTypes', to_jsonb(COALESCE(p."requireApprovalActionTypes", ARRAY[]::text[])),
         'blockedEnvironments', to_jsonb(COALESCE(p."blockedEnvironments", ARRAY[]::text[])),
         'deniedActionTypes', to_jsonb(COALESCE(p."deniedActionTypes", ARRAY[]::text[])),
         'freezeWindows', p."freezeWindows",
         'quorumRules', p."quorumRules",
         'separationOfDuties', p."separationOfDuties",
         'pendingApprovalTtlMinutes', p."pendingApprovalTtlMinutes",
         'overrideReviewHours', p."overrideReviewHours",
         'approvalReminderMinutes', p."approvalReminderMinutes",
         'approvalEscalationMinutes', p."approvalEscalationMinutes",
         'approvalNotifyEmails', to_jsonb(COALESCE(p."approvalNotifyEmails", ARRAY[]::text[]))),
       COALESCE(p."updatedBy", 'system'), p."updatedAt"
FROM "organization_policies" p
ON CONFLICT DO NOTHING;

-- Actions that recorded the version that judged them (details.policy.version, written since the
-- version counter) keep it in the column the replay reads, when that version is stored.
UPDATE "remediation_actions" a SET "policyVersion" = (a.details -> 'policy' ->> 'version')::int
WHERE jsonb_typeof(a.details -> 'policy' -> 'version') = 'number'
  AND EXISTS (SELECT 1 FROM "policy_versions" v
              WHERE v."organizationId" = a."organizationId" AND v.version = (a.details -> 'policy' ->> 'version')::int);

-- Versions are immutable (docs/behaviour.md#policy-version).
CREATE FUNCTION "policy_versions_immutable"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'policy_versions is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER "policy_versions_immutable" BEFORE UPDATE OR DELETE ON "policy_versions"
FOR EACH ROW EXECUTE FUNCTION "policy_versions_immutable"();
