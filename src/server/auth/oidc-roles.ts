import { ROLES, type RoleName } from "@/lib/permissions";

/** One `group:role` entry of OIDC_ROLE_MAP. */
export interface RoleMapping {
  group: string;
  role: RoleName;
}

/**
 * The claim's values: a string or an array of strings, found by a dotted path so nested claims
 * work (Keycloak's `realm_access.roles`). Anything else is no value.
 */
export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = claims;
  for (const key of path.split(".")) {
    if (!value || typeof value !== "object" || Array.isArray(value)) return [];
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/**
 * The role an SSO user gets (docs/behaviour.md#sign-in): the highest role any of their groups maps
 * to, `viewer` when none does. Group names compare exactly.
 */
export function roleFromClaims(claims: Record<string, unknown>, claim: string, map: readonly RoleMapping[]): RoleName {
  const groups = new Set(claimValues(claims, claim));
  let rank = 0;
  for (const { group, role } of map) {
    if (groups.has(group)) rank = Math.max(rank, ROLES.indexOf(role));
  }
  return ROLES[rank] ?? "viewer";
}
