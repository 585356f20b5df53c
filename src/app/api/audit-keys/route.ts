import { publicAuditKeys } from "@/server/audit/public-keys";

// GET /.well-known/remediation-audit-keys (rewritten here: the app router does not route dot
// folders). Public: the keys that verify audit checkpoints (docs/audit.md#keys).
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET(): Promise<Response> {
  return Response.json(await publicAuditKeys(), { headers: { "cache-control": "public, max-age=300" } });
}
