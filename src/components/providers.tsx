"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { httpBatchLink, httpLink, splitLink } from "@trpc/client";
import dynamic from "next/dynamic";
import { type ReactNode, useState } from "react";
import superjson from "superjson";
import { trpc } from "@/lib/trpc";

// Out of the first load (docs/architecture.md#first-load-javascript): the toasts' container
// arrives right after the page; toasts raised before it wait for it (src/components/ui/toast.ts).
const Toaster = dynamic(() => import("@/components/ui/toaster"), { ssr: false });

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: true },
          // Queries a server component prefetched arrive superjson-encoded (src/app/(app)/server-trpc.tsx).
          hydrate: { deserializeData: superjson.deserialize },
        },
      }),
  );
  const [trpcClient] = useState(() =>
    trpc.createClient({
      links: [
        // `context: { skipBatch: true }` sends a query alone, so a slower panel never holds back
        // the batch that carries the hero (docs/behaviour.md#approval-metrics).
        splitLink({
          condition: (op) => op.context.skipBatch === true,
          true: httpLink({ url: "/api/trpc", transformer: superjson }),
          false: httpBatchLink({ url: "/api/trpc", transformer: superjson }),
        }),
      ],
    }),
  );
  return (
    // No next-auth SessionProvider: nothing reads the session on the client (the shell gets the
    // principal from the server), and its fetch of /api/auth/session on every page load was cut
    // off by the next navigation and reported as an error (docs/behaviour.md#ui-accessibility).
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        {/* List filters live in the URL where a view has them (src/components/ui/url-state.tsx). */}
        {children}
        {/* Follows the system theme like the page (src/app/dark-theme.css). */}
        <Toaster richColors closeButton position="top-right" theme="system" />
      </QueryClientProvider>
    </trpc.Provider>
  );
}
