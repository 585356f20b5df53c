import type { Page } from "@playwright/test";
import { expect, recordProcedureCalls, saveScreenshot, signInAs, test } from "../fixtures/test";

// docs/behaviour.md#operator-ui (execute as a pre-flight check), in Chromium against the built app.

async function openExecute(page: Page, suggestion: string) {
  await page.getByRole("button", { name: `Execute: ${suggestion}` }).click();
  const dialog = page.getByRole("dialog", { name: "Execute suggested remediation?" });
  await expect(dialog).toBeVisible();
  return dialog;
}

test("a request the policy would refuse cannot be sent, and the matched rule is named", async ({ page, org }) => {
  await org.updatePolicy({ deniedActionTypes: ["restart-service"] });
  await signInAs(page, org, "operator");
  const requests = recordProcedureCalls(page, "remediation.request");
  await page.goto(`/incidents/${org.incidents.staging.id}`);
  const dialog = await openExecute(page, "Restart checkout");
  await expect(dialog.getByTestId("policy-preview")).toContainText("BLOCKED");
  await expect(dialog.getByTestId("matched-rule")).toHaveText(
    "organization deniedActionTypes includes restart-service",
  );
  await expect(dialog.getByRole("button", { name: "Request remediation" })).toBeDisabled();
  // Another suggestion of the same dialog that the policy allows can be requested.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  const scale = await openExecute(page, "Scale checkout to 6 replicas");
  await expect(scale.getByTestId("policy-preview")).toContainText("QUEUED");
  await expect(scale.getByRole("button", { name: "Request remediation" })).toBeEnabled();
  expect(requests).toEqual([]);
});

test("parameters are editable within the catalog schema, validated inline, and sent as edited", async ({
  page,
  org,
}, testInfo) => {
  await signInAs(page, org, "operator");
  await page.goto(`/incidents/${org.incidents.staging.id}`);
  const dialog = await openExecute(page, "Scale checkout to 6 replicas");
  const replicas = dialog.getByLabel("replicas");
  await expect(replicas).toHaveValue("6");
  const request = dialog.getByRole("button", { name: "Request remediation" });

  await replicas.fill("5000");
  await expect(dialog.getByText("replicas must be between 0 and 1000")).toBeVisible();
  await expect(replicas).toHaveAttribute("aria-invalid", "true");
  await expect(request).toBeDisabled();
  await replicas.fill("2.5");
  await expect(dialog.getByText("replicas must be an integer")).toBeVisible();
  await expect(request).toBeDisabled();

  await replicas.fill("8");
  await expect(dialog.getByText(/replicas must/)).toHaveCount(0);
  await expect(dialog.getByTestId("policy-preview")).toContainText("QUEUED");
  await saveScreenshot(page, testInfo, "execute-dialog");
  await request.click();
  await expect(dialog).toBeHidden();
  const [newest] = await org.actions();
  expect(newest).toMatchObject({ actionType: "scale-service" });
  const [row] = await org.query<{ parameters: Record<string, unknown> }>(
    `SELECT parameters FROM remediation_actions WHERE id = $1`,
    [newest?.id],
  );
  expect(row?.parameters).toEqual({ service: "checkout", replicas: 8 });
});

test("unfinished actions on the same service are shown as a conflict", async ({ page, org }) => {
  const pending = await org.requestAction("production");
  await signInAs(page, org, "operator2");
  await page.goto(`/incidents/${org.incidents.production.id}`);
  const dialog = await openExecute(page, "Restart api-gateway");
  const warning = dialog.getByTestId("conflict-warning");
  await expect(warning).toContainText("1 other action is not finished on api-gateway in production");
  await expect(warning.locator(`[data-action-id="${pending.id}"]`).getByTestId("action-status")).toHaveText(
    "PENDING_APPROVAL",
  );
  await warning.getByRole("link", { name: "restart-service" }).click();
  await expect(page).toHaveURL(new RegExp(`/actions/${pending.id}$`));
});

test("an unmappable suggestion says why, without a primary Execute button", async ({ page, org }) => {
  await signInAs(page, org, "operator");
  for (const [incident, title, why] of [
    [org.incidents.production.id, "Page the network team", "Unknown action type: page-human"],
    [org.incidents.staging.id, "Scale checkout to 5000 replicas", "replicas must be between 0 and 1000"],
  ] as const) {
    await page.goto(`/incidents/${incident}`);
    const suggestion = page.getByTestId("suggestion").filter({ hasText: title });
    await expect(suggestion.getByTestId("suggestion-unmappable")).toContainText(why);
    const button = suggestion.getByRole("button", { name: `Execute: ${title}` });
    await expect(button).not.toHaveClass(/\bbtn-primary\b/);
    const dialog = await openExecute(page, title);
    await expect(dialog.getByTestId("unmappable-reason")).toContainText(why);
    await dialog.getByRole("button", { name: "Cancel" }).click();
  }
  // A mappable one keeps the primary button.
  await expect(
    page
      .getByTestId("suggestion")
      .filter({ hasText: "Scale checkout to 6 replicas" })
      .getByRole("button", { name: "Execute: Scale checkout to 6 replicas" }),
  ).toHaveClass(/\bbtn-primary\b/);
});
