import { setTimeout as sleep } from "node:timers/promises";
import { eventHash, GENESIS_HASH } from "@/audit/chain";
import { type Db, transaction } from "@/server/db/client";
import type { Listener } from "@/server/db/listener";
import {
  acrossOrganizationsWithUnsealedEvents,
  findChainHead,
  listUnsealedEvents,
  type Seal,
  tryLockSealing,
  type UnsealedEvent,
  writeSeals,
} from "@/server/db/stores/audit";
import { logger } from "@/server/logger";

/** Events sealed per transaction. */
const BATCH = 2000;
/** How long to wait before trying again when another sealer holds an organization. */
const BUSY_RETRY_MS = 25;
/** While an organization is active the sealer polls it this often… */
const POLL_MS = 50;
/** …until this long after its last seal (well past the wake trigger's 1 s quiet time). */
const LINGER_MS = 5000;

/**
 * Seals the organization's committed unsealed events (docs/audit.md#sealing): under the
 * organization's sealing lock, each gets the next seq, the previous hash and its own hash, in
 * batches, and the head moves with them. `busy`: another sealer holds the lock (it may have read
 * its batch before our events committed, so the caller tries again).
 */
export async function sealOrganization(db: Db, organizationId: string): Promise<{ sealed: number; busy: boolean }> {
  let sealed = 0;
  for (;;) {
    const batch = await transaction(db, async (tx) => {
      if (!(await tryLockSealing(tx, organizationId))) return undefined;
      const head = (await findChainHead(tx, organizationId)) ?? { seq: 0, hash: GENESIS_HASH };
      const seals = chainSeals(organizationId, head, await listUnsealedEvents(tx, organizationId, BATCH));
      await writeSeals(tx, organizationId, seals);
      return seals.length;
    });
    if (batch === undefined) return { sealed, busy: true };
    sealed += batch;
    if (batch < BATCH) return { sealed, busy: false };
  }
}

/**
 * The seals of `events` (in sealing order) chained onto `head`: each gets the next seq, the
 * previous hash and its own `eventHash`. Pure; the one place the chain is extended.
 */
export function chainSeals(
  organizationId: string,
  head: { seq: number; hash: string },
  events: readonly UnsealedEvent[],
): Seal[] {
  let { seq, hash } = head;
  return events.map((event) => {
    const prevHash = hash;
    seq += 1;
    hash = eventHash({
      organizationId,
      seq,
      actionId: event.actionId,
      type: event.type,
      actor: event.actor,
      data: event.data,
      createdAt: new Date(event.createdAt).toISOString(),
      prevHash,
    });
    return { id: event.id, seq, prevHash, hash };
  });
}

/** Seals every organization that has unsealed events (the sweep; a worker's start). */
export async function acrossOrganizationsSealAll(db: Db): Promise<number> {
  let sealed = 0;
  for (const organizationId of await acrossOrganizationsWithUnsealedEvents(db)) {
    sealed += (await sealOrganization(db, organizationId)).sealed;
  }
  return sealed;
}

/**
 * The sealer a worker process runs: woken by `rcc_audit_unsealed` (the events' insert trigger
 * notifies at commit, with the organization, unless the organization was sealed within the last
 * second), it seals that organization at once and keeps polling it every 50 ms until 5 s pass
 * without anything to seal, one run per organization at a time in this process. A busy
 * organization (another process sealing) is retried shortly. After a lost LISTEN connection
 * every organization is swept; a cron sweep every minute catches anything else.
 */
export function startSealer(db: Db, listener: Listener): { ready: Promise<void>; stop(): Promise<void> } {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let stopped = false;

  async function run(organizationId: string): Promise<void> {
    let lastSealed = Date.now();
    for (;;) {
      again.delete(organizationId);
      try {
        const { sealed, busy } = await sealOrganization(db, organizationId);
        if (sealed > 0) lastSealed = Date.now();
        if (busy) again.add(organizationId);
      } catch (err) {
        logger().error({ err, organizationId }, "sealing the audit chain failed; the sweep retries");
        return;
      }
      if (stopped) return;
      // Lingers while the organization is active: its writers skip the NOTIFY for a second after
      // each seal (the events' wake trigger), so this loop must still be polling then.
      if (!again.has(organizationId) && Date.now() - lastSealed >= LINGER_MS) return;
      await sleep(again.has(organizationId) ? BUSY_RETRY_MS : POLL_MS);
    }
  }

  function wake(organizationId: string): void {
    if (stopped || !organizationId) return;
    if (running.has(organizationId)) {
      again.add(organizationId);
      return;
    }
    const task = run(organizationId).finally(() => running.delete(organizationId));
    running.set(organizationId, task);
  }

  function sweep(): void {
    acrossOrganizationsWithUnsealedEvents(db)
      .then((ids) => ids.forEach(wake))
      .catch((err) => logger().warn({ err }, "audit sweep could not list organizations"));
  }

  const unsubscribe = listener.subscribe("rcc_audit_unsealed", { onNotify: wake, onReconnect: sweep });
  // LISTEN first, then the sweep: an event committed in between is caught by one or the other.
  const ready = listener.ready().then(sweep);
  return {
    ready,
    async stop() {
      stopped = true;
      unsubscribe();
      await Promise.allSettled([...running.values()]);
    },
  };
}
