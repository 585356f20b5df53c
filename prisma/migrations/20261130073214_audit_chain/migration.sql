-- AlterTable
ALTER TABLE "remediation_events" ADD COLUMN     "hash" TEXT,
ADD COLUMN     "prevHash" TEXT,
ADD COLUMN     "seq" BIGINT;

-- CreateTable
CREATE TABLE "audit_heads" (
    "organizationId" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_heads_pkey" PRIMARY KEY ("organizationId")
);

-- CreateTable
CREATE TABLE "audit_pruned_events" (
    "organizationId" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_pruned_events_pkey" PRIMARY KEY ("organizationId","seq")
);

-- CreateTable
CREATE TABLE "audit_signing_keys" (
    "kid" TEXT NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_signing_keys_pkey" PRIMARY KEY ("kid")
);

-- CreateIndex
CREATE UNIQUE INDEX "remediation_events_organizationId_seq_key" ON "remediation_events"("organizationId", "seq");

-- Hand-written (Prisma models neither functions nor triggers; docs/audit.md#append-only).
-- remediation_events is append-only: an event is inserted, sealed once (seq, prevHash and hash
-- set from NULL, nothing else changed), and deleted only by retention, which first sets
-- rcc.audit_prune for its transaction. Deleted sealed events leave (seq, hash) stubs in
-- audit_pruned_events so the chain still verifies. Every insert wakes the sealer.

CREATE FUNCTION "remediation_events_seal_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW."prevHash" IS NOT NULL AND NEW.hash IS NOT NULL
     AND NEW.id = OLD.id AND NEW."organizationId" = OLD."organizationId" AND NEW."actionId" = OLD."actionId"
     AND NEW.type = OLD.type AND NEW.actor = OLD.actor AND NEW.data = OLD.data
     AND NEW."createdAt" = OLD."createdAt" THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'remediation_events is append-only: event % cannot be changed', OLD.id
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER "remediation_events_seal_only" BEFORE UPDATE ON "remediation_events"
FOR EACH ROW EXECUTE FUNCTION "remediation_events_seal_only"();

CREATE FUNCTION "remediation_events_prune_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('rcc.audit_prune', true) IS DISTINCT FROM 'on' THEN
    RAISE EXCEPTION 'remediation_events is append-only: only retention deletes events'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "remediation_events_prune_only" BEFORE DELETE ON "remediation_events"
FOR EACH STATEMENT EXECUTE FUNCTION "remediation_events_prune_only"();

CREATE TRIGGER "remediation_events_truncate_only" BEFORE TRUNCATE ON "remediation_events"
FOR EACH STATEMENT EXECUTE FUNCTION "remediation_events_prune_only"();

CREATE FUNCTION "remediation_events_keep_stubs"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "audit_pruned_events" ("organizationId", seq, hash)
  SELECT "organizationId", seq, hash FROM old_rows WHERE seq IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER "remediation_events_keep_stubs" AFTER DELETE ON "remediation_events"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION "remediation_events_keep_stubs"();

-- Wakes the sealer only for an organization it is not already sealing: a NOTIFY makes its
-- transaction commit behind every other notifying commit (PostgreSQL serialises them), so a busy
-- organization's writers must not pay it on every event. While the sealer sealed this
-- organization within the last second it is still polling it (it lingers 5 s after its last
-- seal, docs/audit.md#sealing), and the NOTIFY is skipped.
CREATE FUNCTION "remediation_events_wake_sealer"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  org text;
BEGIN
  FOR org IN SELECT DISTINCT "organizationId" FROM new_rows LOOP
    IF NOT EXISTS (SELECT 1 FROM "audit_heads" h
                   WHERE h."organizationId" = org AND h."updatedAt" > clock_timestamp() - interval '1 second') THEN
      PERFORM pg_notify('rcc_audit_unsealed', org);
    END IF;
  END LOOP;
  RETURN NULL;
END $$;

CREATE TRIGGER "remediation_events_wake_sealer" AFTER INSERT ON "remediation_events"
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "remediation_events_wake_sealer"();

-- The chain's side tables: stubs are only ever inserted (by the trigger above); a head only moves forward.
CREATE FUNCTION "audit_side_tables_guard"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'audit_heads' AND TG_OP = 'UPDATE' AND NEW.seq >= OLD.seq THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER "audit_pruned_events_insert_only" BEFORE UPDATE OR DELETE ON "audit_pruned_events"
FOR EACH ROW EXECUTE FUNCTION "audit_side_tables_guard"();
CREATE TRIGGER "audit_pruned_events_no_truncate" BEFORE TRUNCATE ON "audit_pruned_events"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_side_tables_guard"();
CREATE TRIGGER "audit_heads_forward_only" BEFORE UPDATE OR DELETE ON "audit_heads"
FOR EACH ROW EXECUTE FUNCTION "audit_side_tables_guard"();
CREATE TRIGGER "audit_heads_no_truncate" BEFORE TRUNCATE ON "audit_heads"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_side_tables_guard"();
