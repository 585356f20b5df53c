import type { Job, PgBoss, Queue, WorkOptions } from "pg-boss";
import type { z } from "zod";

/**
 * One job: queue name, payload schema, queue/work options and optional cron, beside its handler.
 * Handlers are idempotent (pg-boss delivery is at-least-once).
 */
export interface JobDefinition<T = unknown> {
  name: string;
  payload: z.ZodType<T>;
  queue?: Omit<Queue, "name">;
  work?: WorkOptions;
  /** Cron expression (UTC) for a recurring job; the payload is `{}`. */
  cron?: string;
  handle(jobs: Job<T>[], boss: PgBoss): Promise<void>;
  /** Recovery to run once when a worker starts (e.g. work a crashed process left half done). */
  onWorkerStart?(): Promise<unknown>;
  /**
   * A long-lived companion of the worker (e.g. a LISTEN-driven loop): started after the queues
   * (the worker is started once `ready` resolves), stopped before pg-boss stops.
   */
  service?(): { ready?: Promise<void>; stop(): Promise<void> };
}

export function defineJob<T>(definition: JobDefinition<T>): JobDefinition<T> {
  return definition;
}
