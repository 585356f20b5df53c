-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


-- At their lifecycle position (hand-edited: the enum's order breaks same-instant ties of events).
ALTER TYPE "ActionEventType" ADD VALUE 'APPROVAL_RECORDED' BEFORE 'APPROVED';
ALTER TYPE "ActionEventType" ADD VALUE 'EXPIRED' AFTER 'REJECTED';

-- AlterTable
ALTER TABLE "organization_policies" ADD COLUMN     "approvalEscalationMinutes" INTEGER,
ADD COLUMN     "approvalNotifyEmails" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "approvalReminderMinutes" INTEGER,
ADD COLUMN     "overrideReviewHours" INTEGER NOT NULL DEFAULT 24,
ADD COLUMN     "pendingApprovalTtlMinutes" INTEGER DEFAULT 1440,
ADD COLUMN     "quorumRules" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "separationOfDuties" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "remediation_actions" ADD COLUMN     "expiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "requiredApprovals" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "approval_votes" (
    "actionId" UUID NOT NULL,
    "organizationId" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "contextVersion" TEXT NOT NULL,
    "reason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_votes_pkey" PRIMARY KEY ("actionId","actor","contextVersion")
);

-- CreateIndex
CREATE INDEX "remediation_actions_status_expiresAt_idx" ON "remediation_actions"("status", "expiresAt");

-- AddForeignKey
ALTER TABLE "approval_votes" ADD CONSTRAINT "approval_votes_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "remediation_actions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
