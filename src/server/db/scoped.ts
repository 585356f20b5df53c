/**
 * The organization a use case acts for, put in the context by the procedure builders. Use cases
 * pass `scope.organizationId` to the stores, which add the `"organizationId" = …` predicate to
 * every statement on tenant data themselves, so an id from another organization behaves exactly
 * like an id that does not exist (docs/behaviour.md#reads).
 */
export interface OrgScope {
  readonly organizationId: string;
}

export function orgScope(organizationId: string): OrgScope {
  return { organizationId };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids are free strings; a malformed one is simply "not found" (docs/behaviour.md#precise-details). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
