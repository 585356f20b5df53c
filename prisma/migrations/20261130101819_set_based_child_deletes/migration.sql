-- DropForeignKey
ALTER TABLE "approval_votes" DROP CONSTRAINT "approval_votes_actionId_fkey";

-- DropForeignKey
ALTER TABLE "remediation_events" DROP CONSTRAINT "remediation_events_actionId_fkey";

-- Hand-written (docs/adr/0011-set-based-child-deletes.md). The foreign keys' ON DELETE CASCADE
-- ran one index lookup and one DELETE per deleted action (5,000 per retention batch), and one
-- key-share lock per inserted event. This statement trigger deletes the children of all the
-- statement's deleted actions with one DELETE per table. Every path that deletes actions still
-- takes their events and votes with it, and the events' own prune-only trigger still refuses it
-- outside retention (docs/audit.md#append-only).
CREATE FUNCTION "remediation_actions_delete_children"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "remediation_events" WHERE "actionId" = ANY(ARRAY(SELECT id FROM old_rows));
  DELETE FROM "approval_votes" WHERE "actionId" = ANY(ARRAY(SELECT id FROM old_rows));
  RETURN NULL;
END $$;

CREATE TRIGGER "remediation_actions_delete_children" AFTER DELETE ON "remediation_actions"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION "remediation_actions_delete_children"();

-- TRUNCATE … CASCADE no longer reaches the events through a foreign key: refuse it on the
-- actions as on the events (only retention removes audited rows).
CREATE TRIGGER "remediation_actions_truncate_only" BEFORE TRUNCATE ON "remediation_actions"
FOR EACH STATEMENT EXECUTE FUNCTION "remediation_events_prune_only"();

-- A stub's (organizationId, seq) is its event's, unique among events: the speculative insertion of
-- ON CONFLICT DO NOTHING bought nothing for 20,000 rows a batch.
CREATE OR REPLACE FUNCTION "remediation_events_keep_stubs"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "audit_pruned_events" ("organizationId", seq, hash)
  SELECT "organizationId", seq, hash FROM old_rows WHERE seq IS NOT NULL;
  RETURN NULL;
END $$;
