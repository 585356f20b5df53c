-- Hand-written: an organization event (actionId NULL, docs/audit.md#organization-events) must be
-- sealable too. The seal-only check compared "actionId" with `=`, which is NULL (not true) for
-- such events, so sealing them was refused. Same rule otherwise (docs/audit.md#append-only).
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
