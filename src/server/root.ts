import type { AnyProcedure } from "@trpc/server";
import { incidentsRouter } from "@/server/incidents/router";
import { policyRouter } from "@/server/policy/router";
import { remediationRouter } from "@/server/remediation/router";
import { reportingRouter } from "@/server/reporting/router";
import { type Context, createCallerFactory, type Meta, router } from "@/server/trpc";
import { uiRouter } from "@/server/ui/router";

export const appRouter = router({
  incidents: incidentsRouter,
  remediation: remediationRouter,
  policy: policyRouter,
  reporting: reportingRouter,
  ui: uiRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

function procedureAt(path: string): AnyProcedure {
  const procedure = (appRouter._def.procedures as unknown as Record<string, AnyProcedure>)[path];
  if (!procedure) throw new Error(`Unknown procedure ${path}`);
  return procedure;
}

export function procedureMeta(path: string): Meta {
  return (procedureAt(path)._def.meta ?? {}) as Meta;
}

export function procedureInputSchema(path: string): unknown {
  return procedureAt(path)._def.inputs[0];
}

/** Calls a procedure by its dotted path through a server-side caller (the REST adapter's entry). */
export async function callProcedure(path: string, ctx: Context, input: unknown): Promise<unknown> {
  let target: unknown = createCaller(ctx);
  for (const key of path.split(".")) target = (target as Record<string, unknown>)[key];
  return (target as (input: unknown) => Promise<unknown>)(input);
}
