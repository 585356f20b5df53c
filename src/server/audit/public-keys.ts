import type { JWK } from "jose";
import { db } from "@/server/db/client";
import { auditJwks } from "./keys";

/**
 * The one public entry of the audit domain (no token): GET /.well-known/remediation-audit-keys,
 * every key that ever signed a checkpoint (docs/audit.md#keys).
 */
export function publicAuditKeys(): Promise<{ keys: JWK[] }> {
  return auditJwks(db());
}
