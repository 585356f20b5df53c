import { isConnectionError } from "./client";

/**
 * Group commit for independent one-statement writes of one kind (docs/adr/0017-execution-outcomes-group-committed.md).
 * A write submitted while a statement of its kind is in flight waits for that statement and then
 * goes with every other write that arrived meanwhile, in ONE statement (one commit, one WAL flush,
 * one pass of the statement-level triggers); one submitted while none is in flight goes at the next
 * turn of the event loop, with those submitted in the same turn. No timer: an idle process writes
 * at once, a busy one writes in groups as large as its backlog (at most `maxBatch`).
 *
 * Each write keeps its own answer. If a group's statement fails for a reason other than the
 * connection (a value the database refuses), its writes are retried one statement each, so one
 * bad write fails alone; a connection error fails the whole group, as it would have failed each.
 * Two writes with the same `key` (when given) never share a statement: the later waits for the next group.
 */
export function groupCommit<T, R>(options: {
  maxBatch: number;
  key?: (item: T) => string;
  /** One statement for the group; its answers in the items' order. */
  run: (items: T[]) => Promise<R[]>;
}): (item: T) => Promise<R> {
  interface Pending {
    item: T;
    resolve: (value: R) => void;
    reject: (error: unknown) => void;
  }
  let queue: Pending[] = [];
  let busy = false;

  const settle = async (group: Pending[]) => {
    try {
      const answers = await options.run(group.map((p) => p.item));
      for (const [i, p] of group.entries()) p.resolve(answers[i] as R);
    } catch (error) {
      if (group.length === 1 || isConnectionError(error)) {
        for (const p of group) p.reject(error);
        return;
      }
      await Promise.all(
        group.map((p) =>
          options.run([p.item]).then(
            ([answer]) => p.resolve(answer as R),
            (err) => p.reject(err),
          ),
        ),
      );
    }
  };

  const next = (): Pending[] => {
    const keys = new Set<string>();
    const group: Pending[] = [];
    const rest: Pending[] = [];
    for (const p of queue) {
      const key = options.key?.(p.item);
      if (group.length < options.maxBatch && (key === undefined || !keys.has(key))) {
        if (key !== undefined) keys.add(key);
        group.push(p);
      } else rest.push(p);
    }
    queue = rest;
    return group;
  };

  const flush = async () => {
    while (queue.length > 0) await settle(next());
    busy = false;
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (busy) return;
      busy = true;
      setImmediate(() => void flush());
    });
}
