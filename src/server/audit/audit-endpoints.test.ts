// The audit endpoints (docs/audit.md#checkpoint, docs/audit.md#export): GET /remediation/audit/checkpoint, GET
// /remediation/audit/export?fromSeq=&toSeq=, the public JWKS, and signing-key rotation.
import { generateKeyPairSync } from "node:crypto";
import { calculateJwkThumbprint } from "jose";
import { describe, expect, it } from "vitest";
import { GENESIS_HASH } from "@/audit/chain";
import { db } from "@/server/db/client";
import { setEnv } from "@/server/env";
import {
  checkpointVerifies,
  expectIntactChain,
  exportAudit,
  exportResponse,
  fetchCheckpoint,
  fetchJwks,
  parseExport,
} from "@/test/audit-fixtures";
import { callerFor, rest } from "@/test/calls";
import { createIncident, createOrganization, requestBody } from "@/test/factories";
import { sealOrganization } from "./sealer";

/** An organization with `n` sealed events (one request each, staging: REQUESTED alone). */
async function sealedOrganization(n: number, prefix = "endpoints"): Promise<string> {
  const org = await createOrganization(prefix);
  const incidentId = await createIncident(org);
  const caller = callerFor(org);
  for (let i = 0; i < n; i++) await caller.remediation.request(requestBody(incidentId));
  expect(await sealOrganization(db(), org)).toEqual({ sealed: n, busy: false });
  return org;
}

const ed25519Pem = () => generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();

