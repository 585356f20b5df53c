// Habit 8: an unexpected error report fails the test. Reports are console.error calls and the app
// logger's error/fatal lines (pino writes to stdout itself, not through console, and LOG_LEVEL is
// silent in tests, so its error calls are caught here at the logger). A test that means to provoke
// one declares it first with expectErrorLog(pattern); then it must happen.
import { format } from "node:util";
import type { Logger } from "pino";

interface ExpectedReport {
  pattern: RegExp;
  seen: number;
}

const state = { expected: [] as ExpectedReport[], unexpected: [] as string[] };

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Error reports matching `pattern` are expected in this test (at least one must come). */
export function expectErrorLog(pattern: RegExp | string): void {
  state.expected.push({ pattern: typeof pattern === "string" ? new RegExp(literal(pattern)) : pattern, seen: 0 });
}

/** Records a report: true when a test declared it, else it is kept for the check. */
function report(text: string): boolean {
  const match = state.expected.find((e) => e.pattern.test(text));
  if (match) {
    match.seen++;
    return true;
  }
  state.unexpected.push(text);
  return false;
}

/** Installs the capture for this test file: console.error, and the logger's error and fatal. */
export function captureErrorReports(logger: Logger): void {
  const consoleError = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    // An unexpected one is still printed, where it happened.
    if (!report(format(...args))) consoleError(...args);
  };
  for (const level of ["error", "fatal"] as const) {
    const log = logger[level].bind(logger) as (...args: unknown[]) => void;
    (logger as unknown as Record<string, unknown>)[level] = (...args: unknown[]) => {
      const [first, ...rest] = args;
      // pino's (object, message, ...) and (message, ...) call shapes; the error's message counts too.
      const err = first && typeof first === "object" ? (first as { err?: unknown }).err : undefined;
      const text = [
        ...(typeof first === "string" ? [format(first, ...rest)] : [format(...rest)]),
        ...(err instanceof Error ? [err.message] : []),
      ].join(" ");
      report(`logger.${level}: ${text}`);
      log(...args);
    };
  }
}

/** What went wrong since the last call (empty: nothing); clears the expectations. */
export function takeErrorReportProblems(): string[] {
  const problems = [
    ...state.unexpected.map((text) => `unexpected error report: ${text}`),
    ...state.expected
      .filter((e) => e.seen === 0)
      .map((e) => `expected an error report matching ${e.pattern}, none came`),
  ];
  state.expected = [];
  state.unexpected = [];
  return problems;
}
