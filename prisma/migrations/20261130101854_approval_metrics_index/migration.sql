-- CreateIndex
CREATE INDEX "remediation_events_organizationId_type_createdAt_actionId_idx" ON "remediation_events"("organizationId", "type", "createdAt", "actionId");
