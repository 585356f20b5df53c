/** Display helpers only (no rules): timestamps, ages, counts and parameter objects for tables. */

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Every count the UI shows, grouped by thousands: `100,018`. */
export function formatNumber(value: number): string {
  return grouped.format(value);
}

const dateTime = new Intl.DateTimeFormat("en-GB", {
  year: "numeric",
  month: "short",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
});

export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return "—";
  return dateTime.format(typeof value === "string" ? new Date(value) : value);
}

/** How long ago, in words an operator reads at a glance: `42s ago`, `3 min ago`, `5 h ago`, `3 d ago`. */
export function formatAge(value: Date, now: number): string {
  const seconds = Math.max(0, Math.round((now - value.getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

export function formatParameters(parameters: Record<string, unknown>): string {
  const entries = Object.entries(parameters);
  if (entries.length === 0) return "—";
  return entries.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ");
}

export function formatPercent(value: number): string {
  return `${value.toFixed(1)}%`;
}

/** Time left until `deadline`: `2 d 3 h`, `3 h 12 min`, `4 min 05 s`, `42 s`; `null` once it has passed. */
export function formatTimeLeft(deadline: Date, now: number): string | null {
  const seconds = Math.floor((deadline.getTime() - now) / 1000);
  if (seconds <= 0) return null;
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  if (hours >= 24) return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  if (hours > 0) return `${hours} h ${minutes % 60} min`;
  if (minutes > 0) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${seconds} s`;
}

/** A duration in seconds: `42 s`, `3 min 05 s`, `2 h 10 min`, `3 d 4 h`; `—` for null. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  const hours = Math.floor(minutes / 60);
  if (hours >= 24) return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  if (hours > 0) return `${hours} h ${minutes % 60} min`;
  return `${minutes} min ${String(s % 60).padStart(2, "0")} s`;
}
