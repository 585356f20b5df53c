import { auditSealJob } from "@/server/audit/jobs";
import { EXECUTION_JOBS } from "@/server/execution/jobs";
import type { AnyJobDefinition } from "@/server/jobs/worker";
import { expirePendingActionsJob } from "@/server/remediation/expire-pending-actions";
import { markOverdueOverrideReviewsJob } from "@/server/remediation/mark-overdue-override-reviews";
import { purgeIdempotencyKeysJob } from "@/server/remediation/purge-idempotency-keys";
import { sendApprovalNoticesJob } from "@/server/remediation/send-approval-notices";
import { REPORTING_JOBS } from "@/server/reporting/jobs";

/**
 * Every job the worker runs, as each domain defines it beside its handler (src/server/jobs knows
 * no domain: it only boots pg-boss and registers what it is given). Adding a job: its definition
 * in its domain + one entry here.
 */
export const JOBS: readonly AnyJobDefinition[] = [
  ...EXECUTION_JOBS,
  auditSealJob,
  expirePendingActionsJob,
  purgeIdempotencyKeysJob,
  ...REPORTING_JOBS,
  markOverdueOverrideReviewsJob,
  sendApprovalNoticesJob,
];
