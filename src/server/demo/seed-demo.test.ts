import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { listActions } from "@/server/db/stores/actions";
import { listIncidents } from "@/server/db/stores/incidents";
import { listMembers } from "@/server/db/stores/memberships";
import { seedDemo } from "./seed-demo";

// This file's database starts empty (src/test/setup.ts), which is what the demo seed needs.
describe("seedDemo", () => {
  it("seeds the demo organization once: users (two operators), incidents with suggestions, requested actions", async () => {
    expect(await seedDemo(db())).toBe(true);
    expect(await seedDemo(db())).toBe(false);

    const members = await listMembers(db(), "org_demo", 10);
    // One transaction: the memberships share a createdAt, so their order is the user ids'.
    expect(members.map((m) => [m.email, m.role]).sort()).toEqual([
      ["admin@demo.local", "admin"],
      ["operator2@demo.local", "operator"],
      ["operator@demo.local", "operator"],
      ["viewer@demo.local", "viewer"],
    ]);
    const incidents = await listIncidents(db(), "org_demo", { limit: 10 });
    expect(incidents.map((i) => i.externalId).sort()).toEqual(["INC-1001", "INC-1002", "INC-1003"]);
    const actions = await listActions(db(), "org_demo", { limit: 10 });
    expect(actions).toHaveLength(4);
    const operator = members.find((m) => m.email === "operator@demo.local");
    expect(new Set(actions.map((a) => a.performedBy))).toEqual(new Set([operator?.userId]));
  });
});
