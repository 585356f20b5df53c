-- remediation_counters holds exact COUNT(*) of remediation_actions per
-- ("organizationId", environment, status), so stats and the priority signal read a handful
-- of rows instead of scanning actions. Written by hand: Prisma models neither functions nor
-- triggers, so its diffs neither generate nor drop them.
--
-- Statement-level triggers with transition tables: a batched retention DELETE of 10,000 rows
-- costs one aggregated upsert per group, not 10,000 row updates. Deltas are applied in key
-- order so concurrent writers lock counter rows in the same order (no deadlocks between them).
-- PostgreSQL forbids transition tables on "UPDATE OF <columns>" triggers, so the UPDATE
-- trigger fires on every UPDATE statement and keeps only rows whose key columns changed.

CREATE FUNCTION "remediation_counters_apply"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "remediation_counters" ("organizationId", "environment", "status", "count")
    SELECT "organizationId", "environment", "status", count(*)
    FROM new_rows
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT ("organizationId", "environment", "status")
    DO UPDATE SET "count" = "remediation_counters"."count" + EXCLUDED."count";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "remediation_counters" ("organizationId", "environment", "status", "count")
    SELECT "organizationId", "environment", "status", -count(*)
    FROM old_rows
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT ("organizationId", "environment", "status")
    DO UPDATE SET "count" = "remediation_counters"."count" + EXCLUDED."count";
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "remediation_counters" ("organizationId", "environment", "status", "count")
    SELECT k."organizationId", k."environment", k."status", sum(k.delta)
    FROM old_rows o
    JOIN new_rows n ON n."id" = o."id"
    CROSS JOIN LATERAL (VALUES
      (o."organizationId", o."environment", o."status", -1),
      (n."organizationId", n."environment", n."status", 1)
    ) AS k("organizationId", "environment", "status", delta)
    WHERE (o."organizationId", o."environment", o."status")
      IS DISTINCT FROM (n."organizationId", n."environment", n."status")
    GROUP BY 1, 2, 3
    HAVING sum(k.delta) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT ("organizationId", "environment", "status")
    DO UPDATE SET "count" = "remediation_counters"."count" + EXCLUDED."count";
  ELSE
    -- TRUNCATE: no transition table; every action is gone.
    DELETE FROM "remediation_counters";
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "remediation_counters_insert"
AFTER INSERT ON "remediation_actions"
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "remediation_counters_apply"();

CREATE TRIGGER "remediation_counters_update"
AFTER UPDATE ON "remediation_actions"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION "remediation_counters_apply"();

CREATE TRIGGER "remediation_counters_delete"
AFTER DELETE ON "remediation_actions"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION "remediation_counters_apply"();

CREATE TRIGGER "remediation_counters_truncate"
AFTER TRUNCATE ON "remediation_actions"
FOR EACH STATEMENT EXECUTE FUNCTION "remediation_counters_apply"();

-- Databases that already hold actions start from exact counts.
INSERT INTO "remediation_counters" ("organizationId", "environment", "status", "count")
SELECT "organizationId", "environment", "status", count(*)
FROM "remediation_actions"
GROUP BY 1, 2, 3
ON CONFLICT ("organizationId", "environment", "status") DO UPDATE SET "count" = EXCLUDED."count";
