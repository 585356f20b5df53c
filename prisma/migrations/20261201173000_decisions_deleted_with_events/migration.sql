-- Hand-written (Prisma models no triggers; docs/adr/0025-decisions-deleted-with-their-events.md).
-- An action's approval_decisions rows now go with their decision events: a statement trigger on
-- the events' delete, the mirror of approval_decisions_insert, joins the deleted decision events
-- (APPROVED, OVERRIDDEN, REJECTED, EXPIRED) to their rows by primary key (actionId, eventId).
-- Before, the actions' children trigger deleted `"actionId" = ANY(ids)` for every deleted action,
-- which the planner served with a sequential scan of approval_decisions in every retention batch
-- (its estimate for 20,000 ids), though only decided actions have rows. A batch without a
-- decision event now probes nothing. Retention is still the only statement that deletes events.
CREATE FUNCTION "approval_decisions_delete"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "approval_decisions" d
  USING old_rows o
  WHERE o.type IN ('APPROVED', 'OVERRIDDEN', 'REJECTED', 'EXPIRED')
    AND d."actionId" = o."actionId" AND d."eventId" = o.id;
  RETURN NULL;
END $$;

CREATE TRIGGER "approval_decisions_delete"
AFTER DELETE ON "remediation_events"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT
EXECUTE FUNCTION "approval_decisions_delete"();

-- The actions' children trigger of 20261130163800_retention_children_ids_once without its
-- approval_decisions line: the events' delete above takes them.
CREATE OR REPLACE FUNCTION "remediation_actions_delete_children"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[] := ARRAY(SELECT id FROM old_rows);
BEGIN
  DELETE FROM "remediation_events" WHERE "actionId" = ANY(ids);
  DELETE FROM "approval_votes" WHERE "actionId" = ANY(ids);
  DELETE FROM "override_reviews" WHERE "actionId" = ANY(ids);
  DELETE FROM "approval_notifications" WHERE "actionId" = ANY(ids);
  RETURN NULL;
END $$;
