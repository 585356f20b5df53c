import autocannon, { type Options as AutocannonOptions } from "autocannon";
import { type CpuShare, cpuMeter } from "./proc-stats";

export interface LoadOptions {
  url: string;
  token: string;
  connections: number;
  /** Seconds; or `amount` requests; or until `until` settles (then the run is stopped). */
  durationSeconds?: number;
  amount?: number;
  until?: Promise<unknown>;
  method?: "GET" | "POST";
  body?: unknown;
  /** The server's pid, for the CPU split. */
  serverPid: number;
  /**
   * The path of each request, taken as it is sent (e.g. the next action id of a list): every
   * request of the run gets its own, `amount` in all. Default: the url's path every time.
   */
  nextPath?: () => string;
  /** Every response's status and body (the load generator's CPU pays for the body string). */
  onResponse?: (status: number, body: string) => void;
}

export interface LoadResult {
  connections: number;
  requests: number;
  seconds: number;
  rps: number;
  /** Exact percentiles of the 2xx response times (ms, float), not autocannon's integer histogram. */
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpu: CpuShare;
  /** Server CPU per request (ms): independent of what else runs on the machine, unlike rps. */
  serverCpuMsPerRequest: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** One autocannon run (programmatic API) with a bearer token; latencies recorded per response. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const times: number[] = [];
  const meter = cpuMeter(options.serverPid);
  const { nextPath, onResponse } = options;
  // A connection builds its first request when it is created, and autocannon shares
  // `options.requests`' objects between connections: with a `setupRequest` there, every
  // connection would send the path built last first. So each connection gets its own request
  // object; its first build takes the first path it sends, each later send one more.
  const perConnection: Pick<AutocannonOptions, "setupClient"> =
    nextPath || onResponse
      ? {
          setupClient: (client) =>
            client.setRequests([
              {
                ...(nextPath && { setupRequest: (request) => ({ ...request, path: nextPath() }) }),
                ...(onResponse && { onResponse: (status, body) => onResponse(status, body) }),
              },
            ]),
        }
      : {};
  const started = performance.now();
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount
      ? { amount: options.amount }
      : { duration: options.until ? 3600 : (options.durationSeconds ?? 10) }),
    method: options.method ?? "GET",
    headers: {
      authorization: `Bearer ${options.token}`,
      ...(options.body ? { "content-type": "application/json" } : {}),
    },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
    ...perConnection,
    timeout: 120,
  });
  // autocannon notices that an `amount` run is done at its next 1 s sample tick, and rounds its
  // duration to that: the run ends at the amount-th response instead (time and CPU).
  let responses = 0;
  let end: { cpu: CpuShare; seconds: number } | undefined;
  instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) times.push(ms);
    if (++responses === options.amount) end = { cpu: meter.stop(), seconds: (performance.now() - started) / 1000 };
  });
  options.until?.finally(() => instance.stop());
  const result = await instance;
  const { cpu, seconds } = end ?? { cpu: meter.stop(), seconds: result.duration };
  times.sort((a, b) => a - b);
  const requests = result["2xx"] + result.non2xx;
  return {
    connections: options.connections,
    requests,
    seconds: round(seconds, 3),
    rps: round(requests / (seconds || 1), 1),
    p50: round(percentile(times, 50)),
    p99: round(percentile(times, 99)),
    non2xx: result.non2xx,
    errors: result.errors,
    cpu,
    serverCpuMsPerRequest: round(cpu.serverMs / (requests || 1), 3),
  };
}

/** Untimed: the same load briefly, so JIT, pools and caches are warm before measuring. */
export async function warmUp(options: LoadOptions, seconds: number): Promise<void> {
  if (seconds > 0) await runLoad({ ...options, durationSeconds: seconds, amount: undefined, until: undefined });
}
