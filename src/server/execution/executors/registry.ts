import { type Env, env } from "@/server/env";
import { createSimulatedExecutor } from "./simulated";
import type { Executor, ExecutorFactory } from "./types";
import { createWebhookExecutor } from "./webhook";

/** Every executor by its REMEDIATION_EXECUTOR name. Adding one: its own file + one line here. */
export const EXECUTORS: Record<string, ExecutorFactory> = {
  webhook: createWebhookExecutor,
  simulated: createSimulatedExecutor,
};

/** The configured executor (built per use: tests switch configuration between cases). */
export function createExecutor(config: Env = env()): Executor {
  const factory = EXECUTORS[config.REMEDIATION_EXECUTOR];
  if (!factory) throw new Error(`Unknown REMEDIATION_EXECUTOR "${config.REMEDIATION_EXECUTOR}"`);
  return factory(config);
}
