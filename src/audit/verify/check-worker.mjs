// The entry of a verifier worker thread (src/audit/verify/parallel-check.ts). The verifier runs
// under tsx, whose module hooks a worker thread does not inherit (Node 20): register them here,
// then load the TypeScript worker.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
