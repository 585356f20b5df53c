-- CreateTable
CREATE TABLE "remediation_event_totals" (
    "organizationId" TEXT NOT NULL,
    "type" "ActionEventType" NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "remediation_event_totals_pkey" PRIMARY KEY ("organizationId","type")
);

-- Written by hand (Prisma models no triggers): every reminder and escalation event counted per
-- organization as it is inserted. A row trigger with a WHEN clause: inserts of every other type
-- (the hot transitions) never call the function. Events are deleted only by retention, which
-- must not lower a total, so there is no delete trigger.
CREATE FUNCTION "remediation_event_totals_count"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "remediation_event_totals" ("organizationId", "type", "count")
  VALUES (NEW."organizationId", NEW."type", 1)
  ON CONFLICT ("organizationId", "type")
  DO UPDATE SET "count" = "remediation_event_totals"."count" + 1;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "remediation_event_totals_insert"
AFTER INSERT ON "remediation_events"
FOR EACH ROW
WHEN (NEW."type" IN ('APPROVAL_REMINDER_SENT', 'APPROVAL_ESCALATED'))
EXECUTE FUNCTION "remediation_event_totals_count"();
