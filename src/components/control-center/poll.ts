/** Control Center reads refresh on their own so decisions made elsewhere show up (docs/behaviour.md#ui). */
const POLL_MS = 5_000;
export const POLLING = { refetchInterval: POLL_MS } as const;
