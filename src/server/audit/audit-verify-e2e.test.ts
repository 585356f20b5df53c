// End to end (docs/audit.md#verify): an export taken over HTTP through the REST adapter and the JWKS the
// route serves, written to files and checked offline by the verifier CLI as a child process
// (`npx tsx scripts/audit-verify.ts FILE --keys JWKS [--checkpoint FILE]`), intact and tampered.
import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Checkpoint } from "@/audit/chain";
import { db } from "@/server/db/client";
import {
  type EventLine,
  expectIntactChain,
  exportResponse,
  fetchCheckpoint,
  fetchJwks,
  isStub,
  parseExport,
} from "@/test/audit-fixtures";
import { rest } from "@/test/calls";
import { approverOf, createActions, createIncident, createOrganization, requestBody } from "@/test/factories";
import { daysAgo } from "@/test/reporting-fixtures";
import { sealOrganization } from "./sealer";

const ROOT = path.resolve(import.meta.dirname, "../../..");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "audit-verify-e2e-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  output: string;
}

/** `npx tsx scripts/audit-verify.ts …args` offline: no DATABASE_URL in its environment. */
function verifyCli(args: string[]): Promise<Run> {
  const { DATABASE_URL: _none, ...env } = process.env;
  const child = spawn("npx", ["tsx", "scripts/audit-verify.ts", ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output: output.trim() }));
  });
}

let serial = 0;
async function file(name: string, content: string): Promise<string> {
  const target = path.join(dir, `${++serial}-${name}`);
  await writeFile(target, content);
  return target;
}

/** Exports over HTTP through the REST adapter: the NDJSON exactly as served. */
async function exportText(organizationId: string, query = ""): Promise<string> {
  const response = await exportResponse(organizationId, query);
  expect(response.status).toBe(200);
  return response.text();
}

async function jwksFile(): Promise<string> {
  const { response } = await fetchJwks();
  return file("jwks.json", await response.text());
}

