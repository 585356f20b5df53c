/**
 * Coalesced reads (docs/adr/0020-coalesced-hot-reads.md): callers asking the same question at
 * the same time share one statement. A caller never gets an answer read before it asked: one
 * that arrives while the read for its key is in flight waits for that read to end and then
 * shares the NEXT read with every caller that arrived meanwhile (its snapshot starts after all of
 * them arrived, so it sees every commit they could have seen). A key with no read in flight
 * reads at once; an idle process adds no wait. A failed read fails the callers that shared it.
 */
export function coalescedRead<T, R>(
  keyOf: (input: T) => string,
  read: (input: T) => Promise<R>,
): (input: T) => Promise<R> {
  interface Slot {
    running: Promise<R>;
    /** The read the callers that arrived during `running` share; it starts when `running` ends. */
    next: Promise<R> | undefined;
  }
  const slots = new Map<string, Slot>();
  const settled = () => undefined;

  const start = (key: string, input: T): Promise<R> => {
    const slot: Slot = { running: read(input), next: undefined };
    slots.set(key, slot);
    void slot.running.then(settled, settled).then(() => {
      // A waiting `next` replaces this slot itself when it starts.
      if (slots.get(key) === slot && slot.next === undefined) slots.delete(key);
    });
    return slot.running;
  };

  return (input) => {
    const key = keyOf(input);
    const slot = slots.get(key);
    if (!slot) return start(key, input);
    slot.next ??= slot.running.then(settled, settled).then(() => start(key, input));
    return slot.next;
  };
}
