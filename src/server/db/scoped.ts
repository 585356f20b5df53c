/**
 * The one tenancy helper: every query on tenant data goes through a scope so that an id from
 * another organization behaves exactly like an id that does not exist (contract §3).
 */
export interface OrgScope {
  organizationId: string;
  /** Adds the organization to a Prisma `where`. */
  where<T extends object>(where: T): T & { organizationId: string };
  /** Adds the organization to Prisma `data` for creates. */
  data<T extends object>(data: T): T & { organizationId: string };
}

export function orgScope(organizationId: string): OrgScope {
  return {
    organizationId,
    where: (where) => ({ ...where, organizationId }),
    data: (data) => ({ ...data, organizationId }),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids are free strings; a malformed one is simply "not found" (contract §12). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
