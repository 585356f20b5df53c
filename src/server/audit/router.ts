import { requires, router } from "@/server/trpc";
import { exportAudit } from "./export-audit";
import { getCheckpoint } from "./get-checkpoint";
import { auditExportInput, auditExportOutput, checkpointSchema } from "./schemas";

export const auditRouter = router({
  checkpoint: requires("remediation:view")
    .output(checkpointSchema)
    .query(({ ctx }) => getCheckpoint(ctx)),
  // Streams through the REST adapter as application/x-ndjson.
  export: requires("remediation:view")
    .input(auditExportInput)
    .output(auditExportOutput)
    .query(({ ctx, input }) => exportAudit(ctx, input)),
});
