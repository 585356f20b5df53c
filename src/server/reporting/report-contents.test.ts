import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { createActions, createOrganization } from "@/test/factories";
import { loadPeriodAuditCsv } from "./report-contents";

const at = (iso: string) => new Date(iso);

describe("loadPeriodAuditCsv", () => {
  it("is the export of (start, end], newest first, cut at the cap and saying so", async () => {
    const org = await createOrganization("attach");
    const period = { start: at("2026-05-01T00:00:00.000Z"), end: at("2026-05-08T00:00:00.000Z") };
    const [onStart, , middle, onEnd] = await createActions(org, [
      { status: "COMPLETED", createdAt: period.start }, // excluded: the period is (start, end]
      { status: "COMPLETED", createdAt: at("2026-05-02T00:00:00.000Z") },
      { status: "FAILED", createdAt: at("2026-05-05T00:00:00.000Z") },
      { status: "COMPLETED", createdAt: period.end }, // included
      { status: "COMPLETED", createdAt: at("2026-05-09T00:00:00.000Z") }, // after
    ]);

    const all = await loadPeriodAuditCsv(db(), orgScope(org), period);
    expect(all).toMatchObject({ rows: 3, capped: false });
    const ids = all.csv
      .split("\r\n")
      .slice(1, -1)
      .map((line) => line.split(",", 1)[0]);
    expect(ids).toHaveLength(3);
    expect(ids).not.toContain(onStart);
    expect(ids.slice(0, 2)).toEqual([onEnd, middle]);

    const capped = await loadPeriodAuditCsv(db(), orgScope(org), period, 2);
    expect(capped).toMatchObject({ rows: 2, capped: true });
    expect(capped.csv.split("\r\n").filter(Boolean)).toHaveLength(1 + 2);
  });
});
