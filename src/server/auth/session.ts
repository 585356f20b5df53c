import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { getAuthOptions } from "@/server/auth/next-auth";

export interface SessionUser {
  userId: string;
  organizationId: string;
  role: string;
  permissions: string[];
  email?: string | null;
  name?: string | null;
}

/** The signed-in operator for server components; anonymous visitors go to /signin. */
export async function requireSessionUser(callbackUrl: string): Promise<SessionUser> {
  const session = await getServerSession(getAuthOptions());
  const user = session?.user as Partial<SessionUser> | undefined;
  if (!user?.userId || !user.organizationId) {
    redirect(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  }
  return user as SessionUser;
}
