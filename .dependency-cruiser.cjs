// Layer rules of src/ (README "Architecture"), checked by `npm run check:deps` and `npm run check`.
// A rule here is the architecture we hold the code to; fix the import, not the rule.
// Test files (*.test.ts) are not cruised: nothing imports them, so they cannot close a module
// cycle; they may set state up through any layer; and counted in, every folder with tests would
// depend on the test kit (src/test) and the kit on it, hiding the real folder cycles.
const DOMAINS = "remediation|incidents|policy|reporting|execution|audit|email|auth|demo|ui";
const TEST_KIT = "^src/test/";
// Drivers, Prisma's runtime and the generated Prisma client (its `Prisma.sql` builds SQL): stores only.
const SQL_MODULES =
  "^src/generated/prisma/|(^|/)node_modules/(@types/)?(pg|pg-copy-streams)/|(^|/)node_modules/@prisma/(client|adapter-pg)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import cycle anywhere in src/ (type-only imports count: they couple modules too).",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/generated/" },
      to: { circular: true },
    },
    {
      name: "no-circular-server-folders",
      comment:
        "No cycle between the folders of src/server, even when no single module cycle exists " +
        "(execution → jobs → execution through different files).",
      severity: "error",
      scope: "folder",
      from: { path: "^src/server/[^/]+$" },
      to: { path: "^src/server/[^/]+$", circular: true },
    },
    {
      name: "ui-not-to-server",
      comment:
        "Components and isomorphic helpers run in the browser: they reach the server through tRPC only. " +
        "src/lib/trpc.ts may import the AppRouter type from src/server/root.ts (next two rules).",
      severity: "error",
      from: { path: "^src/(components|lib)/", pathNot: "^src/lib/trpc\\.ts$" },
      to: { path: "^src/server/" },
    },
    {
      name: "trpc-client-only-router-type",
      comment: "src/lib/trpc.ts takes the AppRouter type from src/server/root.ts and nothing else from src/server.",
      severity: "error",
      from: { path: "^src/lib/trpc\\.ts$" },
      to: { path: "^src/server/", pathNot: "^src/server/root\\.ts$" },
    },
    {
      name: "trpc-client-router-type-only",
      comment: "src/lib/trpc.ts imports src/server/root.ts as a type (`import type { AppRouter }`), never its code.",
      severity: "error",
      from: { path: "^src/lib/trpc\\.ts$" },
      to: { path: "^src/server/root\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "app-to-server-entry-points-only",
      comment:
        "Routes and pages reach the server through procedures (root, trpc), the REST adapter, auth, " +
        "health, runtime, env, logger, the error table and the audit keys' public entry — never a store or a use case directly.",
      severity: "error",
      from: { path: "^src/app/" },
      to: {
        path: "^src/server/",
        pathNot:
          "^src/server/(root|trpc|health|runtime|env|logger|errors)\\.ts$|^src/server/(rest|auth)/|^src/server/audit/public-keys\\.ts$",
      },
    },
    {
      name: "sql-only-in-stores",
      comment:
        "pg, pg-copy-streams and the generated Prisma client (Prisma.sql, the model API) are imported by " +
        "src/server/db only: every statement lives in its table's store.",
      severity: "error",
      from: { path: "^src/", pathNot: `^src/server/db/|^src/generated/|${TEST_KIT}` },
      to: { path: SQL_MODULES, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "prisma-types-only-through-stores",
      comment:
        "Row types come from the stores too: outside src/server/db, do not import types from the generated " +
        "Prisma client or the drivers either (a store exports the row shapes it returns).",
      severity: "error",
      from: { path: "^src/", pathNot: `^src/server/db/|^src/generated/|${TEST_KIT}` },
      to: { path: SQL_MODULES, dependencyTypes: ["type-only"] },
    },
    {
      name: "policy-evaluation-pure",
      comment:
        "evaluate-policy.ts is pure (no database, no transport): it imports nothing from src/server (its schema is src/lib/policy-schema.ts).",
      severity: "error",
      from: { path: "^src/server/policy/evaluate-policy\\.ts$" },
      to: { path: "^src/(server|app|components|generated)/" },
    },
    {
      name: "audit-standalone",
      comment:
        "src/audit (the chain's definitions and the offline verifier, docs/audit.md#verify) runs without the " +
        "app: nothing from src/server, src/app or src/components, no Prisma client, no database driver.",
      severity: "error",
      from: { path: "^src/audit/" },
      to: { path: `^src/(server|app|components)/|${SQL_MODULES}` },
    },
    {
      name: "db-knows-no-domain",
      comment: "src/server/db (clients, transaction type, stores) knows no domain, no job, no procedure.",
      severity: "error",
      from: { path: "^src/server/db/" },
      to: { path: `^src/server/(${DOMAINS}|rest|jobs)/|^src/server/(trpc|root)\\.ts$` },
    },
    {
      name: "jobs-know-no-domain",
      comment: "src/server/jobs is pg-boss plumbing: domains export job definitions, jobs registers what it is given.",
      severity: "error",
      from: { path: "^src/server/jobs/" },
      to: { path: `^src/server/(${DOMAINS}|rest)/` },
    },
    {
      name: "domains-not-to-rest",
      comment: "The REST adapter maps HTTP onto procedures; domains never depend on it.",
      severity: "error",
      from: { path: `^src/server/(${DOMAINS})/` },
      to: { path: "^src/server/rest/" },
    },
    {
      name: "simulate-only-in-tests",
      comment: "src/server/db/simulate.ts writes states the product never produces: tests and the test kit only.",
      severity: "error",
      from: { pathNot: TEST_KIT },
      to: { path: "^src/server/db/simulate\\.ts$" },
    },
    {
      name: "not-to-unresolvable",
      comment: "Every import resolves (a typo or a deleted module).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules", "^src/generated/"] },
    exclude: { path: ["\\.d\\.ts$", "\\.test\\.tsx?$"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
