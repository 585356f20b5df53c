import { describe, expect, it } from "vitest";
import { describeGuardrail, formatEndsIn, formatUtcEnd } from "./override-wording";

const NOW = Date.parse("2026-11-30T12:00:00.000Z");
const freeze = (endsAt: string) => ({ kind: "freeze" as const, environment: "production", endsAt, reason: "Sale" });

describe("describeGuardrail", () => {
  it("words a freeze window by when it ends, relative and in UTC", () => {
    expect(describeGuardrail(freeze("2026-11-30T14:00:00.000Z"), NOW)).toBe("Change freeze ends in 2 h (14:00 UTC)");
    expect(describeGuardrail(freeze("2026-11-30T12:45:00.000Z"), NOW)).toBe("Change freeze ends in 45 min (12:45 UTC)");
    expect(describeGuardrail(freeze("2026-12-02T09:30:00.000Z"), NOW)).toBe(
      "Change freeze ends in 46 h (2 Dec 09:30 UTC)",
    );
    expect(describeGuardrail(freeze("2026-12-05T12:00:00.000Z"), NOW)).toBe(
      "Change freeze ends in 5 d (5 Dec 12:00 UTC)",
    );
  });

  it("a freeze that has already ended says so; a blocked environment names it", () => {
    expect(describeGuardrail(freeze("2026-11-30T11:59:00.000Z"), NOW)).toBe("Change freeze has ended");
    expect(describeGuardrail({ kind: "blocked", environment: "production" }, NOW)).toBe("production is blocked");
  });
});

describe("formatEndsIn / formatUtcEnd", () => {
  it("rounds to the largest unit and never says 0 min", () => {
    expect(formatEndsIn(1_000)).toBe("1 min");
    expect(formatEndsIn(59 * 60_000)).toBe("59 min");
    expect(formatEndsIn(60 * 60_000)).toBe("1 h");
    expect(formatEndsIn(90 * 60_000 + 1)).toBe("2 h");
    expect(formatEndsIn(47 * 3_600_000)).toBe("47 h");
    expect(formatEndsIn(60 * 3_600_000)).toBe("3 d");
  });

  it("adds the day only when the end is on another UTC day", () => {
    expect(formatUtcEnd(Date.parse("2026-11-30T23:59:00Z"), NOW)).toBe("23:59 UTC");
    expect(formatUtcEnd(Date.parse("2026-12-01T00:00:00Z"), NOW)).toBe("1 Dec 00:00 UTC");
  });
});
