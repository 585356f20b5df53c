import { timingSafeEqual } from "node:crypto";
import { resolvePrincipal } from "@/server/auth/resolve-principal";
import { env } from "@/server/env";
import { scrapeMetrics } from "@/server/metrics/scrape";
import { authorize } from "@/server/trpc";
import { errorResponse } from "./handler";

/** Prometheus text exposition format 0.0.4 (what prom-client writes). */
const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function isMetricsToken(authorization: string | null, metricsToken: string | undefined): boolean {
  if (!metricsToken || !authorization) return false;
  const presented = Buffer.from(authorization.trim());
  const expected = Buffer.from(`Bearer ${metricsToken}`);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/**
 * GET /metrics (docs/behaviour.md#prometheus-metrics): `Authorization: Bearer <METRICS_TOKEN>`
 * scrapes every organization and the process; any other caller needs remediation:view (an API
 * token or a session, 401/403 as on every REST path) and sees its own organization's series.
 * `metricsToken`: tests pass their own instead of the environment's.
 */
export async function handleMetrics(
  request: Request,
  metricsToken: string | undefined = env().METRICS_TOKEN,
): Promise<Response> {
  try {
    const operator = isMetricsToken(request.headers.get("authorization"), metricsToken);
    const organizationId = operator
      ? null
      : authorize(await resolvePrincipal(request), "remediation:view").organizationId;
    return new Response(await scrapeMetrics(organizationId), {
      status: 200,
      headers: { "content-type": CONTENT_TYPE, "cache-control": "no-store" },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
