import { z } from "zod";
import { procedureInputSchema, procedureMeta } from "@/server/root";
import { REST_ROUTES } from "./routes";
import type { RestRoute } from "./types";

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

function toJson(schema: unknown, io: "input" | "output"): JsonSchema {
  return z.toJSONSchema(schema as z.ZodType, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
    override: (ctx) => {
      // Dates travel as ISO 8601 strings.
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
  const json = toJson(input, "input");
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

function operation(route: RestRoute) {
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
  const input = inputObject(route);
  const properties = { ...(input.properties ?? {}) };
  for (const p of pathParams) delete properties[p];
  const required = (input.required ?? []).filter((r) => !pathParams.includes(r));
  const parameters = [
    ...pathParams.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
    ...(route.method === "GET"
      ? Object.entries(properties).map(([name, schema]) => ({
          name,
          in: "query",
          required: required.includes(name),
          schema,
        }))
      : []),
  ];
  const body = route.body ? toJson(route.body, "input") : { ...input, properties, required };
  const success = route.successStatus ?? 200;
  const content = route.csv
    ? { "text/csv": { schema: { type: "string", description: route.csv.columns.join(",") } } }
    : { "application/json": { schema: route.response ? toJson(route.response, "output") : {} } };
  const permission = procedureMeta(route.procedure).permission;
  return {
    summary: route.summary,
    description: permission ? `Requires permission \`${permission}\`.` : undefined,
    operationId: route.procedure,
    parameters,
    ...(route.method === "GET"
      ? {}
      : { requestBody: { required: false, content: { "application/json": { schema: body } } } }),
    responses: {
      [success]: { description: "Success", content },
      default: { description: "Error (contract §4)", content: { "application/json": { schema: errorSchema } } },
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
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT (HS256)" } } },
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
