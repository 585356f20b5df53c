-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ActionEventType" ADD VALUE 'OVERRIDE_REVIEWED';
ALTER TYPE "ActionEventType" ADD VALUE 'OVERRIDE_REVIEW_OVERDUE';
ALTER TYPE "ActionEventType" ADD VALUE 'APPROVAL_REMINDER_SENT';
ALTER TYPE "ActionEventType" ADD VALUE 'APPROVAL_ESCALATED';
ALTER TYPE "ActionEventType" ADD VALUE 'TOKEN_CREATED';
ALTER TYPE "ActionEventType" ADD VALUE 'TOKEN_REVOKED';
ALTER TYPE "ActionEventType" ADD VALUE 'SIGNED_IN';
ALTER TYPE "ActionEventType" ADD VALUE 'SIGN_IN_REFUSED';
