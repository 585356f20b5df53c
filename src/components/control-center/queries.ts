/**
 * Inputs of the Control Center reads that the server prefetches into the first response
 * (src/app/(app)/control-center/prefetch.ts) and the client components ask for: one definition,
 * so the query keys match and the browser reuses the server's data instead of fetching again.
 * Not a client module: server components read these values directly.
 */
/**
 * The queue's first page: the newest 25 pending approvals (a screen or two of cards). Its rows
 * are most of the page's HTML — 100 full cards made 390 KB of it and delayed the first paint of
 * the hero and stats that come before them (bench P6).
 */
export const PENDING_QUEUE_INPUT = { status: "PENDING_APPROVAL", limit: 25 } as const;
