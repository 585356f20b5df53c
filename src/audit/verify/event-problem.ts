import { eventHash } from "../chain";
import type { ExportedEvent } from "./parse-line";
import { EXIT, fail, short, type Verdict } from "./verdict";

/**
 * Whether an event line re-hashes to its hash and links to the line before it, and if not how
 * the anomaly is classified (docs/audit.md#verify). `expectedPrevHash` is undefined for the
 * export's anchor (a first line after seq 1), whose link cannot be checked.
 */
export function eventProblem(event: ExportedEvent, expectedPrevHash: string | undefined): Verdict | undefined {
  const { seq } = event;
  const actual = hashOrUndefined(event);
  if (actual !== event.hash) {
    // Renumbered by one and otherwise untouched: an event was inserted before it.
    if (actual !== undefined && seq > 1 && eventHash({ ...event, seq: seq - 1 }) === event.hash) {
      return fail(
        EXIT.inserted,
        `an event was inserted at seq ${seq - 1} (the event after it was renumbered to ${seq}).`,
      );
    }
    return fail(EXIT.modified, `event seq ${seq} does not match its hash — its content was changed.`);
  }
  if (expectedPrevHash !== undefined && event.prevHash !== expectedPrevHash) {
    if (seq === 1) return fail(EXIT.modified, "event seq 1 does not start from the genesis hash — it was replaced.");
    return fail(
      EXIT.modified,
      `event seq ${seq - 1} was changed: its hash ${short(expectedPrevHash)} is not the prevHash of event ${seq} (${short(event.prevHash)}).`,
    );
  }
  return undefined;
}

function hashOrUndefined(event: ExportedEvent): string | undefined {
  try {
    return eventHash(event);
  } catch {
    // A value with no canonical JSON form (a lone surrogate): no hash can match it.
    return undefined;
  }
}
