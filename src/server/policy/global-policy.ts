import { env } from "@/server/env";
import type { GlobalPolicy } from "./policy-schema";

/** The global guardrail lists of §2; read per call so tests can change them (resetEnvCache). */
export function globalPolicy(): GlobalPolicy {
  const config = env();
  return {
    blockedEnvironments: config.REMEDIATION_BLOCKED_ENVIRONMENTS,
    deniedActionTypes: config.REMEDIATION_DENIED_ACTION_TYPES,
  };
}
