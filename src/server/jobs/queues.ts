import type { Queue } from "pg-boss";
import { executionSettings } from "@/server/execution/settings";

/**
 * Queue names and options in one place: the web process creates the queue before its first
 * send, the worker creates it before working it, and both use the same options.
 */
export const REMEDIATION_EXECUTE_QUEUE = "remediation-execute";

export const QUEUE_OPTIONS: Record<string, Omit<Queue, "name">> = {
  // A getter: expiry and heartbeat follow the configured execution timeout (read when used).
  get [REMEDIATION_EXECUTE_QUEUE]() {
    return executeQueueOptions();
  },
};

/**
 * One job = one attempt. Executor retries do NOT go through pg-boss's retry: after a transient
 * failure the handler records EXECUTION_RETRY and, in that same transaction, completes its job
 * and creates the next one with `startAfter` = now + the backoff. That is as crash-safe as
 * pg-boss's retryDelay (the pending retry is a row, not a sleeping process), keeps the action's
 * `attempts` the one count of attempts, and makes the recorded next delay exact (pg-boss's
 * backoff adds jitter and works in whole seconds). pg-boss's own retries (retryLimit) are left
 * for re-delivery when a worker dies (heartbeat) or a handler hits a database error; the
 * re-delivered job re-runs the action as a new attempt.
 *
 * `exclusive`: at most one created/retry/active job per singletonKey (= actionId). A second
 * enqueue of an action that already has a pending or running job inserts nothing
 * (ON CONFLICT DO NOTHING), and two workers can never hold jobs for the same action at once.
 * Re-delivery and the retry hand-over still work: they move the same row, or complete it
 * before inserting the next one.
 */
function executeQueueOptions(): Omit<Queue, "name"> {
  const settings = executionSettings();
  return {
    policy: "exclusive",
    // Wakes workers at once through LISTEN/NOTIFY (pickup in milliseconds instead of a poll).
    notify: true,
    retryLimit: 5,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 60,
    // One attempt is bounded by the executor timeout; the margin covers the database writes.
    expireInSeconds: Math.ceil(settings.attemptBoundMs / 1000) + 60,
    // A worker that dies mid-attempt stops touching its job; pg-boss re-delivers it after this.
    heartbeatSeconds: settings.heartbeatSeconds,
  };
}
