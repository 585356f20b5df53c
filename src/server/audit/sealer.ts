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
  writeSeals,
} from "@/server/db/stores/audit";
import { logger } from "@/server/logger";

/** Events sealed per transaction. */
const BATCH = 2000;
/** How long to wait before trying again when another sealer holds an organization. */
const BUSY_RETRY_MS = 25;

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
      let { seq, hash } = (await findChainHead(tx, organizationId)) ?? { seq: 0, hash: GENESIS_HASH };
      const seals: Seal[] = (await listUnsealedEvents(tx, organizationId, BATCH)).map((event) => {
        const prevHash = hash;
        seq += 1;
        hash = eventHash({
          organizationId,
          seq,
          actionId: event.actionId,
          type: event.type,
          actor: event.actor,
          data: event.data,
          createdAt: event.createdAt.toISOString(),
          prevHash,
        });
        return { id: event.id, seq, prevHash, hash };
      });
      await writeSeals(tx, organizationId, seals);
      return seals.length;
    });
    if (batch === undefined) return { sealed, busy: true };
    sealed += batch;
    if (batch < BATCH) return { sealed, busy: false };
  }
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
 * notifies at commit, with the organization), it seals that organization at once, one run per
 * organization at a time in this process; a wake-up during a run makes it run again. A busy
 * organization (another process sealing) is retried shortly, until this process has seen it
 * with nothing left. After a lost LISTEN connection every organization is swept.
 */
export function startSealer(db: Db, listener: Listener): { stop(): Promise<void> } {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let stopped = false;

  async function run(organizationId: string): Promise<void> {
    do {
      again.delete(organizationId);
      try {
        const { busy } = await sealOrganization(db, organizationId);
        if (busy) {
          again.add(organizationId);
          await sleep(BUSY_RETRY_MS);
        }
      } catch (err) {
        logger().error({ err, organizationId }, "sealing the audit chain failed; the sweep retries");
        return;
      }
    } while (again.has(organizationId) && !stopped);
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
  sweep();
  return {
    async stop() {
      stopped = true;
      unsubscribe();
      await Promise.allSettled([...running.values()]);
    },
  };
}
