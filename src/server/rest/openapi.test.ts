import { describe, expect, it } from "vitest";
import { actionSchema } from "@/server/remediation/schemas";
import { procedureOutputSchema } from "@/server/root";
import { jsonSchemaOf, openApiDocument } from "./openapi";
import { REST_ROUTES } from "./routes";

interface Operation {
  operationId: string;
  parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: unknown;
  responses: Record<
    string,
    {
      description: string;
      headers?: Record<string, { schema: Record<string, unknown> }>;
      content?: Record<string, { schema: Record<string, unknown> }>;
    }
  >;
}

const doc = openApiDocument() as unknown as {
  openapi: string;
  components: { schemas: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
};

function op(method: string, path: string): Operation {
  const found = doc.paths[path.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()];
  if (!found) throw new Error(`${method} ${path} is not documented`);
  return found;
}

const errorStatuses = (o: Operation) =>
  Object.keys(o.responses)
    .filter((s) => /^[45]\d\d$/.test(s))
    .map(Number);

describe("OpenAPI document", () => {
  it("lists every REST route with its permission, parameters and responses", () => {
    expect(doc.openapi).toBe("3.1.0");
    for (const route of REST_ROUTES) {
      const o = op(route.method, route.path);
      expect(o.operationId).toBe(route.procedure);
      expect(Object.keys(o.responses)).toContain("default");
      for (const name of route.path.matchAll(/:(\w+)/g)) {
        expect(o.parameters.map((p) => p.name)).toContain(name[1]);
      }
    }
  });

  it("documents query parameters from the procedure's zod input", () => {
    const names = op("GET", "/incidents").parameters.map((p) => `${p.in}:${p.name}`);
    expect(names).toEqual(expect.arrayContaining(["query:status", "query:environment", "query:limit"]));
  });

  it("takes each success body from the procedure's own `.output()` schema", () => {
    for (const route of REST_ROUTES) {
      if (route.csv || route.ndjson || route.response) continue;
      const o = op(route.method, route.path);
      const schema = o.responses[route.successStatus ?? 200]?.content?.["application/json"]?.schema;
      expect(schema, `${route.method} ${route.path}`).toEqual(
        jsonSchemaOf(procedureOutputSchema(route.procedure), "output"),
      );
    }
    const single = op("GET", "/remediation/:id").responses[200]?.content?.["application/json"]?.schema as {
      properties: Record<string, { type?: string; format?: string }>;
    };
    expect(single.properties.events).toBeDefined();
    expect(single.properties.createdAt).toEqual({ type: "string", format: "date-time" });
    // Reshaped by `respond`: the row itself, not the procedure's `{ action, replayed }`.
    expect(op("POST", "/remediation/request").responses[201]?.content?.["application/json"]?.schema).toEqual(
      jsonSchemaOf(actionSchema, "output"),
    );
  });

  it("documents every error status an operation can answer", () => {
    const expected: [method: string, path: string, statuses: number[]][] = [
      ["GET", "/remediation/policy", [401, 403]],
      ["GET", "/remediation/reporting/settings", [401, 403]],
      ["GET", "/remediation/stats", [400, 401, 403]],
      ["GET", "/remediation/:id", [401, 403, 404]],
      ["GET", "/incidents/:id", [401, 403, 404]],
      ["GET", "/remediation/history/:incidentId", [401, 403]],
      ["PUT", "/remediation/policy", [400, 401, 403, 409, 413]],
      ["POST", "/incidents", [400, 401, 403, 413]],
      ["POST", "/remediation/:id/approve", [400, 401, 403, 404, 409, 413]],
      ["POST", "/remediation/request", [400, 401, 403, 404, 409, 413, 422]],
      ["POST", "/remediation/reporting/runs/:runId/retry", [400, 401, 403, 404, 409, 413]],
      ["DELETE", "/remediation/tokens/:id", [401, 403, 404]],
    ];
    for (const [method, path, statuses] of expected) {
      expect(errorStatuses(op(method, path)), `${method} ${path}`).toEqual(statuses);
    }
    for (const route of REST_ROUTES) {
      const o = op(route.method, route.path);
      const statuses = errorStatuses(o);
      expect(statuses, `${route.method} ${route.path}`).toEqual(expect.arrayContaining([401, 403]));
      // A body (POST, PUT) can be malformed or too large; GET and DELETE take none.
      if (route.method === "POST" || route.method === "PUT")
        expect(statuses).toEqual(expect.arrayContaining([400, 413]));
      for (const status of statuses) {
        expect(o.responses[status]?.content?.["application/json"]?.schema).toEqual({
          $ref: "#/components/schemas/Error",
        });
      }
    }
    expect(op("PUT", "/remediation/policy").responses[403]?.description).toContain("policy:update");
    expect(doc.components.schemas.Error).toMatchObject({ required: ["statusCode", "error", "message"] });
  });

  it("documents the Idempotency-Key request header and the Idempotent-Replayed response header", () => {
    const request = op("POST", "/remediation/request");
    expect(request.parameters.find((p) => p.in === "header")).toMatchObject({
      name: "Idempotency-Key",
      required: false,
      schema: { type: "string", minLength: 1, maxLength: 255 },
    });
    expect(request.responses[201]?.headers?.["Idempotent-Replayed"]?.schema).toEqual({
      type: "string",
      enum: ["true"],
    });
    const others = REST_ROUTES.filter((r) => r.procedure !== "remediation.request");
    for (const route of others) {
      expect(op(route.method, route.path).parameters.some((p) => p.in === "header")).toBe(false);
    }
  });
});
