-- CreateEnum
CREATE TYPE "ActionStatus" AS ENUM ('PENDING_APPROVAL', 'QUEUED', 'EXECUTING', 'COMPLETED', 'FAILED', 'REJECTED');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');

-- CreateEnum
CREATE TYPE "ActionEventType" AS ENUM ('REQUESTED', 'APPROVAL_BLOCKED', 'APPROVED', 'OVERRIDDEN', 'REJECTED', 'EXECUTION_STARTED', 'EXECUTION_RETRY', 'EXECUTION_SUCCEEDED', 'EXECUTION_FAILED');

-- CreateEnum
CREATE TYPE "IncidentStatus" AS ENUM ('OPEN', 'RESOLVED');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('viewer', 'operator', 'admin');

-- CreateEnum
CREATE TYPE "ReportCadence" AS ENUM ('daily', 'weekly');

-- CreateEnum
CREATE TYPE "ReportTrigger" AS ENUM ('schedule', 'manual', 'retry');

-- CreateEnum
CREATE TYPE "ReportRunStatus" AS ENUM ('running', 'success', 'failed');

-- CreateTable
CREATE TABLE "organizations" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "userId" UUID NOT NULL,
    "organizationId" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("userId","organizationId")
);

-- CreateTable
CREATE TABLE "incidents" (
    "id" UUID NOT NULL,
    "organizationId" TEXT NOT NULL,
    "externalId" TEXT,
    "title" TEXT NOT NULL,
    "serviceName" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "status" "IncidentStatus" NOT NULL DEFAULT 'OPEN',
    "summary" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "diagnosis_suggestions" (
    "id" UUID NOT NULL,
    "organizationId" TEXT NOT NULL,
    "incidentId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "actionType" TEXT NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "confidence" DOUBLE PRECISION,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "diagnosis_suggestions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "remediation_actions" (
    "id" UUID NOT NULL,
    "organizationId" TEXT NOT NULL,
    "incidentId" UUID NOT NULL,
    "actionType" TEXT NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "serviceName" TEXT,
    "environment" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "status" "ActionStatus" NOT NULL,
    "performedBy" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "remediation_actions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "remediation_events" (
    "id" UUID NOT NULL,
    "organizationId" TEXT NOT NULL,
    "actionId" UUID NOT NULL,
    "type" "ActionEventType" NOT NULL,
    "actor" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "remediation_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "remediation_counters" (
    "organizationId" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "status" "ActionStatus" NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "remediation_counters_pkey" PRIMARY KEY ("organizationId","environment","status")
);

-- CreateTable
CREATE TABLE "organization_policies" (
    "organizationId" TEXT NOT NULL,
    "requireApprovalEnvironments" TEXT[],
    "requireApprovalSeverities" TEXT[],
    "requireApprovalActionTypes" TEXT[],
    "blockedEnvironments" TEXT[],
    "deniedActionTypes" TEXT[],
    "freezeWindows" JSONB NOT NULL DEFAULT '[]',
    "updatedBy" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_policies_pkey" PRIMARY KEY ("organizationId")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "organizationId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "actionId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("organizationId","key")
);

-- CreateTable
CREATE TABLE "reporting_settings" (
    "organizationId" TEXT NOT NULL,
    "retentionDays" INTEGER NOT NULL DEFAULT 30,
    "scheduledReportEnabled" BOOLEAN NOT NULL DEFAULT false,
    "reportCadence" "ReportCadence" NOT NULL DEFAULT 'weekly',
    "reportRecipients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "lastReportAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reporting_settings_pkey" PRIMARY KEY ("organizationId")
);

-- CreateTable
CREATE TABLE "report_runs" (
    "id" UUID NOT NULL,
    "organizationId" TEXT NOT NULL,
    "cadence" "ReportCadence" NOT NULL,
    "trigger" "ReportTrigger" NOT NULL,
    "retryOfRunId" UUID,
    "scheduleSlot" TEXT,
    "recipients" TEXT[],
    "deliveredCount" INTEGER NOT NULL DEFAULT 0,
    "failedDeliveryCount" INTEGER NOT NULL DEFAULT 0,
    "deliveryFailures" JSONB NOT NULL DEFAULT '[]',
    "deletedCount" INTEGER NOT NULL DEFAULT 0,
    "totalActions" INTEGER NOT NULL DEFAULT 0,
    "failedActions" INTEGER NOT NULL DEFAULT 0,
    "pendingApprovals" INTEGER NOT NULL DEFAULT 0,
    "queuedExecutions" INTEGER NOT NULL DEFAULT 0,
    "status" "ReportRunStatus" NOT NULL DEFAULT 'running',
    "error" TEXT,
    "periodStart" TIMESTAMPTZ(3) NOT NULL,
    "periodEnd" TIMESTAMPTZ(3) NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "report_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "email_outbox" (
    "id" UUID NOT NULL,
    "organizationId" TEXT,
    "reportRunId" UUID,
    "fromAddress" TEXT NOT NULL,
    "toAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "attachments" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "email_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "memberships_organizationId_idx" ON "memberships"("organizationId");

-- CreateIndex
CREATE INDEX "incidents_organizationId_createdAt_id_idx" ON "incidents"("organizationId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "incidents_organizationId_status_createdAt_idx" ON "incidents"("organizationId", "status", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "incidents_organizationId_environment_createdAt_idx" ON "incidents"("organizationId", "environment", "createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "incidents_organizationId_externalId_key" ON "incidents"("organizationId", "externalId");

-- CreateIndex
CREATE INDEX "diagnosis_suggestions_incidentId_position_idx" ON "diagnosis_suggestions"("incidentId", "position");

-- CreateIndex
CREATE INDEX "remediation_actions_organizationId_createdAt_id_idx" ON "remediation_actions"("organizationId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "remediation_actions_organizationId_status_createdAt_id_idx" ON "remediation_actions"("organizationId", "status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "remediation_actions_organizationId_environment_createdAt_id_idx" ON "remediation_actions"("organizationId", "environment", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "remediation_actions_organizationId_incidentId_createdAt_id_idx" ON "remediation_actions"("organizationId", "incidentId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "remediation_actions_organizationId_status_updatedAt_idx" ON "remediation_actions"("organizationId", "status", "updatedAt");

-- CreateIndex
CREATE INDEX "remediation_actions_organizationId_environment_status_updat_idx" ON "remediation_actions"("organizationId", "environment", "status", "updatedAt");

-- CreateIndex
CREATE INDEX "remediation_actions_status_updatedAt_idx" ON "remediation_actions"("status", "updatedAt");

-- CreateIndex
CREATE INDEX "remediation_events_actionId_createdAt_idx" ON "remediation_events"("actionId", "createdAt");

-- CreateIndex
CREATE INDEX "idempotency_keys_expiresAt_idx" ON "idempotency_keys"("expiresAt");

-- CreateIndex
CREATE INDEX "reporting_settings_scheduledReportEnabled_lastReportAt_idx" ON "reporting_settings"("scheduledReportEnabled", "lastReportAt");

-- CreateIndex
CREATE INDEX "report_runs_organizationId_startedAt_id_idx" ON "report_runs"("organizationId", "startedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "report_runs_status_startedAt_idx" ON "report_runs"("status", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "report_runs_organizationId_scheduleSlot_key" ON "report_runs"("organizationId", "scheduleSlot");

-- CreateIndex
CREATE INDEX "email_outbox_organizationId_createdAt_idx" ON "email_outbox"("organizationId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "diagnosis_suggestions" ADD CONSTRAINT "diagnosis_suggestions_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "remediation_actions" ADD CONSTRAINT "remediation_actions_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "remediation_events" ADD CONSTRAINT "remediation_events_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "remediation_actions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
