import { type AnyProcedure, getTRPCErrorFromUnknown, type inferProcedureOutput, type TRPCError } from "@trpc/server";
import { auditRouter } from "@/server/audit/router";
import { tokensRouter } from "@/server/auth/router";
import { incidentsRouter } from "@/server/incidents/router";
import { policyRouter } from "@/server/policy/router";
import { overrideReviewsRouter } from "@/server/remediation/override-review-router";
import { remediationRouter } from "@/server/remediation/router";
import { reportingRouter } from "@/server/reporting/router";
import { type Context, createCallerFactory, type Meta, outputSchemaOf, router } from "@/server/trpc";
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

/** What a procedure's middlewares get and return (tRPC's middleware contract; its resolver is the last one). */
interface CallOptions {
  path: string;
  type: string;
  ctx: Context;
  input: unknown;
  getRawInput: () => Promise<unknown>;
  signal: undefined;
  batchIndex: number;
}
type NextOptions = { ctx?: object; input?: unknown; getRawInput?: () => Promise<unknown> } | undefined;
type MiddlewareResult = { ok: true; data: unknown } | { ok: false; error: TRPCError };
type Middleware = (
  opts: CallOptions & { meta: Meta | undefined; next(nextOptions?: NextOptions): Promise<MiddlewareResult> },
) => Promise<MiddlewareResult>;

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
  return outputSchemaOf((procedureAt(path)._def as { output?: unknown }).output);
}

/**
 * Runs middlewares[index…] as tRPC's own procedure call does (`callRecursive`: each `next`
 * merges the context it is given into the current one; a throw becomes a failed result), with
 * native object spreads instead of tRPC's transpiled spread helper, which was ~12% of the CPU of
 * a small REST read (bench P2, `/remediation/stats`).
 */
async function runMiddlewares(
  middlewares: readonly Middleware[],
  meta: Meta | undefined,
  index: number,
  opts: CallOptions,
): Promise<MiddlewareResult> {
  try {
    return await middlewares[index]!({
      ...opts,
      meta,
      next: (nextOptions) =>
        runMiddlewares(middlewares, meta, index + 1, {
          ...opts,
          ctx: nextOptions?.ctx ? { ...opts.ctx, ...nextOptions.ctx } : opts.ctx,
          input: nextOptions && "input" in nextOptions ? nextOptions.input : opts.input,
          getRawInput: nextOptions?.getRawInput ?? opts.getRawInput,
        }),
    });
  } catch (cause) {
    return { ok: false, error: getTRPCErrorFromUnknown(cause) };
  }
}

/**
 * Calls a procedure by its dotted path (the REST adapter's entry): its middlewares (errors,
 * authorization, input and output validation) and resolver run as for any other caller, without
 * building createCaller's proxy chain on every request.
 */
export async function callProcedure<P extends ProcedurePath>(
  path: P,
  ctx: Context,
  input: unknown,
): Promise<ProcedureOutput<P>> {
  const procedure = procedureAt(path);
  const def = procedure._def as unknown as { middlewares: Middleware[]; meta?: Meta; type: string };
  const result = await runMiddlewares(def.middlewares, def.meta, 0, {
    path,
    type: def.type,
    ctx,
    input: undefined,
    getRawInput: async () => input,
    signal: undefined,
    batchIndex: 0,
  });
  // A middleware that returned nothing (forgot `return next()`): tRPC's own call throws too.
  if (!result) throw new Error(`${path}: no result from middlewares`);
  if (!result.ok) throw result.error;
  return result.data as ProcedureOutput<P>;
}
