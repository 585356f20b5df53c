import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { z } from "zod";
import type { Permission } from "@/lib/permissions";
import { hasPermission } from "@/lib/permissions";
import type { GlobalPolicy } from "@/lib/policy-schema";
import type { Principal } from "@/server/auth/principal-types";
import { type Db, db } from "@/server/db/client";
import { type OrgScope, orgScope } from "@/server/db/scoped";
import type { EmailSettings } from "@/server/email";
import { AppError, asAppError, ERROR_TABLE, errorBody, toTRPCError } from "@/server/errors";
import { logger } from "@/server/logger";

/**
 * Settings a caller supplies instead of the environment's (the test kit's `callerFor` and `rest`
 * pass their own); each one unset is read from env() by the use case that needs it.
 */
export interface SettingsOverrides {
  /** REMEDIATION_BLOCKED_ENVIRONMENTS / REMEDIATION_DENIED_ACTION_TYPES. */
  guardrails?: GlobalPolicy | undefined;
  /** RESEND_*, SMTP_*, REPORT_FROM_EMAIL. */
  emailSettings?: EmailSettings | undefined;
}

export interface Context extends SettingsOverrides {
  principal: Principal | null;
  headers: Headers;
}

/** Procedure metadata read by the REST adapter (403 before the body is read) and OpenAPI. */
export interface Meta {
  permission?: Permission;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    // The browser sees the same body as REST clients (docs/behaviour.md#errors), never a stack trace.
    errorFormatter({ shape, error }) {
      const body = errorBody(asAppError(error));
      return { ...shape, message: body.message, data: { ...shape.data, stack: undefined, app: body } };
    },
  });

/** Every use case throws AppError; turn it (and zod input errors) into the matching tRPC code. */
const normaliseErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const app = asAppError(result.error);
    if (app.code === "INTERNAL") logger().error({ err: result.error.cause ?? result.error, path }, "procedure failed");
    throw app.code === "INTERNAL" && !(result.error.cause instanceof AppError)
      ? new TRPCError({ code: ERROR_TABLE.INTERNAL.trpc, message: "Internal server error", cause: result.error })
      : toTRPCError(app);
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
const publicProcedure = t.procedure.use(normaliseErrors);

export interface AuthedContext extends Context {
  principal: Principal;
  organizationId: string;
  scope: OrgScope;
  db: Db;
}

/**
 * The one authorization rule (docs/behaviour.md#authentication), for procedures and the REST adapter alike: no
 * principal → 401, a principal without `permission` → 403 naming it. Returns the principal.
 */
export function authorize(principal: Principal | null, permission: Permission): Principal {
  if (!principal) throw new AppError("UNAUTHORIZED", "Authentication required");
  if (!hasPermission(principal.permissions, permission)) {
    throw new AppError("FORBIDDEN", `Missing permission: ${permission}`);
  }
  return principal;
}

/*
 * One check per call. A tRPC call (browser, createCaller) is authorized by the `requires`
 * middleware below. A REST call must answer 403 before its body is read, which is before the
 * procedure runs, so the adapter authorizes first through `authorizedContext` and the middleware
 * trusts that context instead of asking again. The mark is a symbol private to this module and
 * holds the permission that was checked: nothing else can forge it, and a context authorized for
 * one permission is checked as usual by a procedure that requires another.
 */
const AUTHORIZED = Symbol("authorized");
type MarkedContext = Context & { [AUTHORIZED]?: Permission };

/** A context already authorized for `permission` (throws 401/403 like the middleware would). */
export function authorizedContext(
  principal: Principal | null,
  permission: Permission,
  headers: Headers,
  settings: SettingsOverrides = {},
): Context {
  const context: MarkedContext = {
    ...settings,
    principal: authorize(principal, permission),
    headers,
    [AUTHORIZED]: permission,
  };
  return context;
}

/** A procedure that needs a signed-in caller holding `permission` (docs/behaviour.md#authentication). */
export function requires(permission: Permission) {
  return publicProcedure.meta({ permission }).use(({ ctx, next }) => {
    const principal =
      (ctx as MarkedContext)[AUTHORIZED] === permission ? ctx.principal! : authorize(ctx.principal, permission);
    return next({
      ctx: {
        principal,
        organizationId: principal.organizationId,
        scope: orgScope(principal.organizationId),
        db: db(),
      } satisfies Omit<AuthedContext, "headers">,
    });
  });
}

const CHECKED_BY_TESTS = Symbol("output checked by tests");

/**
 * The output schema of a hot read, checked by tests instead of on every response
 * (docs/adr/0014-hot-read-output-checked-by-tests.md): its use case builds exactly the schema's
 * shape (its keys, in its order), which `hot-read-output.test.ts` proves on seeded data, so
 * parsing each answer again only cost CPU. tRPC types the procedure's output from it; OpenAPI and
 * the tests read the schema through `procedureOutputSchema`.
 */
export function outputCheckedByTests<S extends z.ZodType>(schema: S) {
  return Object.assign((value: unknown) => value as z.output<S>, { [CHECKED_BY_TESTS]: schema });
}

/** The zod schema of a procedure's `.output(...)`, whether checked per response or by tests. */
export function outputSchemaOf(output: unknown): unknown {
  return (output as { [CHECKED_BY_TESTS]?: unknown } | undefined)?.[CHECKED_BY_TESTS] ?? output;
}
