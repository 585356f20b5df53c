import type { AnyProcedure, inferProcedureOutput } from "@trpc/server";
import { auditRouter } from "@/server/audit/router";
import { tokensRouter } from "@/server/auth/router";
import { incidentsRouter } from "@/server/incidents/router";
import { policyRouter } from "@/server/policy/router";
import { overrideReviewsRouter } from "@/server/remediation/override-review-router";
import { remediationRouter } from "@/server/remediation/router";
import { reportingRouter } from "@/server/reporting/router";
import { type Context, createCallerFactory, type Meta, router } from "@/server/trpc";
import { uiRouter } from "@/server/ui/router";

export const appRouter = router({
  incidents: incidentsRouter,
  remediation: remediationRouter,
  policy: policyRouter,
  reporting: reportingRouter,
  audit: auditRouter,
  ui: uiRouter,
  overrideReviews: overrideReviewsRouter,
  tokens: tokensRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

type Procedures = AppRouter["_def"]["record"];

/** Dotted paths of every procedure ("remediation.approve", …), from the router's own type. */
type PathsOf<R, Prefix extends string = ""> = {
  [K in keyof R & string]: R[K] extends AnyProcedure ? `${Prefix}${K}` : PathsOf<R[K], `${Prefix}${K}.`>;
}[keyof R & string];
export type ProcedurePath = PathsOf<Procedures>;

type At<R, Path extends string> = Path extends `${infer Head}.${infer Rest}`
  ? Head extends keyof R
    ? At<R[Head], Rest>
    : never
  : Path extends keyof R
    ? R[Path]
    : never;

/** What the procedure at `P` returns (its `.output()` schema's type). */
export type ProcedureOutput<P extends ProcedurePath> = inferProcedureOutput<At<Procedures, P>>;

/** The server-side call signature of a built procedure (what createCaller itself invokes). */
type Invoke = (opts: {
  path: string;
  getRawInput: () => Promise<unknown>;
  ctx: Context;
  type: string;
  signal: AbortSignal | undefined;
  batchIndex: number;
}) => Promise<unknown>;

function procedureAt(path: string): AnyProcedure {
  const procedure = (appRouter._def.procedures as unknown as Record<string, AnyProcedure>)[path];
  if (!procedure) throw new Error(`Unknown procedure ${path}`);
  return procedure;
}

export function hasProcedure(path: string): boolean {
  return Object.hasOwn(appRouter._def.procedures, path);
}

export function procedureMeta(path: ProcedurePath): Meta {
  return (procedureAt(path)._def.meta ?? {}) as Meta;
}

export function procedureInputSchema(path: ProcedurePath): unknown {
  return procedureAt(path)._def.inputs[0];
}

/** The procedure's `.output(...)` schema (what OpenAPI documents as the success body). */
export function procedureOutputSchema(path: ProcedurePath): unknown {
  return (procedureAt(path)._def as { output?: unknown }).output;
}

/**
 * Calls a procedure by its dotted path (the REST adapter's entry): the same invocation
 * createCaller makes, without building its proxy chain on every request. Middlewares, input
 * and output validation run as for any other caller.
 */
export async function callProcedure<P extends ProcedurePath>(
  path: P,
  ctx: Context,
  input: unknown,
): Promise<ProcedureOutput<P>> {
  const procedure = procedureAt(path);
  return (await (procedure as unknown as Invoke)({
    path,
    getRawInput: async () => input,
    ctx,
    type: procedure._def.type,
    signal: undefined,
    batchIndex: 0,
  })) as ProcedureOutput<P>;
}
