/**
 * The pending queue's page (docs/behaviour.md#pending-queue), shared by the server's input schema,
 * the Control Center and any server-side prefetch: the first page's input must be exactly this
 * object for a prefetched page to be the one the client asks for.
 */
export const PENDING_QUEUE_PAGE_SIZE = 10;
// Ten rows are what fits beside the chart above the fold of a 1280×900 screen, so the page needs
// no scrolling inside its card; the first page is server-rendered, and each row more is markup,
// hydration data and render time before the numbers can show (docs/behaviour.md#pending-queue).
export const FIRST_PENDING_PAGE = { offset: 0, limit: PENDING_QUEUE_PAGE_SIZE } as const;
