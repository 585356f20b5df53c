-- AlterTable
ALTER TABLE "remediation_actions" ADD COLUMN     "lostAttempts" INTEGER NOT NULL DEFAULT 0;
