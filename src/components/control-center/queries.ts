/**
 * Inputs of the Control Center reads that the server prefetches into the first response
 * (src/app/(app)/control-center/prefetch.ts) and the client components ask for: one definition,
 * so the query keys match and the browser reuses the server's data instead of fetching again.
 * Not a client module: server components read these values directly.
 */
export const PENDING_QUEUE_INPUT = { status: "PENDING_APPROVAL", limit: 100 } as const;
