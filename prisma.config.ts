import { defineConfig } from "prisma/config";

// Used by the Prisma CLI on machines with internet (`prisma migrate deploy`); offline, the
// project's scripts/migrate.ts applies the same folder through the WebAssembly schema engine.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/postgres" },
});
