import { expect, recordProcedureCalls, saveScreenshot, signInAs, test } from "../fixtures/test";

test("decision-time panel: p50/p95 per day, oldest pending, reminders and escalations, loaded apart from the hero", async ({
  page,
  org,
}, testInfo) => {
  const approved = await org.requestAction("production");
  const rejected = await org.requestAction("production");
  const pending = await org.requestAction("production");
  expect((await org.api("POST", `/remediation/${approved.id}/approve`, {}, "operator2")).status).toBe(200);
  expect((await org.api("POST", `/remediation/${rejected.id}/reject`, {}, "admin")).status).toBe(200);
  // The pending one was requested two hours ago; a decision three days ago took ten minutes;
  // the reminder and escalation as the reminder schedule writes them.
  await org.query(`UPDATE remediation_actions SET "createdAt" = now() - interval '2 hours' WHERE id = $1`, [
    pending.id,
  ]);
  const [past] = await org.query<{ id: string }>(
    `INSERT INTO remediation_actions (id, "organizationId", "incidentId", "actionType", environment, severity, status,
       "performedBy", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), "organizationId", "incidentId", "actionType", environment, severity, 'REJECTED',
       "performedBy", now() - interval '3 days', now() - interval '3 days'
     FROM remediation_actions WHERE id = $1 RETURNING id`,
    [pending.id],
  );
  await org.query(
    `INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, "createdAt") VALUES
       (gen_random_uuid(), $1, $2, 'REJECTED', 'admin', now() - interval '3 days' + interval '10 minutes'),
       (gen_random_uuid(), $1, $3, 'APPROVAL_REMINDER_SENT', 'system', now()),
       (gen_random_uuid(), $1, $3, 'APPROVAL_ESCALATED', 'system', now())`,
    [org.id, past!.id, pending.id],
  );

  const panelCalls = recordProcedureCalls(page, "remediation.approvalMetrics");
  const heroCalls = recordProcedureCalls(page, "remediation.prioritySignal");
  await signInAs(page, org, "viewer");
  await expect(page.getByTestId("signal-pending")).toHaveText("1");
  const panel = page.getByTestId("decision-time-panel");
  await expect(panel.getByTestId("decision-decided")).toHaveText("3");
  await expect(panel.getByTestId("decision-oldest-pending")).toHaveText(/^2 h [0-9]+ min$/);
  await expect(panel.getByTestId("decision-reminders")).toHaveText("1");
  await expect(panel.getByTestId("decision-escalations")).toHaveText("1");
  // Two days with decisions: two points on each of the p50 and p95 lines.
  await expect(panel.locator(".recharts-line")).toHaveCount(2);
  await expect(panel.locator(".recharts-line-dot")).toHaveCount(4);
  await expect(panel.locator(".recharts-legend-item-text")).toHaveText(["p50", "p95"]);
  // Never in the hero's batch: the panel's request carries its procedure alone.
  expect(panelCalls.length).toBeGreaterThan(0);
  expect(heroCalls.length).toBeGreaterThan(0);
  for (const call of panelCalls) expect(new URL(call).pathname).toBe("/api/trpc/remediation.approvalMetrics");
  await saveScreenshot(page, testInfo, "decision-time-panel");
});
