/**
 * The pending queue's page (docs/behaviour.md#pending-queue), shared by the server's input schema,
 * the Control Center and any server-side prefetch: the first page's input must be exactly this
 * object for a prefetched page to be the one the client asks for.
 */
export const PENDING_QUEUE_PAGE_SIZE = 25;
export const FIRST_PENDING_PAGE = { offset: 0, limit: PENDING_QUEUE_PAGE_SIZE } as const;
