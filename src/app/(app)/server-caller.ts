import { TRPCError } from "@trpc/server";
import { headers } from "next/headers";
import { cache } from "react";
import { resolvePrincipal } from "@/server/auth/resolve-principal";
import { requireSessionUser } from "@/server/auth/session";
import { createCaller } from "@/server/root";

/**
 * The procedures as a page's server code calls them: the request's own principal, the same
 * permission checks, organization scope and error map as the browser's tRPC calls. Memoised per
 * request, so a page's metadata and its body share one caller. Metadata is read alongside the
 * layout, not after it: a signed-out visitor is sent to sign-in from here too, with the same
 * callbackUrl, rather than failing the read.
 */
export const pageCaller = cache(async () => {
  const requestHeaders = await headers();
  const principal = await resolvePrincipal({ headers: requestHeaders });
  if (!principal) await requireSessionUser();
  return createCaller({ principal, headers: requestHeaders });
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
