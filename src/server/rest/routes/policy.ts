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
    summary:
      "Update any subset of the policy fields; returns the full policy as its new version. `expectedVersion` (the version you read) makes a concurrent change a 409",
    errors: {
      409: "`expectedVersion` is not the current version: Policy changed since version <n> was read (now <m>).",
    },
  },
  {
    method: "GET",
    path: "/remediation/policy/versions",
    procedure: "policy.versions",
    summary: "The stored policy versions (1 and up), newest first, each the full policy after its update",
  },
  {
    method: "POST",
    path: "/remediation/policy/simulate",
    procedure: "policy.simulate",
    summary:
      "Replay the requests of the last `days` days against the version that judged them and against a draft (merged onto the current policy): counts before/after, the transitions and samples of the requests whose outcome changes. Stores nothing",
  },
  {
    method: "POST",
    path: "/remediation/policy/evaluate",
    procedure: "policy.evaluate",
    summary: "Evaluate a remediation request against the policy without storing anything",
  },
];
