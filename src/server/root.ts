import { type AnyProcedure, getTRPCErrorFromUnknown, type inferProcedureOutput, TRPCError } from "@trpc/server";
import { z } from "zod";
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

/** What a procedure's input parsing and resolver (the chain's last step) get. */
type StepOptions = Omit<Parameters<Middleware>[0], "next">;

/** The raw input is not known synchronously (a middleware replaced `getRawInput`). */
const UNKNOWN_RAW = Symbol("raw input from getRawInput");

/**
 * A procedure's chain as the REST adapter runs it, built once per procedure (`chainOf`): its
 * middlewares, and when possible one `final` step in place of tRPC's last two (input, resolver).
 */
interface Chain {
  middlewares: readonly Middleware[];
  final: ((opts: StepOptions, rawInput: unknown) => Promise<MiddlewareResult>) | undefined;
  meta: Meta | undefined;
  type: string;
}

/**
 * Runs the chain from `index` as tRPC's own procedure call does (`callRecursive`: each `next`
 * merges the context it is given into the current one; a throw becomes a failed result). The
 * options are written out field by field: tRPC's transpiled spread helper was ~12% of the CPU of
 * a small REST read (bench P2, `/remediation/stats`), and native spreads of the same objects
 * still showed in its profile (docs/architecture.md#rest-fast-path).
 */
async function runMiddlewares(
  chain: Chain,
  index: number,
  opts: CallOptions,
  rawInput: unknown,
): Promise<MiddlewareResult> {
  const { middlewares, meta, final } = chain;
  const { path, type, ctx, input, getRawInput } = opts;
  try {
    if (final && index === middlewares.length) {
      return await final({ path, type, ctx, input, getRawInput, signal: undefined, batchIndex: 0, meta }, rawInput);
    }
    return await middlewares[index]!({
      path,
      type,
      ctx,
      input,
      getRawInput,
      signal: undefined,
      batchIndex: 0,
      meta,
      next(nextOptions?: NextOptions) {
        const replacedRaw = nextOptions?.getRawInput;
        return runMiddlewares(
          chain,
          index + 1,
          {
            path,
            type,
            ctx: nextOptions?.ctx ? { ...ctx, ...nextOptions.ctx } : ctx,
            input: nextOptions && "input" in nextOptions ? nextOptions.input : input,
            getRawInput: replacedRaw ?? getRawInput,
            signal: undefined,
            batchIndex: 0,
          },
          replacedRaw ? UNKNOWN_RAW : rawInput,
        );
      },
    });
  } catch (cause) {
    return { ok: false, error: getTRPCErrorFromUnknown(cause) };
  }
}

const isObject = (value: unknown): value is object => !!value && !Array.isArray(value) && typeof value === "object";

/**
 * tRPC's input middleware and resolver middleware as one step, with zod's synchronous parse:
 * tRPC calls `parseAsync`, whose promises (and zod's async bookkeeping), and the two middleware
 * levels with their own promises, were ~10% of a stats request's CPU. Every input schema of the
 * app is synchronous, so both parse to the same value or throw the same ZodError (a 400, as
 * tRPC's BAD_REQUEST wrap); a schema that turns out to be asynchronous (zod throws
 * `$ZodAsyncError` before any issue) is parsed with `parseAsync` as tRPC would. The input is
 * combined with the one earlier middlewares passed, and the resolver called, as tRPC does.
 */
function parseAndResolve(schema: z.ZodType, resolver: (opts: StepOptions) => unknown): NonNullable<Chain["final"]> {
  const resolved = async (opts: StepOptions, parsed: unknown): Promise<MiddlewareResult> => {
    const { path, type, ctx, getRawInput, meta } = opts;
    const input = isObject(opts.input) && isObject(parsed) ? { ...opts.input, ...parsed } : parsed;
    const data = await resolver({ path, type, ctx, input, getRawInput, signal: undefined, batchIndex: 0, meta });
    return { marker: "middlewareMarker", ok: true, data, ctx } as MiddlewareResult;
  };
  return async function parseAndResolveStep(opts, rawInput) {
    const raw = rawInput === UNKNOWN_RAW ? await opts.getRawInput() : rawInput;
    let parsed: unknown;
    try {
      parsed = schema.parse(raw);
    } catch (cause) {
      if (!(cause instanceof z.core.$ZodAsyncError)) throw new TRPCError({ code: "BAD_REQUEST", cause });
      try {
        parsed = await schema.parseAsync(raw);
      } catch (asyncCause) {
        throw new TRPCError({ code: "BAD_REQUEST", cause: asyncCause });
      }
    }
    return resolved(opts, parsed);
  };
}

interface ProcedureDef {
  middlewares: (Middleware & { _type?: string })[];
  meta?: Meta;
  type: string;
  inputs: unknown[];
  output?: unknown;
  resolver?: (opts: StepOptions) => unknown;
}

/**
 * The REST adapter's chain for a procedure: the same middlewares in the same order, except that
 * an output checked by tests (docs/adr/0014-hot-read-output-checked-by-tests.md) skips tRPC's
 * output middleware, whose parse is the identity there (it only copied the result), and a
 * single zod input followed by the resolver becomes one `parseAndResolve` step.
 */
function compileChain(def: ProcedureDef): Chain {
  const outputIdentity = outputSchemaOf(def.output) !== def.output;
  const middlewares = def.middlewares.filter((m) => !(m._type === "output" && outputIdentity));
  const [onlyInput] = def.inputs;
  const input = middlewares.at(-2);
  const fusable =
    def.inputs.length === 1 &&
    onlyInput instanceof z.ZodType &&
    def.resolver !== undefined &&
    input?._type === "input" &&
    middlewares.at(-1)?.name === "resolveMiddleware";
  return fusable
    ? {
        middlewares: middlewares.slice(0, -2),
        final: parseAndResolve(onlyInput, def.resolver!),
        meta: def.meta,
        type: def.type,
      }
    : { middlewares, final: undefined, meta: def.meta, type: def.type };
}

const chains = new Map<string, Chain>();

function chainOf(path: string): Chain {
  let chain = chains.get(path);
  if (!chain) {
    chain = compileChain(procedureAt(path)._def as unknown as ProcedureDef);
    chains.set(path, chain);
  }
  return chain;
}

/**
 * How the REST adapter runs a procedure (tests): `fused` when its input parse and resolver run
 * as one step, `outputSkipped` when the identity output middleware is left out. A tRPC upgrade
 * that changes the chain's shape makes these false, and the test says so instead of the REST
 * path silently slowing down (docs/adr/0016-rest-procedure-chain-compiled-once.md).
 */
export function restChainShape(path: ProcedurePath): { fused: boolean; outputSkipped: boolean } {
  const chain = chainOf(path);
  const all = (procedureAt(path)._def as unknown as ProcedureDef).middlewares.length;
  return { fused: chain.final !== undefined, outputSkipped: chain.middlewares.length + (chain.final ? 2 : 0) < all };
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
  const chain = chainOf(path);
  const result = await runMiddlewares(
    chain,
    0,
    {
      path,
      type: chain.type,
      ctx,
      input: undefined,
      // bind, not an arrow: under tsx (keepNames) every arrow made per request is also renamed.
      getRawInput: Promise.resolve.bind(Promise, input) as () => Promise<unknown>,
      signal: undefined,
      batchIndex: 0,
    },
    input,
  );
  // A middleware that returned nothing (forgot `return next()`): tRPC's own call throws too.
  if (!result) throw new Error(`${path}: no result from middlewares`);
  if (!result.ok) throw result.error;
  return result.data as ProcedureOutput<P>;
}
