import type { RestRoute } from "../types";
import { auditRoutes } from "./audit";
import { incidentRoutes } from "./incidents";
import { overrideReviewRoutes } from "./override-reviews";
import { policyRoutes } from "./policy";
import { remediationRoutes } from "./remediation";
import { reportingRoutes } from "./reporting";
import { tokenRoutes } from "./tokens";

// The one REST route table: (method, path) → procedure. The adapter owns the HTTP mapping, one
// file per domain here; domains never import src/server/rest (no rest ↔ domain import cycle).
export const REST_ROUTES: readonly RestRoute[] = [
  ...incidentRoutes,
  ...remediationRoutes,
  ...policyRoutes,
  ...reportingRoutes,
  ...auditRoutes,
  ...overrideReviewRoutes,
  ...tokenRoutes,
];
