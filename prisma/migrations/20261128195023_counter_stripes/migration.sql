-- Counter stripes: every request and every worker transition of one busy organization +
-- environment used to update the same remediation_counters row, and its row lock is held until
-- commit, so concurrent transactions queued on it (Lock:transactionid). Each action now counts
-- in one of 16 stripes chosen by its id (hashtext(id) & 15: stable for the row's life, so an
-- UPDATE moves its -1/+1 within one stripe); readers SUM over stripes. Counts from before this
-- migration stay in stripe 0. Written by hand like 20261128184237_remediation_counters_trigger:
-- Prisma models the column and key, not the functions.

ALTER TABLE "remediation_counters" ADD COLUMN "stripe" SMALLINT NOT NULL DEFAULT 0;

ALTER TABLE "remediation_counters" DROP CONSTRAINT "remediation_counters_pkey",
  ADD CONSTRAINT "remediation_counters_pkey" PRIMARY KEY ("organizationId", "environment", "status", "stripe");

-- Same shape as before, one more key column. Deltas are still applied in key order so
-- concurrent writers lock counter rows in the same order (no deadlocks between them).
CREATE OR REPLACE FUNCTION "remediation_counters_apply"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "remediation_counters" ("organizationId", "environment", "status", "stripe", "count")
    SELECT "organizationId", "environment", "status", (hashtext("id"::text) & 15)::smallint, count(*)
    FROM new_rows
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT ("organizationId", "environment", "status", "stripe")
    DO UPDATE SET "count" = "remediation_counters"."count" + EXCLUDED."count";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "remediation_counters" ("organizationId", "environment", "status", "stripe", "count")
    SELECT "organizationId", "environment", "status", (hashtext("id"::text) & 15)::smallint, -count(*)
    FROM old_rows
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT ("organizationId", "environment", "status", "stripe")
    DO UPDATE SET "count" = "remediation_counters"."count" + EXCLUDED."count";
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "remediation_counters" ("organizationId", "environment", "status", "stripe", "count")
    SELECT k."organizationId", k."environment", k."status", k."stripe", sum(k.delta)
    FROM old_rows o
    JOIN new_rows n ON n."id" = o."id"
    CROSS JOIN LATERAL (VALUES
      (o."organizationId", o."environment", o."status", (hashtext(o."id"::text) & 15)::smallint, -1),
      (n."organizationId", n."environment", n."status", (hashtext(n."id"::text) & 15)::smallint, 1)
    ) AS k("organizationId", "environment", "status", "stripe", delta)
    WHERE (o."organizationId", o."environment", o."status")
      IS DISTINCT FROM (n."organizationId", n."environment", n."status")
    GROUP BY 1, 2, 3, 4
    HAVING sum(k.delta) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT ("organizationId", "environment", "status", "stripe")
    DO UPDATE SET "count" = "remediation_counters"."count" + EXCLUDED."count";
  ELSE
    -- TRUNCATE: no transition table; every action is gone.
    DELETE FROM "remediation_counters";
  END IF;
  RETURN NULL;
END;
$$;