describe("GET /remediation/audit/checkpoint", () => {
  it("is the signed head: exactly its six fields, a signature that verifies with the JWKS key its kid names", async () => {
    const org = await sealedOrganization(3);
    const before = Date.now();
    const checkpoint = await fetchCheckpoint(org);
    expect(Object.keys(checkpoint).sort()).toEqual(["hash", "issuedAt", "kid", "organizationId", "seq", "signature"]);
    const exported = await exportAudit(org);
    expect(checkpoint).toMatchObject({ organizationId: org, seq: 3, hash: exported.lines[2]!.hash });
    expect(checkpoint.issuedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(checkpoint.issuedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(checkpoint.issuedAt)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(checkpoint.signature).toMatch(/^[A-Za-z0-9_-]{86}$/); // 64 bytes, base64url, unpadded

    const { keys } = await fetchJwks();
    expect(keys.map((k) => k.kid)).toContain(checkpoint.kid);
    expect(checkpointVerifies(checkpoint, keys)).toBe(true);
    // Any field changed breaks the signature.
    for (const forged of [
      { ...checkpoint, seq: 4 },
      { ...checkpoint, hash: "0".repeat(64) },
      { ...checkpoint, organizationId: `${org}x` },
      { ...checkpoint, issuedAt: new Date(0).toISOString() },
    ]) {
      expect(checkpointVerifies(forged, keys)).toBe(false);
    }

    // Only sealed events move it.
    await callerFor(org).remediation.request(requestBody(await createIncident(org)));
    expect(await fetchCheckpoint(org)).toMatchObject({ seq: 3, hash: checkpoint.hash });
  });

  it("an organization with nothing sealed gets seq 0 on the genesis hash, signed", async () => {
    const org = await createOrganization("empty");
    const checkpoint = await fetchCheckpoint(org);
    expect(checkpoint).toMatchObject({ organizationId: org, seq: 0, hash: GENESIS_HASH });
    expect(checkpointVerifies(checkpoint, (await fetchJwks()).keys)).toBe(true);
  });

  it("needs remediation:view (403) and a token (401), like the export", async () => {
    const org = await sealedOrganization(1);
    for (const path of ["/remediation/audit/checkpoint", "/remediation/audit/export"]) {
      const forbidden = await rest("GET", path, {
        auth: { organizationId: org, permissions: ["remediation:request", "remediation:approve"] },
      });
      expect(forbidden.status, path).toBe(403);
      expect((await forbidden.json()).statusCode).toBe(403);
      expect((await rest("GET", path, { auth: null })).status, path).toBe(401);
      expect((await rest("GET", path, { auth: "Bearer not-a-token" })).status, path).toBe(401);
      expect(
        (await rest("GET", path, { auth: { organizationId: org, permissions: ["remediation:view"] } })).status,
      ).toBe(200);
    }
    await expect(callerFor(org, { permissions: [] }).audit.checkpoint()).rejects.toThrow();
  });
});

describe("GET /remediation/audit/export", () => {
  it("fromSeq/toSeq export a subset; the trailer's checkpoint is the last exported seq; range echoes the query", async () => {
    const org = await sealedOrganization(6);
    const full = await exportAudit(org);
    expect(expectIntactChain(full, org)).toEqual({ events: 6, stubs: 0 });
    expect(full.trailer.range).toEqual({ fromSeq: null, toSeq: null });
    const { keys } = await fetchJwks();

    const cases: [string, number[], { fromSeq: number | null; toSeq: number | null }][] = [
      ["?fromSeq=2&toSeq=4", [2, 3, 4], { fromSeq: 2, toSeq: 4 }],
      ["?fromSeq=3", [3, 4, 5, 6], { fromSeq: 3, toSeq: null }],
      ["?toSeq=2", [1, 2], { fromSeq: null, toSeq: 2 }],
      ["?fromSeq=4&toSeq=4", [4], { fromSeq: 4, toSeq: 4 }],
      ["?fromSeq=1&toSeq=6", [1, 2, 3, 4, 5, 6], { fromSeq: 1, toSeq: 6 }],
      // Beyond the head: clamped to it (the checkpoint is the head's), the range as asked.
      ["?toSeq=999", [1, 2, 3, 4, 5, 6], { fromSeq: null, toSeq: 999 }],
      ["?fromSeq=5&toSeq=1000000", [5, 6], { fromSeq: 5, toSeq: 1_000_000 }],
      // Empty values are absent ones.
      ["?fromSeq=&toSeq=3", [1, 2, 3], { fromSeq: null, toSeq: 3 }],
    ];
    for (const [query, seqs, range] of cases) {
      const subset = await exportAudit(org, query);
      expect(
        subset.lines.map((l) => l.seq),
        query,
      ).toEqual(seqs);
      // The lines are the full export's, byte for byte.
      expect(subset.lines, query).toEqual(full.lines.slice(seqs[0]! - 1, seqs.at(-1)!));
      expect(subset.trailer.range, query).toEqual(range);
      expect(subset.trailer.checkpoint, query).toMatchObject({
        organizationId: org,
        seq: seqs.at(-1),
        hash: full.lines[seqs.at(-1)! - 1]!.hash,
      });
      expect(checkpointVerifies(subset.trailer.checkpoint, keys), query).toBe(true);
      expectIntactChain(subset, org, { fromSeq: seqs[0]! });
    }

    // fromSeq past the head: nothing to export or verify, a 400 naming the head.
    for (const query of ["?fromSeq=7", "?fromSeq=7&toSeq=9"]) {
      const past = await exportResponse(org, query);
      expect(past.status, query).toBe(400);
      expect((await past.json()).message, query).toMatch(/head \(6\)/);
    }
  });

  it("answers 400 to fromSeq > toSeq and to a seq that is not a positive integer", async () => {
    const org = await sealedOrganization(3);
    for (const query of [
      "?fromSeq=3&toSeq=2",
      "?fromSeq=10&toSeq=1",
      "?fromSeq=abc",
      "?toSeq=x1",
      "?fromSeq=1.5",
      "?toSeq=2.5",
      "?fromSeq=0",
      "?toSeq=0",
      "?fromSeq=-1",
      "?toSeq=-3",
      "?fromSeq=-2&toSeq=-1",
      "?fromSeq=Infinity",
      "?toSeq=NaN",
      "?toSeq=99999999999999999999",
      // Decimal digits only.
      "?fromSeq=0x2",
      "?toSeq=1e1",
      "?fromSeq=%203",
      "?toSeq=2%20",
      "?fromSeq=%2B2",
    ]) {
      const response = await exportResponse(org, query);
      expect(response.status, query).toBe(400);
      const body = await response.json();
      expect(body.statusCode, query).toBe(400);
    }
  });

  it("another organization's export never contains this organization's events", async () => {
    const mine = await sealedOrganization(4, "mine");
    const theirs = await sealedOrganization(2, "theirs");
    const myHashes = new Set((await exportAudit(mine)).lines.map((l) => l.hash));
    for (const query of ["", "?fromSeq=1&toSeq=999", "?fromSeq=2", "?toSeq=4"]) {
      const response = await exportResponse(theirs, query);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text, query).not.toContain(mine);
      const exported = parseExport(text);
      expect(
        exported.lines.every((l) => !myHashes.has(l.hash)),
        query,
      ).toBe(true);
      expect(exported.trailer.checkpoint.organizationId).toBe(theirs);
      expectIntactChain(exported, theirs, { fromSeq: exported.lines[0]!.seq });
    }
    // The organization comes from the token, never from the query.
    const response = await exportResponse(theirs, `?organizationId=${mine}`);
    expect(response.status === 400 || !(await response.text()).includes(mine)).toBe(true);
  });
});

describe("GET /.well-known/remediation-audit-keys", () => {
  it("is public and lists the signing key as an Ed25519 JWK (no private part), kid = RFC 7638 thumbprint", async () => {
    const org = await sealedOrganization(1);
    const checkpoint = await fetchCheckpoint(org);
    const { response, keys } = await fetchJwks(); // the route handler takes no request: no credentials at all
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toMatch(/public/);
    const key = keys.find((k) => k.kid === checkpoint.kid);
    expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    for (const k of keys) expect(k).not.toHaveProperty("d");
    expect(await calculateJwkThumbprint({ kty: key!.kty, crv: key!.crv, x: key!.x })).toBe(key!.kid);
  });

  it("AUDIT_SIGNING_KEY rotation: both kids stay listed and each checkpoint verifies with its own key", async () => {
    const org = await sealedOrganization(2);
    const original = process.env.AUDIT_SIGNING_KEY;
    const [pemA, pemB] = [ed25519Pem(), ed25519Pem()];
    try {
      setEnv({ AUDIT_SIGNING_KEY: pemA });
      const signedA = await fetchCheckpoint(org);
      setEnv({ AUDIT_SIGNING_KEY: pemB });
      const signedB = await fetchCheckpoint(org);
      const exportedB = await exportAudit(org);
      expect(signedA.kid).not.toBe(signedB.kid);
      expect(exportedB.trailer.checkpoint.kid).toBe(signedB.kid);

      const { keys } = await fetchJwks();
      expect(keys.map((k) => k.kid)).toEqual(expect.arrayContaining([signedA.kid, signedB.kid]));
      expect(checkpointVerifies(signedA, keys)).toBe(true);
      expect(checkpointVerifies(signedB, keys)).toBe(true);
      expect(checkpointVerifies(exportedB.trailer.checkpoint, keys)).toBe(true);
      // Each with its own key only.
      expect(checkpointVerifies({ ...signedA, kid: signedB.kid }, keys)).toBe(false);
      expect(checkpointVerifies({ ...signedB, kid: signedA.kid }, keys)).toBe(false);

      // The PEM on one line with literal \n (how an environment variable often carries it) is the same key.
      setEnv({ AUDIT_SIGNING_KEY: pemA.replace(/\n/g, "\\n") });
      expect((await fetchCheckpoint(org)).kid).toBe(signedA.kid);
    } finally {
      if (original === undefined) {
        delete process.env.AUDIT_SIGNING_KEY;
        setEnv({});
      } else setEnv({ AUDIT_SIGNING_KEY: original });
    }
    // Back on the run's key, the rotated keys are still listed.
    const { keys } = await fetchJwks();
    const current = await fetchCheckpoint(org);
    expect(checkpointVerifies(current, keys)).toBe(true);
    expect(keys.length).toBeGreaterThanOrEqual(3);
  });
});
