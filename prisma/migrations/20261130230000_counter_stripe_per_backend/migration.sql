-- Counter stripes per writing backend: each statement adds its deltas to stripe
-- pg_backend_pid() & 15 instead of each action's own stripe (hashtext(id) & 15). Two transactions
-- of one organization + environment then update the same counter row only when their backends'
-- pids agree in the low four bits, which does not change from one transaction to the next: a
-- pooled connection keeps its stripe, so concurrent requests and worker transitions no longer
-- queue on a row whose lock is held until another transaction's commit (bench P5:
-- Lock:transactionid on the request's INSERT and the worker's claim, ~1 backend waiting on
-- average before). A stripe's count may now go negative (an action counted into one stripe is
-- moved out of another); only sums over stripes mean anything, and readers already sum. A
-- statement writes one row per key instead of one per key and stripe. Written by hand like
-- 20261128195023_counter_stripes: Prisma models the column and key, not the function.
CREATE OR REPLACE FUNCTION "remediation_counters_apply"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  writer_stripe smallint := (pg_backend_pid() & 15)::smallint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "remediation_counters" ("organizationId", "environment", "status", "stripe", "count")
    SELECT "organizationId", "environment", "status", writer_stripe, count(*)
    FROM new_rows
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT ("organizationId", "environment", "status", "stripe")
    DO UPDATE SET "count" = "remediation_counters"."count" + EXCLUDED."count";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "remediation_counters" ("organizationId", "environment", "status", "stripe", "count")
    SELECT "organizationId", "environment", "status", writer_stripe, -count(*)
    FROM old_rows
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT ("organizationId", "environment", "status", "stripe")
    DO UPDATE SET "count" = "remediation_counters"."count" + EXCLUDED."count";
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "remediation_counters" ("organizationId", "environment", "status", "stripe", "count")
    SELECT k."organizationId", k."environment", k."status", writer_stripe, sum(k.delta)
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
    ON CONFLICT ("organizationId", "environment", "status", "stripe")
    DO UPDATE SET "count" = "remediation_counters"."count" + EXCLUDED."count";
  ELSE
    -- TRUNCATE: no transition table; every action is gone.
    DELETE FROM "remediation_counters";
  END IF;
  RETURN NULL;
END;
$$;
