import type { RestRoute } from "../types";

export const auditRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/remediation/audit/checkpoint",
    procedure: "audit.checkpoint",
    summary:
      "The organization's audit chain head, signed (Ed25519; keys at /.well-known/remediation-audit-keys): { organizationId, seq, hash, issuedAt, kid, signature }",
  },
  {
    method: "GET",
    path: "/remediation/audit/export",
    procedure: "audit.export",
    summary:
      "The audit chain as NDJSON, streamed: one line per event (or pruned stub) with seq in [fromSeq, toSeq], then a line with the checkpoint signed for the last seq. Verify offline with `npm run audit:verify`",
    ndjson: {
      filename: "remediation-audit.ndjson",
      description:
        'Lines {seq, prevHash, hash, organizationId, actionId, type, actor, data, createdAt} or {seq, hash, pruned: true}, then {"checkpoint": {...}, "range": {fromSeq, toSeq}}',
    },
  },
];
