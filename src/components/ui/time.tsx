"use client";
import { formatAge, formatDateTime } from "./format";
import { useNow } from "./use-now";

/**
 * A moment as "3 min ago", kept current, with the exact UTC time on hover and in `dateTime` for
 * machines. The relative text differs between the server's render and the browser's by a few
 * seconds at most, hence no hydration warning for it.
 */
export function RelativeTime({ value, className = "" }: { value: Date | string; className?: string }) {
  const date = typeof value === "string" ? new Date(value) : value;
  const now = useNow();
  return (
    <time
      dateTime={date.toISOString()}
      title={formatDateTime(date)}
      data-testid="relative-time"
      className={className}
      suppressHydrationWarning
    >
      {formatAge(date, now)}
    </time>
  );
}
