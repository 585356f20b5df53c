import { describe, expect, it } from "vitest";
import { formatAge, formatDateTime, formatNumber } from "./format";

describe("formatNumber", () => {
  it("groups thousands", () => {
    expect(formatNumber(100_018)).toBe("100,018");
    expect(formatNumber(1_234_567)).toBe("1,234,567");
    expect(formatNumber(999)).toBe("999");
    expect(formatNumber(0)).toBe("0");
  });
});

describe("formatAge", () => {
  const now = Date.parse("2026-11-30T12:00:00Z");
  it.each([
    [0, "0s ago"],
    [42, "42s ago"],
    [3 * 60 + 20, "3 min ago"],
    [5 * 3600, "5 h ago"],
    [3 * 86_400, "3 d ago"],
  ])("%i s before → %s", (seconds, text) => {
    expect(formatAge(new Date(now - seconds * 1000), now)).toBe(text);
  });
  it("never says a future moment is in the past by a negative amount", () => {
    expect(formatAge(new Date(now + 5000), now)).toBe("0s ago");
  });
});

describe("formatDateTime", () => {
  it("is the exact UTC time", () => {
    expect(formatDateTime(new Date("2026-11-30T14:05:09Z"))).toBe("30 Nov 2026, 14:05:09 UTC");
    expect(formatDateTime(null)).toBe("—");
  });
});
