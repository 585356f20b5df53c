import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { Permission } from "@/lib/permissions";
import { hasPermission } from "@/lib/permissions";
import type { Principal } from "@/server/auth/principal-types";
import { type Db, db } from "@/server/db/client";
import { type OrgScope, orgScope } from "@/server/db/scoped";
import { AppError, asAppError, ERROR_TABLE, errorBody, toTRPCError } from "@/server/errors";
import { logger } from "@/server/logger";

export interface Context {
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
    // The browser sees the same body as REST clients (contract §4), never a stack trace.
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
export const publicProcedure = t.procedure.use(normaliseErrors);

export interface AuthedContext extends Context {
  principal: Principal;
  organizationId: string;
  scope: OrgScope;
  db: Db;
}

/** A procedure that needs a signed-in caller holding `permission` (contract §3). */
export function requires(permission: Permission) {
  return publicProcedure.meta({ permission }).use(({ ctx, next }) => {
    const principal = ctx.principal;
    if (!principal) throw toTRPCError(new AppError("UNAUTHORIZED", "Authentication required"));
    if (!hasPermission(principal.permissions, permission)) {
      throw toTRPCError(new AppError("FORBIDDEN", `Missing permission: ${permission}`));
    }
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
