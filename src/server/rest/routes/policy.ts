import type { RestRoute } from "../types";

export const policyRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/remediation/policy",
    procedure: "policy.get",
    summary: "The organization's remediation policy (the default one when none is saved)",
  },
  {
    method: "PUT",
    path: "/remediation/policy",
    procedure: "policy.update",
    summary: "Update any subset of the policy fields; returns the full policy",
  },
  {
    method: "POST",
    path: "/remediation/policy/evaluate",
    procedure: "policy.evaluate",
    summary: "Evaluate a remediation request against the policy without storing anything",
  },
];
