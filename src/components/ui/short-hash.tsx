/** Characters of a hash (or key id) shown inline; enough to tell two apart at a glance. */
const SHORT = 12;

/** A hash or key id cut to its first 12 characters, monospace; the full value in the tooltip. */
export function ShortHash({ value, className = "", testId }: { value: string; className?: string; testId?: string }) {
  return (
    <code title={value} data-testid={testId} className={`font-mono ${className}`}>
      {value.slice(0, SHORT)}
    </code>
  );
}
