import { type ExecutionSettings, executionSettings } from "../settings";
import { createSimulatedExecutor } from "./simulated";
import type { Executor, ExecutorFactory } from "./types";
import { createWebhookExecutor } from "./webhook";

/** Every executor by its REMEDIATION_EXECUTOR name. Adding one: its own file + one line here. */
const EXECUTORS: Record<string, ExecutorFactory> = {
  webhook: createWebhookExecutor,
  simulated: createSimulatedExecutor,
};

/** The executor the settings name (built per attempt: the settings are read per attempt too). */
export function createExecutor(settings: ExecutionSettings = executionSettings()): Executor {
  const factory = EXECUTORS[settings.executor];
  if (!factory) throw new Error(`Unknown REMEDIATION_EXECUTOR "${settings.executor}"`);
  return factory(settings);
}
