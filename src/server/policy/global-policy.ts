import type { GlobalPolicy } from "@/lib/policy-schema";
import { type Env, env } from "@/server/env";

/**
 * The global guardrail lists (README "Configuration"): REMEDIATION_BLOCKED_ENVIRONMENTS and
 * REMEDIATION_DENIED_ACTION_TYPES. Use cases take them from their context when given there
 * (tests pass their own through the tRPC context) and from here otherwise.
 */
export function globalPolicy(config: Env = env()): GlobalPolicy {
  return {
    blockedEnvironments: config.REMEDIATION_BLOCKED_ENVIRONMENTS,
    deniedActionTypes: config.REMEDIATION_DENIED_ACTION_TYPES,
  };
}
