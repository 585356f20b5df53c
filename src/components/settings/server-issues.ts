/** Validation issues of a failed tRPC call (`data.app.issues`, the same list REST returns as `issues`). */
export function serverIssues(error: unknown): { path: string; message: string }[] {
  const app = (error as { data?: { app?: { issues?: unknown } } } | null)?.data?.app;
  return Array.isArray(app?.issues) ? (app.issues as { path: string; message: string }[]) : [];
}

export const messageOf = (error: unknown): string =>
  error instanceof Error && error.message ? error.message : "Request failed";
