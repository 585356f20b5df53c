import { describe, expect, it } from "vitest";
import type { Permission } from "@/lib/permissions";
import { csvResultSchema } from "@/server/csv";
import { hasProcedure, procedureMeta, procedureOutputSchema } from "@/server/root";
import { matchRoute } from "./match";
import { REST_ROUTES } from "./routes";
import type { RestRoute } from "./types";

/** The README's API table: every REST operation and the permission it needs (docs/behaviour.md#permissions). */
const PERMISSIONS: Record<string, Permission> = {
  "POST /incidents": "incident:write",
  "GET /incidents": "remediation:view",
  "GET /incidents/:id": "remediation:view",
  "POST /remediation/request": "remediation:request",
  "POST /remediation/:id/approve": "remediation:approve",
  "POST /remediation/:id/reject": "remediation:reject",
  "GET /remediation/actions": "remediation:view",
  "GET /remediation/history/:incidentId": "remediation:view",
  "GET /remediation/:id": "remediation:view",
  "GET /remediation/stats": "remediation:view",
  "GET /remediation/priority-signal": "remediation:view",
  "GET /remediation/approval-metrics": "remediation:view",
  "GET /remediation/export/csv": "remediation:view",
  "GET /remediation/policy": "remediation:view",
  "PUT /remediation/policy": "policy:update",
  "POST /remediation/policy/evaluate": "remediation:view",
  "GET /remediation/reporting/settings": "remediation:view",
  "PUT /remediation/reporting/settings": "policy:update",
  "GET /remediation/reporting/runs": "remediation:view",
  "GET /remediation/reporting/runs/export/csv": "remediation:view",
  "POST /remediation/reporting/runs": "policy:update",
  "POST /remediation/reporting/runs/:runId/retry": "policy:update",
  "POST /remediation/reporting/enforce-retention": "policy:update",
  "GET /remediation/audit/checkpoint": "remediation:view",
  "GET /remediation/policy/versions": "remediation:view",
  "POST /remediation/policy/simulate": "remediation:view",
  "GET /remediation/audit/export": "remediation:view",
  "POST /remediation/:id/override-review": "remediation:approve",
  "GET /remediation/override-reviews": "remediation:view",
  "GET /remediation/tokens": "policy:update",
  "POST /remediation/tokens": "policy:update",
  "DELETE /remediation/tokens/:id": "policy:update",
};

const key = (route: RestRoute) => `${route.method} ${route.path}`;

describe("REST route table", () => {
  it("has exactly the documented operations, each once", () => {
    expect(REST_ROUTES.map(key).sort()).toEqual(Object.keys(PERMISSIONS).sort());
  });

  it.each(REST_ROUTES.map((r) => [key(r), r] as const))(
    "%s: its procedure exists and needs the documented permission",
    (name, route) => {
      expect(hasProcedure(route.procedure), route.procedure).toBe(true);
      expect(procedureMeta(route.procedure).permission).toBe(PERMISSIONS[name]);
    },
  );

  it("resolves every path to its own row: literal paths are never shadowed by `:param` ones", () => {
    for (const route of REST_ROUTES) {
      const concrete = route.path.replace(/:\w+/g, "00000000-0000-4000-8000-000000000000");
      const match = matchRoute(route.method, concrete);
      expect(match?.route, key(route)).toBe(route);
      expect(match?.permission).toBe(PERMISSIONS[key(route)]);
    }
    expect(matchRoute("DELETE", "/incidents")).toBeUndefined();
    expect(matchRoute("GET", "/remediation/a/b/c")).toBeUndefined();
  });

  it("CSV rows stream a CSV procedure; the others answer its `.output()` body or reshape it with `respond`", () => {
    for (const route of REST_ROUTES) {
      const output = procedureOutputSchema(route.procedure);
      expect(output, `${key(route)} has an output schema`).toBeDefined();
      expect(output === csvResultSchema, key(route)).toBe(Boolean(route.csv));
      expect(route.response === undefined, key(route)).toBe(route.respond === undefined);
    }
  });

  it("refuses a misspelt procedure key and a `respond` that misreads the output, at compile time", () => {
    // `tsc` fails if any of these stops being an error.
    const rows: RestRoute[] = [
      {
        method: "POST",
        path: "/remediation/:id/approve",
        // @ts-expect-error a misspelt procedure key does not compile
        procedure: "remediation.aprove",
        summary: "typo",
      },
      {
        method: "POST",
        path: "/remediation/request",
        procedure: "remediation.request",
        summary: "respond is typed against the procedure's output",
        // @ts-expect-error `remediation.request` answers `{ action, replayed }`, not `incident`
        respond: (result) => ({ status: 201, body: result.incident }),
        response: csvResultSchema,
      },
    ];
    expect(rows).toHaveLength(2);
  });
});
