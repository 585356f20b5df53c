-- CreateTable
CREATE TABLE "approval_decision_versions" (
    "organizationId" TEXT NOT NULL,
    "stripe" SMALLINT NOT NULL,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "approval_decision_versions_pkey" PRIMARY KEY ("organizationId","stripe")
);

-- Hand-written (Prisma models no triggers): every statement that inserts or deletes decisions
-- adds the number of rows it changed to one stripe of each organization it touched, in the same
-- transaction. The sum per organization therefore only grows, and a reader that sees the same
-- sum as when it computed the metrics (read in the same statement as them) knows no committed
-- change happened in between — whatever order concurrent transactions commit in.
CREATE FUNCTION "approval_decision_versions_bump"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "approval_decision_versions" ("organizationId", "stripe", "version")
    SELECT "organizationId", (pg_backend_pid() & 15)::smallint, count(*) FROM new_rows GROUP BY 1 ORDER BY 1
    ON CONFLICT ("organizationId", "stripe")
    DO UPDATE SET "version" = "approval_decision_versions"."version" + EXCLUDED."version";
  ELSE
    INSERT INTO "approval_decision_versions" ("organizationId", "stripe", "version")
    SELECT "organizationId", (pg_backend_pid() & 15)::smallint, count(*) FROM old_rows GROUP BY 1 ORDER BY 1
    ON CONFLICT ("organizationId", "stripe")
    DO UPDATE SET "version" = "approval_decision_versions"."version" + EXCLUDED."version";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "approval_decision_versions_insert"
AFTER INSERT ON "approval_decisions"
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION "approval_decision_versions_bump"();

CREATE TRIGGER "approval_decision_versions_delete"
AFTER DELETE ON "approval_decisions"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT
EXECUTE FUNCTION "approval_decision_versions_bump"();

-- The decisions already recorded.
INSERT INTO "approval_decision_versions" ("organizationId", "stripe", "version")
SELECT "organizationId", 0, count(*) FROM "approval_decisions" GROUP BY 1;
