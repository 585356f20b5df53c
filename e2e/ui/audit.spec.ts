import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import type { Page } from "@playwright/test";
import type { SeededOrg } from "../fixtures/seed";
import { expect, saveScreenshot, signIn, signInAs, test } from "../fixtures/test";

interface Checkpoint {
  organizationId: string;
  seq: number;
  hash: string;
  issuedAt: string;
  kid: string;
  signature: string;
}

interface SealedEvent {
  type: string;
  seq: number | null;
  hash: string | null;
}

const toasts = (page: Page) => page.locator("[data-sonner-toaster]");
const auditPanel = (page: Page) => page.getByRole("region", { name: "Audit chain" });

async function openAudit(page: Page) {
  await page.goto("/settings");
  await page.getByRole("tab", { name: "Audit" }).click();
  await expect(auditPanel(page)).toBeVisible();
}

/** A staging restart (runs at once), returned once it has completed and the worker has sealed every event. */
async function completedAndSealed(org: SeededOrg): Promise<{ id: string; events: SealedEvent[] }> {
  const { id } = await org.requestAction("staging");
  let events: SealedEvent[] = [];
  await expect
    .poll(
      async () => {
        const res = await org.api<{ status: string; events: SealedEvent[] }>(
          "GET",
          `/remediation/${id}`,
          undefined,
          "viewer",
        );
        events = res.body.events;
        return res.body.status === "COMPLETED" && events.every((e) => e.seq !== null && e.hash !== null);
      },
      { message: "the action completes and all its events are sealed" },
    )
    .toBe(true);
  return { id, events };
}

/** Clicks a download link and returns the suggested file name and where Playwright saved it. */
async function download(page: Page, name: string): Promise<{ filename: string; path: string }> {
  const downloading = page.waitForEvent("download");
  await auditPanel(page).getByRole("link", { name }).click();
  const file = await downloading;
  return { filename: file.suggestedFilename(), path: await file.path() };
}

test("after the demo data, the Audit section shows a signed checkpoint past seq 0", async ({ page }) => {
  await signIn(page, "viewer");
  await openAudit(page);
  const seq = auditPanel(page).getByTestId("checkpoint-seq");
  // The demo's requests are sealed by the worker moments after startup; the panel re-reads every 10 s.
  await expect.poll(async () => Number((await seq.textContent())?.trim()), { timeout: 25_000 }).toBeGreaterThan(0);
  await expect(auditPanel(page).getByTestId("checkpoint-hash")).toHaveText(/^[0-9a-f]{12}$/);
  await expect(auditPanel(page).getByTestId("checkpoint-kid")).toHaveText(/^[\w-]{12}$/);
});

test("the Audit section's export, keys and checkpoint verify offline with the command it shows", async ({
  page,
  org,
}, testInfo) => {
  const { events } = await completedAndSealed(org);
  // The action's events, then the viewer's SIGNED_IN (an organization event, docs/audit.md#organization-events).
  const head = Math.max(...events.map((e) => e.seq ?? 0)) + 1;
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await signInAs(page, org, "viewer");
  const checkpoint = async () =>
    (await org.api<Checkpoint>("GET", "/remediation/audit/checkpoint", undefined, "viewer")).body;
  await expect.poll(async () => (await checkpoint()).seq, { timeout: 15_000 }).toBe(head);
  const apiHead = await checkpoint();
  await openAudit(page);
  const panel = auditPanel(page);
  await expect(panel.getByTestId("checkpoint-seq")).toHaveText(String(head));
  await expect(panel.getByTestId("checkpoint-hash")).toHaveText(apiHead.hash.slice(0, 12));
  await expect(panel.getByTestId("checkpoint-hash")).toHaveAttribute("title", apiHead.hash);
  await saveScreenshot(page, testInfo, "settings-audit");

  await panel.getByRole("button", { name: "Copy checkpoint JSON" }).click();
  await expect(toasts(page).getByText("Checkpoint JSON copied to the clipboard")).toBeVisible();
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as Checkpoint;
  expect(copied).toMatchObject({ organizationId: org.id, seq: head, hash: apiHead.hash, kid: apiHead.kid });

  const checkpointFile = await download(page, "Download checkpoint");
  expect(checkpointFile.filename).toBe("audit-checkpoint.json");
  expect(JSON.parse(readFileSync(checkpointFile.path, "utf8"))).toEqual(copied);

  const exported = await download(page, "Download verifiable export");
  expect(exported.filename).toBe("remediation-audit.ndjson");
  const lines = readFileSync(exported.path, "utf8").trimEnd().split("\n");
  const last = JSON.parse(lines.at(-1) ?? "{}") as { checkpoint?: Checkpoint };
  expect(last.checkpoint).toMatchObject({ organizationId: org.id, seq: head, hash: apiHead.hash });
  expect(lines.slice(0, -1).map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual(
    Array.from({ length: head }, (_, i) => i + 1),
  );

  const keys = await download(page, "Download public keys");
  expect(keys.filename).toBe("remediation-audit-keys.json");
  const jwks = JSON.parse(readFileSync(keys.path, "utf8")) as { keys: { kid: string; crv: string }[] };
  expect(jwks.keys).toContainEqual(expect.objectContaining({ kid: apiHead.kid, crv: "Ed25519" }));

  // The command exactly as shown, with the three downloads at absolute paths (npm runs scripts from the project root).
  const command = (await panel.getByTestId("verify-command").textContent()) ?? "";
  const files: Record<string, string> = {
    "remediation-audit.ndjson": exported.path,
    "remediation-audit-keys.json": keys.path,
    "audit-checkpoint.json": testInfo.outputPath("audit-checkpoint.json"),
  };
  writeFileSync(files["audit-checkpoint.json"] as string, JSON.stringify(copied));
  const [npm, ...args] = command.split(" ").map((word) => files[word] ?? word);
  expect(npm).toBe("npm");
  const verified = await promisify(execFile)("npm", ["--silent", ...args]);
  expect(verified.stdout).toMatch(/^OK/);
});

test("the incident view's event timeline shows each event's seq and short hash", async ({ page, org }) => {
  const { id, events } = await completedAndSealed(org);
  await signInAs(page, org, "viewer");
  await page.goto(`/incidents/${org.incidents.staging.id}`);
  const row = page.locator(`[data-testid="history-row"][data-action-id="${id}"]`);
  await expect(row.getByTestId("event-seq")).toHaveText(events.map((e) => `#${e.seq}`));
  await expect(row.getByTestId("event-hash")).toHaveText(events.map((e) => (e.hash ?? "").slice(0, 12)));
  await expect(row.getByTestId("event-hash").first()).toHaveAttribute("title", events[0]?.hash ?? "");
  await expect(row.getByText("sealing…")).toHaveCount(0);
});
