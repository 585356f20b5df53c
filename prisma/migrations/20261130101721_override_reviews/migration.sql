-- AlterTable
ALTER TABLE "report_runs" ADD COLUMN     "overrideReviewsFlagged" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "overrideReviewsPending" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "overridesInPeriod" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "override_reviews" (
    "actionId" UUID NOT NULL,
    "organizationId" TEXT NOT NULL,
    "overriddenBy" TEXT NOT NULL,
    "overriddenAt" TIMESTAMPTZ(3) NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "reviewer" TEXT,
    "note" TEXT,
    "reviewedAt" TIMESTAMPTZ(3),
    "overdueNotedAt" TIMESTAMPTZ(3),

    CONSTRAINT "override_reviews_pkey" PRIMARY KEY ("actionId")
);

-- CreateIndex
CREATE INDEX "override_reviews_organizationId_overriddenAt_actionId_idx" ON "override_reviews"("organizationId", "overriddenAt" DESC, "actionId" DESC);

-- CreateIndex
CREATE INDEX "override_reviews_organizationId_status_overriddenAt_actionI_idx" ON "override_reviews"("organizationId", "status", "overriddenAt" DESC, "actionId" DESC);

-- CreateIndex
CREATE INDEX "override_reviews_organizationId_status_dueAt_idx" ON "override_reviews"("organizationId", "status", "dueAt");

-- CreateIndex
CREATE INDEX "override_reviews_status_overdueNotedAt_dueAt_idx" ON "override_reviews"("status", "overdueNotedAt", "dueAt");

-- AddForeignKey
ALTER TABLE "override_reviews" ADD CONSTRAINT "override_reviews_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "remediation_actions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: the review outcomes the product knows (docs/behaviour.md#override-review).
ALTER TABLE "override_reviews" ADD CONSTRAINT "override_reviews_status_check"
  CHECK ("status" IN ('PENDING', 'ACCEPTED', 'FLAGGED'));
