/**
 * How a pending row words the guardrail its approval would override (docs/behaviour.md#pending-queue):
 * the rule and when it ends, e.g. "Change freeze ends in 2 h (14:00 UTC)" or "production is blocked".
 * Pure: the guardrail as the server sent it and the clock.
 */
export type Guardrail =
  | { kind: "blocked"; environment: string }
  | { kind: "freeze"; environment: string; endsAt: string; reason: string };

const MINUTE = 60_000;

/** "45 min", "2 h", "3 d": the time left, rounded to its largest unit (never "0 min"). */
export function formatEndsIn(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / MINUTE));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** "14:00 UTC" the same UTC day, else "2 Dec 14:00 UTC". */
export function formatUtcEnd(end: number, now: number): string {
  const time = `${clock.format(end)} UTC`;
  return utcDay(end) === utcDay(now) ? time : `${day.format(end)} ${time}`;
}

export function describeGuardrail(guardrail: Guardrail, now: number): string {
  if (guardrail.kind === "blocked") return `${guardrail.environment} is blocked`;
  const end = Date.parse(guardrail.endsAt);
  if (end <= now) return "Change freeze has ended";
  return `Change freeze ends in ${formatEndsIn(end - now)} (${formatUtcEnd(end, now)})`;
}
