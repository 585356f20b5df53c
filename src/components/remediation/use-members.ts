"use client";
import { useCallback } from "react";
import { trpc } from "@/lib/trpc";

/** userId → display name for `performedBy` and event actors; unknown ids (token subjects) stay as they are. */
export function useMemberNames(): (userId: string) => string {
  const members = trpc.ui.members.useQuery(undefined, { staleTime: 5 * 60_000 });
  const data = members.data;
  return useCallback(
    (userId: string) => {
      if (userId === "system") return "system";
      return data?.find((m) => m.userId === userId)?.name ?? userId;
    },
    [data],
  );
}
