/** The one permission table (docs/behaviour.md#authentication). Isomorphic: the UI hides what a role may not do. */
export const PERMISSIONS = [
  "remediation:view",
  "remediation:request",
  "remediation:approve",
  "remediation:reject",
  "policy:update",
  "incident:write",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ["viewer", "operator", "admin"] as const;
export type RoleName = (typeof ROLES)[number];

export const ROLE_PERMISSIONS: Record<RoleName, readonly Permission[]> = {
  viewer: ["remediation:view"],
  operator: ["remediation:view", "remediation:request", "remediation:approve", "remediation:reject"],
  admin: PERMISSIONS,
};

/** The signed-in operator as the browser session carries it (server components and the UI shell). */
export interface SessionUser {
  userId: string;
  organizationId: string;
  role: RoleName;
  permissions: string[];
  email?: string | null;
  name?: string | null;
}

export function hasPermission(granted: readonly string[], needed: Permission): boolean {
  return granted.includes(needed);
}
