// Settings as arguments: a test never changes process.env (src/test/setup.ts sets the run's
// defaults once). It builds the settings it needs here, on top of those defaults, and passes them
// to what it calls: the worker fixture and job factories (execution), callerFor/rest (guardrails,
// email), or the function under test itself.
import type { GlobalPolicy } from "@/lib/policy-schema";
import { type EmailSettings, emailSettings } from "@/server/email";
import { type ExecutionChoices, type ExecutionSettings, executionSettings } from "@/server/execution/settings";

/** Execution settings: the run's defaults with `overrides` on top (attemptBoundMs, maxAttempts derived). */
export function testExecutionSettings(overrides: Partial<ExecutionChoices> = {}): ExecutionSettings {
  return executionSettings(overrides);
}

/** Email settings: the run's defaults (the outbox, the default From) with `overrides` on top. */
export function testEmailSettings(overrides: Partial<EmailSettings> = {}): EmailSettings {
  return { ...emailSettings(), ...overrides };
}

/** Global guardrails (REMEDIATION_BLOCKED_ENVIRONMENTS / _DENIED_ACTION_TYPES); none by default. */
export function testGuardrails(overrides: Partial<GlobalPolicy> = {}): GlobalPolicy {
  return { blockedEnvironments: [], deniedActionTypes: [], ...overrides };
}
