import type { CheckedEvent } from "./check-line";
import { EXIT, fail, short, type Verdict } from "./verdict";

/**
 * Whether a checked event line re-hashed to its hash and links to the line before it, and if not
 * how the anomaly is classified (docs/audit.md#verify). `expectedPrevHash` is undefined for the
 * export's anchor (a first line after seq 1), whose link cannot be checked.
 */
export function eventProblem(event: CheckedEvent, expectedPrevHash: string | undefined): Verdict | undefined {
  const { seq } = event;
  if (event.content === "renumbered") {
    return fail(
      EXIT.inserted,
      `an event was inserted at seq ${seq - 1} (the event after it was renumbered to ${seq}).`,
    );
  }
  if (event.content === "modified") {
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
