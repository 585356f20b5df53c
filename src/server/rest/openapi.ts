import { z } from "zod";
import type { Permission } from "@/lib/permissions";
import { ERROR_TABLE } from "@/server/errors";
import { procedureInputSchema, procedureMeta, procedureOutputSchema } from "@/server/root";
import { MAX_BODY_BYTES } from "./body";
import { REST_ROUTES } from "./routes";
import type { RestRoute } from "./types";

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

/** zod → JSON Schema as the API sends it: dates travel as ISO 8601 strings. */
export function jsonSchemaOf(schema: unknown, io: "input" | "output"): JsonSchema {
  return z.toJSONSchema(schema as z.ZodType, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
    override: (ctx) => {
      if ((ctx.zodSchema as { _zod?: { def?: { type?: string } } })._zod?.def?.type === "date") {
        ctx.jsonSchema.type = "string";
        ctx.jsonSchema.format = "date-time";
      }
    },
  }) as JsonSchema;
}

/** The procedure input as an object schema (optional-wrapped inputs unwrapped). */
function inputObject(route: RestRoute): JsonSchema {
  const input = procedureInputSchema(route.procedure);
  if (!input) return { type: "object", properties: {} };
  const json = jsonSchemaOf(input, "input");
  const variant = (json.anyOf as JsonSchema[] | undefined)?.find((s) => s.type === "object");
  return variant ?? json;
}

const errorSchema: JsonSchema = {
  type: "object",
  required: ["statusCode", "error", "message"],
  properties: {
    statusCode: { type: "integer" },
    error: { type: "string" },
    message: { type: "string" },
    issues: {
      type: "array",
      items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } },
    },
    violations: { type: "array", items: { type: "string" } },
  },
};

const ERROR_CONTENT = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422;

/** What each status means when a route does not say more (docs/behaviour.md#errors). */
const ERROR_MEANING: Record<ErrorStatus, string> = {
  400: "Validation failed (`issues` names each field) or malformed JSON",
  401: "Missing, malformed or expired bearer token",
  403: "The token lacks the permission",
  404: "Unknown id, malformed id, or an id of another organization",
  409: "Conflict with the current state",
  413: `Request body over ${MAX_BODY_BYTES} bytes`,
  422: "Refused by policy (`violations` names the rules)",
};

interface RouteFacts {
  permission: Permission | undefined;
  hasBody: boolean;
  pathParams: string[];
  queryParams: number;
}

/**
 * The error statuses an operation can answer, from what the route looks like (check order
 * §12: 401 → 403 → 413 → 400 → 404 → 409/422) plus the route's own `errors` for what only its
 * use case knows (an unknown incident in a body, an idempotency conflict, a policy denial).
 */
function errorStatuses(route: RestRoute, facts: RouteFacts): Map<ErrorStatus, string> {
  const statuses = new Map<ErrorStatus, string>();
  statuses.set(401, ERROR_MEANING[401]);
  if (facts.permission) statuses.set(403, `The token lacks permission \`${facts.permission}\``);
  if (facts.hasBody) statuses.set(413, ERROR_MEANING[413]);
  const validated = facts.hasBody || facts.queryParams > 0 || (route.headers?.request?.length ?? 0) > 0;
  if (validated) statuses.set(400, ERROR_MEANING[400]);
  if (facts.pathParams.length > 0) statuses.set(404, ERROR_MEANING[404]);
  for (const [key, value] of Object.entries(route.errors ?? {})) {
    const status = Number(key) as ErrorStatus;
    if (value === false) statuses.delete(status);
    else statuses.set(status, typeof value === "string" ? value : ERROR_MEANING[status]);
  }
  return new Map([...statuses].sort(([a], [b]) => a - b));
}

function operation(route: RestRoute) {
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
  const input = inputObject(route);
  const properties = { ...(input.properties ?? {}) };
  for (const p of pathParams) delete properties[p];
  const required = (input.required ?? []).filter((r) => !pathParams.includes(r));
  const hasBody = route.method === "POST" || route.method === "PUT";
  const queryParams = hasBody
    ? []
    : Object.entries(properties).map(([name, schema]) => ({
        name,
        in: "query",
        required: required.includes(name),
        schema,
      }));
  const headerParams = (route.headers?.request ?? []).map((h) => ({
    name: h.name,
    in: "header",
    required: false,
    description: h.description,
    schema: h.schema,
  }));
  const parameters = [
    ...pathParams.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
    ...queryParams,
    ...headerParams,
  ];
  const body = route.body ? jsonSchemaOf(route.body, "input") : { ...input, properties, required };
  const success = route.successStatus ?? 200;
  // The success body is the procedure's own `.output()` schema unless `respond` reshapes it.
  const content = route.csv
    ? { "text/csv": { schema: { type: "string", description: route.csv.columns.join(",") } } }
    : route.ndjson
      ? { "application/x-ndjson": { schema: { type: "string", description: route.ndjson.description } } }
      : {
          "application/json": {
            schema: jsonSchemaOf(route.response ?? procedureOutputSchema(route.procedure), "output"),
          },
        };
  const responseHeaders = route.headers?.response?.length
    ? Object.fromEntries(route.headers.response.map((h) => [h.name, { description: h.description, schema: h.schema }]))
    : undefined;
  const permission = procedureMeta(route.procedure).permission;
  const errors = errorStatuses(route, { permission, hasBody, pathParams, queryParams: queryParams.length });
  return {
    summary: route.summary,
    description: permission ? `Requires permission \`${permission}\`.` : undefined,
    operationId: route.procedure,
    parameters,
    ...(hasBody ? { requestBody: { required: false, content: { "application/json": { schema: body } } } } : {}),
    responses: {
      [success]: { description: "Success", ...(responseHeaders ? { headers: responseHeaders } : {}), content },
      ...Object.fromEntries(
        [...errors].map(([status, description]) => [status, { description, content: ERROR_CONTENT }]),
      ),
      default: {
        description: `Unexpected error (${ERROR_TABLE.INTERNAL.http}, generic message)`,
        content: ERROR_CONTENT,
      },
    },
  };
}

/** OpenAPI 3.1 generated from the route table and the procedures' zod schemas. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of REST_ROUTES) {
    const path = route.path.replace(/:(\w+)/g, "{$1}");
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: { title: "Remediation Control Center API", version: "1.0.0" },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT (HS256)" } },
      schemas: { Error: errorSchema },
    },
    paths: {
      "/health": {
        get: {
          summary: "Liveness and database check",
          security: [],
          responses: { 200: { description: "ok" }, 503: { description: "database unreachable" } },
        },
      },
      ...paths,
    },
  };
}
