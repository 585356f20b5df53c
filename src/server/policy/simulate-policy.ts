import type { z } from "zod";
import {
  DEFAULT_POLICY,
  type GlobalPolicy,
  mergePolicyUpdate,
  type Policy,
  policyIssues,
  policySchema,
  type simulatePolicyInput,
} from "@/lib/policy-schema";
import type { Severity } from "@/lib/schemas";
import type { Db, Tx } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { forEachReplayRow, type ReplayRow } from "@/server/db/stores/actions";
import { findPolicyVersions } from "@/server/db/stores/policies";
import { AppError } from "@/server/errors";
import { evaluatePolicy, type PolicyOutcome, type PolicyRequest, policyOutcome } from "./evaluate-policy";
import { globalPolicy } from "./global-policy";
import { loadPolicy } from "./load-policy";

// Rows per FETCH: round trips against the rows a new version can hold back (bench P8).
const BATCH = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;

type Counts = Record<PolicyOutcome, number>;
const zero = (): Counts => ({ QUEUED: 0, PENDING_APPROVAL: 0, BLOCKED: 0 });
const OUTCOMES: PolicyOutcome[] = ["QUEUED", "PENDING_APPROVAL", "BLOCKED"];
/** `"<before>-><after>"` built once per pair, not once per changed request. */
const TRANSITION = Object.fromEntries(
  OUTCOMES.map((b) => [b, Object.fromEntries(OUTCOMES.map((a) => [a, `${b}->${a}`]))]),
) as Record<PolicyOutcome, Record<PolicyOutcome, string>>;

export interface SimulationSample {
  actionId: string;
  /** Where the UI shows the action (its incident's view). */
  incidentId: string;
  createdAt: Date;
  actionType: string;
  environment: string;
  severity: Severity;
  before: PolicyOutcome;
  after: PolicyOutcome;
  /** Why the draft decides as it does (its reasons for this request). */
  reasons: string[];
}

export interface SimulationResult {
  basedOnVersion: number;
  from: Date;
  to: Date;
  evaluated: number;
  changed: number;
  before: Counts;
  after: Counts;
  transitions: Record<string, number>;
  samples: SimulationSample[];
}

/**
 * POST /remediation/policy/simulate (docs/behaviour.md#policy-simulate): replays every request
 * created in the last `days` days against the version that judged it (`before`) and against the
 * draft merged onto the current policy (`after`), with the one evaluation the request path uses
 * (evaluatePolicy; its outcome through policyOutcome, which a property test holds equal) and each
 * request's own createdAt as the clock (freeze windows judged then). Stores nothing. Requests come
 * newest first from one cursor in batches of narrow array rows, the versions they name are loaded
 * once, and judging a request allocates nothing (counters are small integers, transition keys
 * built once; only samples get objects and reasons): memory stays flat whatever the window holds.
 * The global lists are today's (they are configuration, not versioned).
 */
export async function simulatePolicy(
  { db, scope, guardrails }: { db: Db; scope: OrgScope; guardrails?: GlobalPolicy | undefined },
  input: z.output<typeof simulatePolicyInput>,
  now: Date = new Date(),
): Promise<SimulationResult> {
  const organizationId = scope.organizationId;
  const current = await loadPolicy(db, scope);
  const basedOnVersion = current.version;
  const draft = mergePolicyUpdate(current, input.policy);
  const issues = policyIssues(draft);
  if (issues.length > 0) {
    throw new AppError("BAD_REQUEST", "Validation failed", {
      issues: issues.map((i) => ({ ...i, path: `policy.${i.path}` })),
    });
  }
  const global = guardrails ?? globalPolicy();
  const versions = new Map<number, Policy>([[0, DEFAULT_POLICY]]);
  // A row naming a version not loaded yet waits, with every row after it in its batch (samples
  // stay newest first), until the batch is in and the version loaded: at most one batch is held,
  // and only when a version first appears.
  const held: ReplayRow[] = [];
  const missing = new Set<number>();
  const loadHeld = async (tx: Tx) => {
    if (held.length === 0) return;
    for (const row of await findPolicyVersions(tx, organizationId, [...missing])) {
      versions.set(row.version, policySchema.parse(row.policy));
    }
    // A version that is not stored (cannot happen through the API) is judged as the default.
    for (const v of missing) if (!versions.has(v)) versions.set(v, DEFAULT_POLICY);
    for (const row of held) judge(row);
    held.length = 0;
    missing.clear();
  };

  const result: SimulationResult = {
    basedOnVersion,
    from: new Date(now.getTime() - input.days * DAY_MS),
    to: now,
    evaluated: 0,
    changed: 0,
    before: zero(),
    after: zero(),
    transitions: {},
    samples: [],
  };
  // One request object refilled per row: the judging loop allocates nothing per request; only a
  // sample (at most sampleLimit) gets the full evaluation with its reasons.
  const request: PolicyRequest = { actionType: "", environment: "", severity: "LOW" };
  const judge = (row: ReplayRow) => {
    const at = row[0];
    request.actionType = row[1];
    request.environment = row[2];
    request.severity = row[3];
    const was = policyOutcome(request, versions.get(row[4] ?? 0)!, global, at);
    const is = policyOutcome(request, draft, global, at);
    result.evaluated += 1;
    result.before[was] += 1;
    result.after[is] += 1;
    if (was === is) return;
    result.changed += 1;
    const key = TRANSITION[was][is];
    result.transitions[key] = (result.transitions[key] ?? 0) + 1;
    if (result.samples.length < input.sampleLimit) {
      const createdAt = new Date(at);
      const { actionType, environment, severity } = request;
      result.samples.push({
        actionId: row[5],
        incidentId: row[6],
        createdAt,
        actionType,
        environment,
        severity,
        before: was,
        after: is,
        reasons: evaluatePolicy({ actionType, environment, severity }, draft, global, createdAt).reasons,
      });
    }
  };
  await forEachReplayRow(
    db,
    organizationId,
    { from: result.from, to: result.to, batch: BATCH },
    {
      onRow: (row) => {
        const version = row[4] ?? 0;
        if (!versions.has(version)) missing.add(version);
        if (held.length > 0 || missing.has(version)) held.push(row);
        else judge(row);
      },
      onBatchEnd: loadHeld,
    },
  );
  return result;
}
