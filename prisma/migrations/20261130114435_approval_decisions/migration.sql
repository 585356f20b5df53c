-- CreateTable
CREATE TABLE "approval_decisions" (
    "actionId" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "organizationId" TEXT NOT NULL,
    "decidedAt" TIMESTAMPTZ(3) NOT NULL,
    "outcome" "ActionEventType" NOT NULL,
    "seconds" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "approval_decisions_pkey" PRIMARY KEY ("actionId","eventId")
);

-- CreateIndex
CREATE INDEX "approval_decisions_organizationId_decidedAt_outcome_seconds_idx" ON "approval_decisions"("organizationId", "decidedAt", "outcome", "seconds");

-- Hand-written (Prisma models no triggers): each decision event (the one that ended
-- PENDING_APPROVAL) is copied with its time to decision as it is inserted, so the approval
-- metrics read one index-only range of approval_decisions instead of one primary-key probe of
-- the action per decision (docs/behaviour.md#approval-metrics). A statement trigger over the
-- inserted rows: one set-based join per INSERT, however many rows it holds (bulk inserts, the
-- simulator). An INSERT without a decision event costs a scan of its own new rows (usually one)
-- and no probe of remediation_actions. The seconds are the expression the metrics computed
-- before, so the answers are unchanged to the bit.
CREATE FUNCTION "approval_decisions_insert"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "approval_decisions" ("actionId", "eventId", "organizationId", "decidedAt", "outcome", "seconds")
  SELECT n."actionId", n.id, n."organizationId", n."createdAt", n.type,
         extract(epoch FROM n."createdAt" - a."createdAt")::float8
  FROM new_rows n
  JOIN "remediation_actions" a ON a.id = n."actionId" AND a."organizationId" = n."organizationId"
  WHERE n.type IN ('APPROVED', 'OVERRIDDEN', 'REJECTED', 'EXPIRED');
  RETURN NULL;
END $$;

CREATE TRIGGER "approval_decisions_insert"
AFTER INSERT ON "remediation_events"
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION "approval_decisions_insert"();

-- The decisions already recorded.
INSERT INTO "approval_decisions" ("actionId", "eventId", "organizationId", "decidedAt", "outcome", "seconds")
SELECT e."actionId", e.id, e."organizationId", e."createdAt", e.type,
       extract(epoch FROM e."createdAt" - a."createdAt")::float8
FROM "remediation_events" e
JOIN "remediation_actions" a ON a.id = e."actionId" AND a."organizationId" = e."organizationId"
WHERE e.type IN ('APPROVED', 'OVERRIDDEN', 'REJECTED', 'EXPIRED');

-- An action's decisions go with it like its events (docs/adr/0011-set-based-child-deletes.md):
-- the children trigger of 20261130112143_children_deleted_with_action plus one line.
CREATE OR REPLACE FUNCTION "remediation_actions_delete_children"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "remediation_events" WHERE "actionId" = ANY(ARRAY(SELECT id FROM old_rows));
  DELETE FROM "approval_votes" WHERE "actionId" = ANY(ARRAY(SELECT id FROM old_rows));
  DELETE FROM "override_reviews" WHERE "actionId" = ANY(ARRAY(SELECT id FROM old_rows));
  DELETE FROM "approval_notifications" WHERE "actionId" = ANY(ARRAY(SELECT id FROM old_rows));
  DELETE FROM "approval_decisions" WHERE "actionId" = ANY(ARRAY(SELECT id FROM old_rows));
  RETURN NULL;
END $$;
