import { describe, expect, it } from "vitest";
import { isTypingTarget, type KeyLike, queueCommandOf } from "./queue-shortcuts";

const element = (tagName: string, opts: { editable?: boolean; inDialog?: boolean } = {}) => ({
  tagName,
  isContentEditable: opts.editable ?? false,
  closest: (selector: string) => (opts.inDialog && selector.includes('[role="dialog"]') ? {} : null),
});
const key = (k: string, overrides: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  defaultPrevented: false,
  target: element("BODY"),
  ...overrides,
});

describe("queueCommandOf", () => {
  it("maps j/k/a/r/o/? to their commands and ignores other keys", () => {
    expect(["j", "k", "a", "r", "o", "?"].map((k) => queueCommandOf(key(k), false))).toEqual([
      "next",
      "previous",
      "approve",
      "reject",
      "open",
      "help",
    ]);
    expect(queueCommandOf(key("x"), false)).toBeNull();
    expect(queueCommandOf(key("J"), false)).toBeNull();
  });

  it("never fires while typing, in a dialog, with a modifier or when already handled", () => {
    for (const tag of ["INPUT", "TEXTAREA", "SELECT"])
      expect(queueCommandOf(key("a", { target: element(tag) }), false)).toBeNull();
    expect(queueCommandOf(key("a", { target: element("DIV", { editable: true }) }), false)).toBeNull();
    expect(queueCommandOf(key("a", { target: element("BUTTON", { inDialog: true }) }), false)).toBeNull();
    expect(queueCommandOf(key("a"), true)).toBeNull();
    expect(queueCommandOf(key("r", { ctrlKey: true }), false)).toBeNull();
    expect(queueCommandOf(key("r", { metaKey: true }), false)).toBeNull();
    expect(queueCommandOf(key("o", { altKey: true }), false)).toBeNull();
    expect(queueCommandOf(key("j", { defaultPrevented: true }), false)).toBeNull();
    // A focused row or button is not typing.
    expect(queueCommandOf(key("a", { target: element("BUTTON") }), false)).toBe("approve");
  });

  it("isTypingTarget: non-elements are not typing", () => {
    expect(isTypingTarget(null)).toBe(false);
    expect(isTypingTarget({})).toBe(false);
  });
});
