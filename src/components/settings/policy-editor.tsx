"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import { useCan } from "@/components/shell/principal-context";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { QueryState } from "@/components/ui/states";
import { toast } from "@/components/ui/toast";
import { type RouterOutputs, trpc } from "@/lib/trpc";
import { PolicyFields } from "./policy-fields";
import {
  editedFields,
  formFieldOf,
  type PolicyFormValues,
  type PolicyUpdate,
  policyResolver,
  policyToForm,
  reapplyDraft,
} from "./policy-form";
import {
  PolicyImpact,
  type Simulation,
  type SimulationDays,
  simulationQuery,
  usePolicySimulation,
  useSettledDraft,
} from "./policy-impact";
import { PolicyNewerVersion } from "./policy-newer-version";
import { PolicyPublishDialog } from "./policy-publish-dialog";
import { PolicyVersions } from "./policy-versions";
import { messageOf, serverIssues } from "./server-issues";

type VersionedPolicy = RouterOutputs["policy"]["get"];
type PublishCheck = { input: PolicyUpdate; version: number } & ({ simulation: Simulation } | { error: string });

const isConflict = (error: unknown) => (error as { data?: { code?: string } } | null)?.data?.code === "CONFLICT";

/**
 * The organization policy (docs/behaviour.md#policy): approval rules, guardrails, freeze windows
 * and approval governance, with the draft's replay over recent requests before it is published
 * and the version history. A save is bound to the version the draft was made from
 * (`expectedVersion`), so another admin's newer version is never overwritten unseen.
 */
export function PolicyEditor() {
  const canEdit = useCan("policy:update");
  const policy = trpc.policy.get.useQuery();
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const update = trpc.policy.update.useMutation();
  const form = useForm<PolicyFormValues, unknown, PolicyUpdate>({ resolver: policyResolver });
  const { errors } = form.formState;
  // The version the inputs were loaded from: the save's expectedVersion.
  const [base, setBase] = useState<VersionedPolicy>();
  const [days, setDays] = useState<SimulationDays>(30);
  const [checking, setChecking] = useState(false);
  const [publishCheck, setPublishCheck] = useState<PublishCheck>();
  const [conflict, setConflict] = useState<string>();
  const draft = useSettledDraft(form, base?.version);
  const simulation = usePolicySimulation(draft.value, days, base?.version ?? 0);

  const load = useCallback(
    (next: VersionedPolicy) => {
      form.reset(policyToForm(next));
      setBase(next);
    },
    [form],
  );

  const saved = policy.data;
  useEffect(() => {
    if (!saved || saved.version === base?.version) return;
    // A newer version replaces the inputs only when no edit would be lost; else the notice offers it.
    if (base === undefined || editedFields(form.getValues(), policyToForm(base)).length === 0) load(saved);
  }, [saved, base, form, load]);
  const newer = saved && base && saved.version !== base.version ? saved : undefined;

  async function save(input: PolicyUpdate, expectedVersion: number) {
    try {
      const next = await update.mutateAsync({ ...input, expectedVersion });
      load(next);
      setConflict(undefined);
      setPublishCheck(undefined);
      utils.policy.get.setData(undefined, next);
      toast.success("Policy saved", { description: `Published as version ${next.version}.` });
      void utils.policy.versions.invalidate();
    } catch (error) {
      setPublishCheck(undefined);
      if (isConflict(error)) {
        setConflict(messageOf(error));
        await utils.policy.get.invalidate();
        return;
      }
      const issues = serverIssues(error);
      for (const issue of issues) form.setError(formFieldOf(issue.path) as "root", { message: issue.message });
      if (issues.length === 0) toast.error("Could not save the policy", { description: messageOf(error) });
    }
  }

  const submit = form.handleSubmit(async (input) => {
    if (!base) return;
    const version = base.version;
    let check: PublishCheck;
    setChecking(true);
    try {
      const simulation = await queryClient.fetchQuery(simulationQuery(utils, { draft: input, days, version }));
      check = { input, version, simulation };
    } catch (error) {
      check = { input, version, error: messageOf(error) };
    } finally {
      setChecking(false);
    }
    if ("simulation" in check && check.simulation.changed === 0) await save(input, version);
    else setPublishCheck(check);
  });

  const reapply = (to: VersionedPolicy) => {
    if (!base) return;
    const { values } = reapplyDraft(form.getValues(), policyToForm(base), policyToForm(to));
    form.reset(values);
    setBase(to);
    setConflict(undefined);
  };

  const changed = simulation.isPlaceholderData ? undefined : simulation.data?.changed;
  const busy = checking || update.isPending;

  return (
    <>
      <Card title="Remediation policy" headingId="policy-title">
        <QueryState query={policy} loadingLabel="Loading policy…">
          {() => (
            <form onSubmit={submit} noValidate aria-label="Policy" className="space-y-4">
              <fieldset disabled={!canEdit || busy} className="space-y-4">
                <PolicyFields form={form} />
              </fieldset>
              {base && (
                <PolicyImpact
                  simulation={simulation}
                  draft={draft.value}
                  settling={draft.settling}
                  days={days}
                  onDaysChange={setDays}
                />
              )}
              {errors.root?.message && (
                <p role="alert" className="text-sm text-red-700">
                  {errors.root.message}
                </p>
              )}
              {base && newer ? (
                <PolicyNewerVersion
                  base={base}
                  newer={newer}
                  conflict={conflict}
                  overlap={reapplyDraft(form.getValues(), policyToForm(base), policyToForm(newer)).overlap}
                  onReapply={() => reapply(newer)}
                  onDiscard={() => {
                    load(newer);
                    setConflict(undefined);
                  }}
                />
              ) : (
                conflict && (
                  <p
                    role="alert"
                    data-testid="policy-conflict"
                    className="rounded-md bg-amber-50 p-3 text-sm text-amber-950"
                  >
                    {conflict}
                  </p>
                )
              )}
              {canEdit && (
                <div className="flex flex-wrap items-center gap-3">
                  <Button type="submit" variant="primary" busy={busy}>
                    Save policy
                  </Button>
                  {base && (
                    <span className="text-xs text-slate-500">
                      Editing version {base.version}
                      {changed ? ` · saving asks to confirm: ${changed} past request(s) would change` : ""}
                    </span>
                  )}
                </div>
              )}
            </form>
          )}
        </QueryState>
      </Card>
      <PolicyPublishDialog
        check={publishCheck}
        days={days}
        busy={update.isPending}
        onPublish={() => publishCheck && save(publishCheck.input, publishCheck.version)}
        onCancel={() => setPublishCheck(undefined)}
      />
      <PolicyVersions currentVersion={saved?.version} />
    </>
  );
}
