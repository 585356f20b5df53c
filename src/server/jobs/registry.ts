import type { JobDefinition } from "./definition";
import { enforceRetentionJob } from "./enforce-retention";
import { purgeIdempotencyKeysJob } from "./purge-idempotency-keys";
import { reconcileExecutionsJob } from "./reconcile-executions";
import { remediationExecuteJob } from "./remediation-execute";
import { sendDueReportsJob } from "./send-due-reports";

/** Every job the worker runs. Adding a job: one file with its definition + one line here. */
export const JOBS: JobDefinition<never>[] = [
  remediationExecuteJob as JobDefinition<never>,
  reconcileExecutionsJob as JobDefinition<never>,
  purgeIdempotencyKeysJob as JobDefinition<never>,
  sendDueReportsJob as JobDefinition<never>,
  enforceRetentionJob as JobDefinition<never>,
];
