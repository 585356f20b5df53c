import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { createHydrationHelpers } from "@trpc/react-query/rsc";
import { cache, type ReactNode } from "react";
import superjson from "superjson";
import { RenderTimeProvider } from "@/components/ui/use-now";
import type { AppRouter } from "@/server/root";
import { pageCaller } from "./server-caller";

/**
 * Server components' tRPC (docs/architecture.md#server-rendered-data): a caller built from the
 * request's own session, so every prefetch runs the same procedures, input validation and
 * permission checks as the browser's `/api/trpc` call, and one QueryClient per request whose
 * successful queries are handed to the browser's cache (`HydrateClient`). The browser's hooks
 * find their data there on their first render: the numbers are in the HTML, no fetch on load.
 */
const queryClient = cache(
  () =>
    new QueryClient({
      // Same freshness as the browser's client (src/components/providers.tsx): hydrated data is
      // not refetched at once, and the live stream / 5 s fallback take over from there.
      defaultOptions: { queries: { staleTime: 5_000 }, dehydrate: { serializeData: superjson.serialize } },
    }),
);

// The page's one caller (./server-caller.ts): the layout already sent anonymous visitors to /signin.
const helpers = cache(async () => createHydrationHelpers<AppRouter>(await pageCaller(), queryClient));

/** The request's prefetching tRPC proxy (`await (await serverTrpc()).remediation.stats.prefetch()`). */
export async function serverTrpc() {
  return (await helpers()).trpc;
}

/**
 * Hands the request's prefetched queries to the client components below it, with the render
 * time their relative ages ("12s ago") were printed at, so hydration prints the same.
 */
export function HydrateClient({ children }: { children: ReactNode }) {
  return (
    <HydrationBoundary state={dehydrate(queryClient())}>
      <RenderTimeProvider at={Date.now()}>{children}</RenderTimeProvider>
    </HydrationBoundary>
  );
}
