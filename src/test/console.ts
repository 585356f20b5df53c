// Unexpected console.error fails the test (src/test/setup.ts installs the check); a test that
// means to provoke one says so first with expectConsoleError(pattern), and then it must happen.
import { format } from "node:util";

interface ExpectedError {
  pattern: RegExp;
  seen: number;
}

const state = {
  expected: [] as ExpectedError[],
  unexpected: [] as string[],
};

/** The next console.error calls matching `pattern` in this test are expected (at least one must come). */
export function expectConsoleError(pattern: RegExp | string): void {
  state.expected.push({ pattern: typeof pattern === "string" ? new RegExp(literal(pattern)) : pattern, seen: 0 });
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replaces console.error for the test file: unexpected calls are kept for the check and still printed. */
export function captureConsoleErrors(): void {
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    const text = format(...args);
    const match = state.expected.find((e) => e.pattern.test(text));
    if (match) {
      match.seen++;
      return;
    }
    state.unexpected.push(text);
    original(...args);
  };
}

/** Clears the expectations and reports what went wrong since the last call (empty: nothing). */
export function takeConsoleErrorProblems(): string[] {
  const problems = [
    ...state.unexpected.map((text) => `unexpected console.error: ${text}`),
    ...state.expected
      .filter((e) => e.seen === 0)
      .map((e) => `expected a console.error matching ${e.pattern}, none came`),
  ];
  state.expected = [];
  state.unexpected = [];
  return problems;
}
