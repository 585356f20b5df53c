/** Exit codes of `npm run audit:verify` (docs/audit.md#verify). */
export const EXIT = {
  intact: 0,
  unreadable: 2,
  modified: 3,
  missing: 4,
  inserted: 5,
  reordered: 6,
  truncated: 7,
  badSignature: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The one-line answer: the exit code and what a person reads. */
export interface Verdict {
  code: ExitCode;
  message: string;
}

const LABEL: Record<ExitCode, string> = {
  0: "intact",
  2: "unreadable input",
  3: "modified event",
  4: "missing event",
  5: "inserted or duplicated event",
  6: "reordered events",
  7: "truncated",
  8: "bad signature",
};

export function fail(code: Exclude<ExitCode, 0>, detail: string): Verdict {
  const head = code === EXIT.unreadable ? "ERROR" : "FAIL";
  return { code, message: `${head} (${code} ${LABEL[code]}): ${detail}` };
}

export const count = (n: number) => n.toLocaleString("en-US");
export const short = (hash: string) => `${hash.slice(0, 12)}…`;
/** A kid as the OK line shows it (an RFC 7638 thumbprint is 43 characters). */
export const abbreviated = (kid: string) => (kid.length > 16 ? short(kid) : kid);
