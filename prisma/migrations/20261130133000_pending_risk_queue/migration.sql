-- The pending queue's risk order (docs/behaviour.md#pending-queue): lower is riskier.
-- Hundreds: guardrail violations recorded at request time (present → 0, none → 100);
-- tens: severity (CRITICAL 0, HIGH 10, MEDIUM 20, LOW 30);
-- units: environment (production 0, staging 1, qa 2, dev 3, any other 4).
-- IMMUTABLE: it reads only its arguments, so it can key an index. CASE guards the jsonb tests,
-- so malformed `details` never raise.
CREATE FUNCTION remediation_pending_risk(details jsonb, severity "Severity", environment text)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT (CASE WHEN jsonb_typeof(details #> '{policy,violations}') = 'array'
                    AND details #> '{policy,violations}' <> '[]'::jsonb THEN 0 ELSE 100 END)
       + (CASE severity WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 10 WHEN 'MEDIUM' THEN 20 ELSE 30 END)
       + (CASE environment WHEN 'production' THEN 0 WHEN 'staging' THEN 1 WHEN 'qa' THEN 2 WHEN 'dev' THEN 3 ELSE 4 END)
$$;

-- The queue page: riskiest first, then oldest, id as the tie-break; only pending rows are indexed,
-- so the index is as small as the backlog whatever the table's size.
CREATE INDEX "remediation_actions_pending_risk_idx" ON "remediation_actions"
  ("organizationId", remediation_pending_risk("details", "severity", "environment"), "createdAt", "id")
  WHERE "status" = 'PENDING_APPROVAL';
