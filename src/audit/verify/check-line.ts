import { eventHash } from "../chain";
import { type ExportedEvent, type ExportLine, parseLine } from "./parse-line";

/**
 * What one export line says on its own, before its place in the chain is looked at
 * (docs/audit.md#verify): its kind and fields, and for an event whether it re-hashes to its
 * hash. This is the costly part of a verification (JSON parsing, canonical JSON, SHA-256) and
 * depends on no other line, so a large export checks its lines on worker threads and only the
 * links between them in order (`parallel-check.ts`).
 */
export type CheckedLine = Exclude<ExportLine, { kind: "event" }> | { kind: "event"; event: CheckedEvent };

/** An event line without its content, with what re-hashing the content showed. */
export interface CheckedEvent {
  seq: number;
  prevHash: string;
  hash: string;
  organizationId: string;
  /**
   * `intact`: it re-hashes to its hash; `renumbered`: it does so only with seq - 1 (an event was
   * inserted before it); `modified`: neither.
   */
  content: "intact" | "renumbered" | "modified";
}

export function checkLine(text: string): CheckedLine {
  const line = parseLine(text);
  if (line.kind !== "event") return line;
  const { seq, prevHash, hash, organizationId } = line.event;
  return { kind: "event", event: { seq, prevHash, hash, organizationId, content: contentOf(line.event) } };
}

function contentOf(event: ExportedEvent): CheckedEvent["content"] {
  const actual = hashOrUndefined(event);
  if (actual === event.hash) return "intact";
  if (actual !== undefined && event.seq > 1 && eventHash({ ...event, seq: event.seq - 1 }) === event.hash) {
    return "renumbered";
  }
  return "modified";
}

function hashOrUndefined(event: ExportedEvent): string | undefined {
  try {
    return eventHash(event);
  } catch {
    // A value with no canonical JSON form (a lone surrogate): no hash can match it.
    return undefined;
  }
}
