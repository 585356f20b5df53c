-- Hand-written (Prisma models no triggers; docs/adr/0012-retention-batches-in-memory.md). The
-- actions' delete trigger of 20261130114435_approval_decisions read its transition table once per
-- child table to build the same id array five times; it now builds it once. Same deletes, same
-- index scans ("actionId" = ANY(ids)), same order.
CREATE OR REPLACE FUNCTION "remediation_actions_delete_children"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[] := ARRAY(SELECT id FROM old_rows);
BEGIN
  DELETE FROM "remediation_events" WHERE "actionId" = ANY(ids);
  DELETE FROM "approval_votes" WHERE "actionId" = ANY(ids);
  DELETE FROM "override_reviews" WHERE "actionId" = ANY(ids);
  DELETE FROM "approval_notifications" WHERE "actionId" = ANY(ids);
  DELETE FROM "approval_decisions" WHERE "actionId" = ANY(ids);
  RETURN NULL;
END $$;
