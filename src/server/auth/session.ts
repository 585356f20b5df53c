import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import type { SessionUser } from "@/lib/permissions";
import { getAuthOptions } from "@/server/auth/next-auth";

/** The signed-in operator for server components; anonymous visitors go to /signin. */
export async function requireSessionUser(callbackUrl: string): Promise<SessionUser> {
  const session = await getServerSession(getAuthOptions());
  const user = session?.user as Partial<SessionUser> | undefined;
  if (!user?.userId || !user.organizationId) {
    redirect(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  }
  return user as SessionUser;
}
