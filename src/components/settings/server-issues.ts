/** Validation issues of a failed tRPC call (`data.app.issues`, the same list REST returns as `issues`). */
export function serverIssues(error: unknown): { path: string; message: string }[] {
  const app = (error as { data?: { app?: { issues?: unknown } } } | null)?.data?.app;
  return Array.isArray(app?.issues) ? (app.issues as { path: string; message: string }[]) : [];
}

/** The message of a failed call ("not recorded" when it never reached the server). */
export { failureMessage as messageOf } from "@/components/ui/failure";
