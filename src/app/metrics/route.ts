import { handleMetrics } from "@/server/rest/metrics";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Prometheus scrape endpoint (docs/behaviour.md#prometheus-metrics). */
export function GET(request: Request): Promise<Response> {
  return handleMetrics(request);
}