async function request(org: string, incidentId: string, environment = "staging"): Promise<string> {
  const response = await rest("POST", "/remediation/request", {
    auth: { organizationId: org },
    body: requestBody(incidentId, { environment }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

describe("the offline verifier on real exports", () => {
  it("an intact export verifies (0); tampered: data changed 3, line deleted 4, lines swapped 6, checkpoint cut 7; an earlier checkpoint 0", async () => {
    const org = await createOrganization("verify");
    const incidentId = await createIncident(org);
    for (let i = 0; i < 3; i++) await request(org, incidentId);
    const pending = await request(org, incidentId, "production");
    await sealOrganization(db(), org);
    const earlier: Checkpoint = await fetchCheckpoint(org);
    expect(earlier.seq).toBeGreaterThanOrEqual(4);
    // Later events: an approval (events with data), more requests.
    const approved = await rest("POST", `/remediation/${pending}/approve`, {
      auth: approverOf(org),
      body: { reason: "change window" },
    });
    expect(approved.status).toBe(200);
    for (let i = 0; i < 3; i++) await request(org, incidentId);
    await sealOrganization(db(), org);

    const text = await exportText(org);
    const exported = parseExport(text);
    const { events } = expectIntactChain(exported, org);
    expect(events).toBeGreaterThanOrEqual(8);
    expect(exported.trailer.checkpoint.seq).toBeGreaterThan(earlier.seq);
    const keys = await jwksFile();
    const rawLines = text.slice(0, -1).split("\n");
    const last = rawLines.length - 1; // the checkpoint line

    const withData = exported.lines.findIndex(
      (l, i) => i > 0 && i < last - 1 && !isStub(l) && Object.keys((l as EventLine).data as object).length > 0,
    );
    expect(withData, "an event with data to tamper with").toBeGreaterThan(0);
    const modified = [...rawLines];
    const line = exported.lines[withData] as EventLine;
    const data = line.data as Record<string, unknown>;
    const field = Object.keys(data)[0]!;
    modified[withData] = JSON.stringify({ ...line, data: { ...data, [field]: "tampered" } });

    const deleted = rawLines.filter((_, i) => i !== 3);
    const swapped = [...rawLines];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    const cut = rawLines.slice(0, last);

    const files = {
      intact: await file("intact.ndjson", text),
      modified: await file("modified.ndjson", `${modified.join("\n")}\n`),
      deleted: await file("deleted.ndjson", `${deleted.join("\n")}\n`),
      swapped: await file("swapped.ndjson", `${swapped.join("\n")}\n`),
      cut: await file("cut.ndjson", `${cut.join("\n")}\n`),
      earlier: await file("earlier-checkpoint.json", JSON.stringify(earlier)),
    };
    const [intact, mod, del, swap, truncated, withEarlier] = await Promise.all([
      verifyCli([files.intact, "--keys", keys]),
      verifyCli([files.modified, "--keys", keys]),
      verifyCli([files.deleted, "--keys", keys]),
      verifyCli([files.swapped, "--keys", keys]),
      verifyCli([files.cut, "--keys", keys]),
      verifyCli([files.intact, "--keys", keys, "--checkpoint", files.earlier]),
    ]);
    expect(intact, intact.output).toMatchObject({ code: 0 });
    expect(mod, mod.output).toMatchObject({ code: 3 });
    expect(mod.output).toContain(String(line.seq));
    expect(del, del.output).toMatchObject({ code: 4 });
    expect(del.output).toContain(String(exported.lines[3]!.seq)); // the first missing seq
    expect(swap, swap.output).toMatchObject({ code: 6 });
    expect(truncated, truncated.output).toMatchObject({ code: 7 });
    expect(withEarlier, withEarlier.output).toMatchObject({ code: 0 });
  }, 120_000);

  it("an export that ends before a later checkpoint is truncated (7); a JWKS without its key is a bad signature (8)", async () => {
    const org = await createOrganization("verify-range");
    const incidentId = await createIncident(org);
    for (let i = 0; i < 5; i++) await request(org, incidentId);
    await sealOrganization(db(), org);
    const head = await fetchCheckpoint(org);
    const keys = await jwksFile();
    const upTo3 = await file("to-3.ndjson", await exportText(org, "?toSeq=3"));
    const from2 = await file("from-2.ndjson", await exportText(org, "?fromSeq=2&toSeq=4"));
    const headFile = await file("head.json", JSON.stringify(head));
    // A JWKS with another Ed25519 key only: the checkpoint's kid is not in it.
    const other = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" });
    const noKeys = await file("other-key.json", JSON.stringify({ keys: [{ ...other, kid: "someone-else" }] }));
    const [short, range, unknownKid] = await Promise.all([
      verifyCli([upTo3, "--keys", keys, "--checkpoint", headFile]),
      verifyCli([from2, "--keys", keys]),
      verifyCli([upTo3, "--keys", noKeys]),
    ]);
    expect(short, short.output).toMatchObject({ code: 7 });
    expect(range, range.output).toMatchObject({ code: 0 });
    expect(unknownKid, unknownKid.output).toMatchObject({ code: 8 });
  }, 120_000);

  it("events whose data has awkward JSON (escapes, non-ASCII, big and fractional numbers, key order) hash the same in the sealer, the export and the verifier", async () => {
    const org = await createOrganization("verify-json");
    const awkward = {
      note: 'é ü 日本 😀 \u2028 \u2029 tab\t nl\n cr\r "quoted" back\\slash \u0001 \u001f </script>',
      numbers: [0, -1, 1.5, 0.1, 1e-7, 1e21, 1.2345678901234567e19, 2 ** 53 + 2, -0.000001],
      nested: { z: 1, a: { y: [true, false, null], b: "" }, "": "empty key", é: "accent key" },
      unicodeKeys: { "\u00e9": 1, e: 2, "😀": 3, E: 4 },
    };
    await createActions(org, [{ status: "QUEUED", events: [{ type: "REQUESTED", data: awkward }] }]);
    await sealOrganization(db(), org);
    const text = await exportText(org);
    const exported = parseExport(text);
    expect(expectIntactChain(exported, org)).toEqual({ events: 1, stubs: 0 });
    const keys = await jwksFile();
    const run = await verifyCli([await file("awkward.ndjson", text), "--keys", keys]);
    expect(run, run.output).toMatchObject({ code: 0 });
  }, 120_000);

  it("an export with retention's pruned stubs verifies (0), also against a checkpoint taken before the pruning", async () => {
    const org = await createOrganization("verify-pruned");
    await rest("PUT", "/remediation/reporting/settings", {
      auth: { organizationId: org },
      body: { retentionDays: 10 },
    });
    await createActions(org, [
      { status: "COMPLETED", createdAt: daysAgo(30), events: ["REQUESTED", "EXECUTION_SUCCEEDED"] },
      { status: "QUEUED", events: ["REQUESTED"] },
      { status: "FAILED", createdAt: daysAgo(30), events: ["REQUESTED", "EXECUTION_FAILED"] },
    ]);
    await sealOrganization(db(), org);
    const before = await fetchCheckpoint(org);
    const retention = await rest("POST", "/remediation/reporting/enforce-retention", { auth: { organizationId: org } });
    expect(await retention.json()).toMatchObject({ deletedCount: 2 });
    const text = await exportText(org);
    expect(expectIntactChain(parseExport(text), org)).toEqual({ events: 1, stubs: 4 });
    const keys = await jwksFile();
    const run = await verifyCli([
      await file("pruned.ndjson", text),
      "--keys",
      keys,
      "--checkpoint",
      await file("before.json", JSON.stringify(before)),
    ]);
    expect(run, run.output).toMatchObject({ code: 0 });
  }, 120_000);
});
