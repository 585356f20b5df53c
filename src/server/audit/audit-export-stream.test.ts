// The export is streamed (docs/audit.md#export): a large chain arrives complete and
// in seq order over several chunks, and a client hanging up mid-export gives its connection back.
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { eventCounts, expectIntactChain, exportAudit, exportResponse, parseExport } from "@/test/audit-fixtures";
import { createActions, createOrganization } from "@/test/factories";
import { sealOrganization } from "./sealer";

const EVENTS = 5_000;

describe("audit export streaming", () => {
  it(`${EVENTS.toLocaleString("en")} events export complete, in seq order, over several chunks`, async ({
    annotate,
  }) => {
    const org = await createOrganization("stream");
    // Actions with their REQUESTED events, through the stores (the sealer's batch is 2,000: three batches).
    await createActions(org, { count: EVENTS, events: ["REQUESTED"] });
    expect(await eventCounts(org)).toEqual({ total: EVENTS, unsealed: EVENTS });
    expect(await sealOrganization(db(), org)).toEqual({ sealed: EVENTS, busy: false });

    const started = performance.now();
    const response = await exportResponse(org);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="[^"]+\.ndjson"/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      text += decoder.decode(value, { stream: true });
    }
    text += decoder.decode();
    await annotate(`${text.length} bytes in ${chunks} chunks, ${Math.round(performance.now() - started)} ms`);
    expect(chunks).toBeGreaterThan(1);

    const exported = parseExport(text);
    expect(exported.lines).toHaveLength(EVENTS);
    expect(exported.lines.map((l) => l.seq)).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
    expect(expectIntactChain(exported, org)).toEqual({ events: EVENTS, stubs: 0 });
    expect(exported.trailer.checkpoint).toMatchObject({ seq: EVENTS });

    // A range across the sealer's batch boundaries.
    const middle = await exportAudit(org, "?fromSeq=1990&toSeq=4010");
    expect(middle.lines.map((l) => l.seq)).toEqual(Array.from({ length: 2021 }, (_, i) => 1990 + i));
    expectIntactChain(middle, org, { fromSeq: 1990 });
  }, 60_000);

  it("clients hanging up mid-export give their connections back (more than the pool holds)", async () => {
    const org = await createOrganization("stream-abort");
    await createActions(org, { count: 3_000, events: ["REQUESTED"] });
    await sealOrganization(db(), org);
    for (let i = 0; i < 15; i++) {
      const response = await exportResponse(org);
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      await reader.cancel();
    }
    const exported = await exportAudit(org);
    expect(expectIntactChain(exported, org)).toEqual({ events: 3_000, stubs: 0 });
  }, 60_000);
});
