// The remediation_actions store (docs/data-model.md#remediation_actions): every statement on the
// table, organization first. Split by kind of work; import from here.

export * from "./approvals";
export * from "./decisions";
export * from "./execution";
export * from "./expiry";
export * from "./export";
export * from "./notices";
export * from "./override-review";
export * from "./pending-queue";
export * from "./reads";
export * from "./replay";
export * from "./retention";
export * from "./row";
