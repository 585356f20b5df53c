import pg from "pg";

/**
 * What the database's active backends are waiting on, sampled every `intervalMs` from
 * pg_stat_activity: the share of samples per wait event ("CPU" = running, no wait). Explains a
 * write path that does not scale (e.g. Lock:transactionid = transactions queued on one row lock).
 */
export function waitSampler(
  databaseUrl: string,
  intervalMs = 100,
): { stop(): Promise<Record<string, number>>; samples(): number } {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "rcc-bench-sampler" });
  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query<{ event: string; n: number }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS event, count(*)::int AS n
         FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
           AND backend_type = 'client backend'
         GROUP BY 1`,
      );
      samples++;
      for (const r of rows) counts.set(r.event, (counts.get(r.event) ?? 0) + r.n);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    /** Queries run so far (one commit each in the sampled database: P5 counts commits). */
    samples: () => samples,
    async stop() {
      stopped = true;
      await loop.catch(() => {});
      await client.end().catch(() => {});
      // Average number of backends in each state per sample, largest first.
      const out: Record<string, number> = {};
      for (const [event, n] of [...counts].sort((a, b) => b[1] - a[1])) {
        out[event] = Math.round((n / (samples || 1)) * 100) / 100;
      }
      return out;
    },
  };
}
