-- CreateEnum
CREATE TYPE "ApprovalNotificationKind" AS ENUM ('REMINDER', 'ESCALATION');

-- CreateEnum
CREATE TYPE "NotificationDeliveryStatus" AS ENUM ('PENDING', 'SENT', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "approval_notifications" (
    "actionId" UUID NOT NULL,
    "kind" "ApprovalNotificationKind" NOT NULL,
    "organizationId" TEXT NOT NULL,
    "recipients" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_notifications_pkey" PRIMARY KEY ("actionId","kind")
);

-- CreateTable
CREATE TABLE "approval_notification_deliveries" (
    "actionId" UUID NOT NULL,
    "kind" "ApprovalNotificationKind" NOT NULL,
    "recipient" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "status" "NotificationDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "approval_notification_deliveries_pkey" PRIMARY KEY ("actionId","kind","recipient")
);

-- AddForeignKey
ALTER TABLE "approval_notifications" ADD CONSTRAINT "approval_notifications_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "remediation_actions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_notification_deliveries" ADD CONSTRAINT "approval_notification_deliveries_actionId_kind_fkey" FOREIGN KEY ("actionId", "kind") REFERENCES "approval_notifications"("actionId", "kind") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: the deliveries still to send, oldest retry time first; sent and given-up rows
-- leave the index (docs/data-model.md#approval_notification_deliveries).
CREATE INDEX "approval_notification_deliveries_pending_idx" ON "approval_notification_deliveries"("nextAttemptAt") WHERE "status" = 'PENDING';
