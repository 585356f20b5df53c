import { TRPCError } from "@trpc/server";
import { headers } from "next/headers";
import { cache } from "react";
import { resolvePrincipal } from "@/server/auth/resolve-principal";
import { createCaller } from "@/server/root";

/**
 * The procedures as a page's server code calls them: the request's own principal, the same
 * permission checks, organization scope and error map as the browser's tRPC calls. Memoised per
 * request, so a page's metadata and its body share one caller.
 */
const pageCaller = cache(async () => {
  const requestHeaders = await headers();
  return createCaller({ principal: await resolvePrincipal({ headers: requestHeaders }), headers: requestHeaders });
});

/** `read` with "not found" (unknown, malformed or another organization's id alike) as null. */
async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") return null;
    throw error;
  }
}

/** One action of the signed-in organization, read once per request (page title and body). */
export const readAction = cache(async (id: string) => orNull((await pageCaller()).remediation.get({ id })));

/** One incident of the signed-in organization, read once per request. */
export const readIncident = cache(async (id: string) => orNull((await pageCaller()).incidents.get({ id })));

/** Every page's title ends with the product's name. */
export function pageTitle(subject: string): string {
  return `${subject} · Remediation Control Center`;
}
