"use client";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { useState, type ReactNode } from "react";
import type { AppRouter } from "@/server/trpc/root";
import { errorCode } from "./errors";
import { ToastProvider } from "./toast";
import { TRPCProvider } from "./trpc";

/** A 401 means the session ended (signed out elsewhere, token revoked, operator disabled). */
function onApiError(err: unknown) {
  if (errorCode(err) === "UNAUTHORIZED") window.location.assign("/signin");
}

function makeQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: onApiError }),
    // Any change may change what the principal holds (a realm created, a role bound): the session's rights are read again.
    mutationCache: new MutationCache({ onError: onApiError, onSuccess: () => void client.invalidateQueries({ queryKey: [["session", "me"]] }) }),
    defaultOptions: { queries: { staleTime: 10_000, retry: (count, err) => count < 1 && errorCode(err) === "INTERNAL_SERVER_ERROR", refetchOnWindowFocus: false } },
  });
  return client;
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() => createTRPCClient<AppRouter>({
      // Subscriptions (the webhooks page's live delivery log) use server-sent events.
      links: [splitLink({ condition: (op) => op.type === "subscription", true: httpSubscriptionLink({ url: "/api/trpc" }), false: httpBatchLink({ url: "/api/trpc" }) })],
    }));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <ToastProvider>{children}</ToastProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
