-- Hand-written (docs/audit.md#append-only): organization events have actionId NULL, and
-- `NEW."actionId" = OLD."actionId"` is NULL for them, which refused their seal and stopped the
-- organization's chain at its first sign-in or token event. Same rule, NULL-safe comparison.
CREATE OR REPLACE FUNCTION "remediation_events_seal_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW."prevHash" IS NOT NULL AND NEW.hash IS NOT NULL
     AND NEW.id = OLD.id AND NEW."organizationId" = OLD."organizationId"
     AND NEW."actionId" IS NOT DISTINCT FROM OLD."actionId"
     AND NEW.type = OLD.type AND NEW.actor = OLD.actor AND NEW.data = OLD.data
     AND NEW."createdAt" = OLD."createdAt" THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'remediation_events is append-only: event % cannot be changed', OLD.id
    USING ERRCODE = 'insufficient_privilege';
END $$;
