-- AlterTable
ALTER TABLE "remediation_events" ALTER COLUMN "actionId" DROP NOT NULL;
