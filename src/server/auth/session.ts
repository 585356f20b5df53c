import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { REQUESTED_PATH_HEADER, safeCallbackPath } from "@/lib/callback-url";
import type { SessionUser } from "@/lib/permissions";
import { getAuthOptions } from "@/server/auth/next-auth";

/**
 * The signed-in operator for server components; anonymous visitors go to /signin with the page
 * they asked for as `callbackUrl` (reduced to a path on this site), so a link from a pager lands
 * where it points after sign-in (docs/behaviour.md#sign-in).
 */
export async function requireSessionUser(): Promise<SessionUser> {
  const session = await getServerSession(getAuthOptions());
  const user = session?.user as Partial<SessionUser> | undefined;
  if (!user?.userId || !user.organizationId) {
    const requested = safeCallbackPath((await headers()).get(REQUESTED_PATH_HEADER));
    redirect(`/signin?callbackUrl=${encodeURIComponent(requested)}`);
  }
  return user as SessionUser;
}
