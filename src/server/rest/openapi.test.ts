import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";
import { REST_ROUTES } from "./routes";

describe("OpenAPI document", () => {
  it("lists every REST route with its permission, parameters and responses", () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe("3.1.0");
    for (const route of REST_ROUTES) {
      const path = route.path.replace(/:(\w+)/g, "{$1}");
      const op = (
        doc.paths as unknown as Record<string, Record<string, { responses: object; parameters: { name: string }[] }>>
      )[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(Object.keys(op?.responses ?? {})).toContain("default");
      for (const name of route.path.matchAll(/:(\w+)/g)) {
        expect(op?.parameters.map((p) => p.name)).toContain(name[1]);
      }
    }
  });

  it("documents query parameters from the procedure's zod input", () => {
    const doc = openApiDocument() as unknown as {
      paths: Record<string, { get?: { parameters: { name: string; in: string }[] } }>;
    };
    const names = doc.paths["/incidents"]?.get?.parameters.map((p) => `${p.in}:${p.name}`);
    expect(names).toEqual(expect.arrayContaining(["query:status", "query:environment", "query:limit"]));
  });
});
