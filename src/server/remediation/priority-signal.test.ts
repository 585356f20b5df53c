import { describe, expect, it } from "vitest";
import { computePrioritySignal } from "./priority-signal";

const signal = (
  pendingApprovals: number,
  activeExecutions: number,
  failedInLast24h: number,
  failedPrevious24h = 0,
  overdueOverrideReviews = 0,
) =>
  computePrioritySignal({
    pendingApprovals,
    activeExecutions,
    failedInLast24h,
    failedPrevious24h,
    overdueOverrideReviews,
    pendingChange24h: null,
  });

describe("computePrioritySignal", () => {
  it("the reference example: 4 pending, 2 active, 5 failed (more than the day before) → warning", () => {
    expect(signal(4, 2, 5, 1)).toEqual({
      level: "warning",
      label: "Warning",
      reason: "Failures rising and approval queue growing.",
      pendingApprovals: 4,
      activeExecutions: 2,
      failedInLast24h: 5,
      overdueOverrideReviews: 0,
      pendingChange24h: null,
      failedChange24h: 4,
    });
  });

  it("passes the pending change through and computes the failures' change against the day before", () => {
    expect(
      computePrioritySignal({
        pendingApprovals: 2,
        activeExecutions: 0,
        failedInLast24h: 1,
        failedPrevious24h: 6,
        overdueOverrideReviews: 0,
        pendingChange24h: -3,
      }),
    ).toMatchObject({ pendingChange24h: -3, failedChange24h: -5 });
  });

  it("healthy below every threshold", () => {
    expect(signal(2, 9, 2, 0)).toMatchObject({
      level: "healthy",
      label: "Healthy",
      reason: "No remediation pressure.",
    });
    expect(signal(0, 0, 0, 50).reason).toBe("No remediation pressure.");
  });

  it("each pressure alone is a warning with its phrase", () => {
    expect(signal(3, 0, 0)).toMatchObject({ level: "warning", reason: "Approval queue growing." });
    expect(signal(0, 10, 0)).toMatchObject({ level: "warning", reason: "Execution load high." });
    expect(signal(0, 0, 3, 2)).toMatchObject({ level: "warning", reason: "Failures rising." });
    expect(signal(0, 0, 3, 3)).toMatchObject({ level: "warning", reason: "Failures elevated." });
    expect(signal(0, 0, 3, 7)).toMatchObject({ level: "warning", reason: "Failures elevated." });
  });

  it("phrases keep the contract's order", () => {
    expect(signal(5, 12, 4, 9).reason).toBe("Failures elevated and approval queue growing and execution load high.");
    expect(signal(0, 12, 4, 1).reason).toBe("Failures rising and execution load high.");
    expect(signal(5, 12, 0).reason).toBe("Approval queue growing and execution load high.");
  });

  it("critical at 10 failures or 10 pending approvals, not on load alone", () => {
    expect(signal(0, 0, 10, 0)).toMatchObject({ level: "critical", label: "Critical", reason: "Failures rising." });
    expect(signal(10, 0, 0)).toMatchObject({ level: "critical", label: "Critical", reason: "Approval queue growing." });
    expect(signal(9, 100, 9, 0)).toMatchObject({ level: "warning" });
  });

  it("one overdue override review is a warning; its phrase comes after execution load high", () => {
    expect(signal(0, 0, 0, 0, 1)).toEqual({
      level: "warning",
      label: "Warning",
      reason: "Override reviews overdue.",
      pendingApprovals: 0,
      activeExecutions: 0,
      failedInLast24h: 0,
      overdueOverrideReviews: 1,
      pendingChange24h: null,
      failedChange24h: 0,
    });
    expect(signal(5, 12, 4, 9, 3).reason).toBe(
      "Failures elevated and approval queue growing and execution load high and override reviews overdue.",
    );
    expect(signal(0, 12, 0, 0, 2).reason).toBe("Execution load high and override reviews overdue.");
    expect(signal(3, 0, 0, 0, 7)).toMatchObject({
      level: "warning",
      reason: "Approval queue growing and override reviews overdue.",
    });
  });

  it("overdue reviews alone never make it critical; the critical thresholds still do", () => {
    expect(signal(0, 0, 0, 0, 500)).toMatchObject({ level: "warning" });
    expect(signal(10, 0, 0, 0, 1)).toMatchObject({
      level: "critical",
      reason: "Approval queue growing and override reviews overdue.",
    });
  });
});
