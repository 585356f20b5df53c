import { resolveDatabase } from "@/server/db/bootstrap";
import { migrateDatabase } from "@/server/db/migrate";

// `npm run db:migrate`: what `prisma migrate deploy` does, offline (see src/server/db/migrate.ts).
function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

async function main(): Promise<number> {
  const started = performance.now();
  let database: Awaited<ReturnType<typeof resolveDatabase>>;
  try {
    database = await resolveDatabase();
  } catch (error) {
    console.error(`db:migrate: could not reach the database: ${error instanceof Error ? error.message : error}`);
    return 1;
  }
  try {
    const { applied } = await migrateDatabase(database.url);
    const where = `${redact(database.url)}${database.embedded ? " (embedded)" : ""}`;
    const took = `${Math.round(performance.now() - started)} ms`;
    if (applied.length === 0) console.log(`db:migrate: ${where} is up to date (${took})`);
    else console.log(`db:migrate: applied to ${where} in ${took}:\n${applied.map((name) => `  ${name}`).join("\n")}`);
    return 0;
  } catch (error) {
    console.error(`db:migrate: migration failed: ${error instanceof Error ? error.message : error}`);
    return 1;
  } finally {
    await database.stop();
  }
}

// Explicit exit: the code must survive, whatever handlers remain on `beforeExit`.
process.exit(await main());
