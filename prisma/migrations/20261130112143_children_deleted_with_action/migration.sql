-- DropForeignKey
ALTER TABLE "override_reviews" DROP CONSTRAINT "override_reviews_actionId_fkey";

-- DropForeignKey
ALTER TABLE "approval_notifications" DROP CONSTRAINT "approval_notifications_actionId_fkey";

-- Hand-written: an action's override review and reminder notices go with it like its events and
-- votes, one set-based DELETE per table in the actions' statement trigger
-- (docs/adr/0011-set-based-child-deletes.md). A notice's deliveries follow it by their own
-- foreign key (a few rows, and only for actions that were reminded).
CREATE OR REPLACE FUNCTION "remediation_actions_delete_children"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "remediation_events" WHERE "actionId" = ANY(ARRAY(SELECT id FROM old_rows));
  DELETE FROM "approval_votes" WHERE "actionId" = ANY(ARRAY(SELECT id FROM old_rows));
  DELETE FROM "override_reviews" WHERE "actionId" = ANY(ARRAY(SELECT id FROM old_rows));
  DELETE FROM "approval_notifications" WHERE "actionId" = ANY(ARRAY(SELECT id FROM old_rows));
  RETURN NULL;
END $$;
