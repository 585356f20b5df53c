import { incidentRoutes } from "@/server/incidents/rest";
import { policyRoutes } from "@/server/policy/rest";
import { remediationRoutes } from "@/server/remediation/rest";
import { reportingRoutes } from "@/server/reporting/rest";
import type { RestRoute } from "./types";

// The one REST route table: (method, path) → procedure. Each feature keeps its rows beside its
// use cases (a `rest.ts` in the feature folder); adding a feature's routes is one line here.
export const REST_ROUTES: RestRoute[] = [...incidentRoutes, ...remediationRoutes, ...policyRoutes, ...reportingRoutes];
