import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlQuery,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import type pg from "pg";

// Prisma's schema engine (the one behind `prisma migrate`), as WebAssembly over the pg driver
// adapter: the CLI's native engine cannot be downloaded here. Used by migrate.ts and
// scripts/new-migration.ts.

export const noSchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * The engine's Rust panic hook writes its message here (the Prisma CLI installs the same
 * object). Without it a panic dies on `undefined.set_message`; with it the reason is printed
 * before the wasm trap ("unreachable") surfaces as an uncaught error.
 */
function installPanicRegistry(): void {
  const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
  registry.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      console.error(`Prisma schema engine panicked: ${message}`);
    },
  };
}

type Glue = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
let gluePromise: Promise<Glue> | undefined;

/**
 * One compiled and instantiated engine per process: the wasm-bindgen glue keeps the instance in
 * module state, and compiling the 5 MB module is the only slow part of a no-op migrate.
 */
export function loadSchemaEngine(): Promise<Glue> {
  gluePromise ??= (async () => {
    installPanicRegistry();
    const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const require = createRequire(import.meta.url);
    const wasmPath = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm")), "schema_engine_bg.wasm");
    const module = await WebAssembly.compile(await readFile(wasmPath));
    const imports: WebAssembly.ModuleImports = { ...(glue as unknown as WebAssembly.ModuleImports) };
    // The engine arms ~10 s timers (never cleared) that would hold every script open after its
    // work is done; unref'd, they still fire while the process has other work.
    for (const name of Object.keys(imports).filter((key) => key.startsWith("__wbg_setTimeout_"))) {
      imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    }
    const instance = await WebAssembly.instantiate(module, { "./schema_engine_bg.js": imports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return glue;
  })();
  gluePromise.catch(() => {
    gluePromise = undefined;
  });
  return gluePromise;
}

type PgQueryResult = { fields: { name: string; dataTypeID: number }[] };
type Queryable = {
  performIO?: (query: unknown) => Promise<PgQueryResult>;
  queryRaw(query: SqlQuery): Promise<SqlResultSet>;
};
const CHAR_OID = 18;
const TEXT_OID = 25;
const CHAR_MARK = "\u0000char";

/**
 * adapter-pg rejects PostgreSQL's one-byte "char" type, which the engine's catalog introspection
 * selects (relkind, contype, ...) and expects back as a Character column. The column is read as
 * text, marked in its name, and re-typed once the adapter has built the result set. Only
 * introspection (`diff` from a database) needs this; applying migrations never hits it.
 */
function readCharColumns<T extends object>(queryable: T): T {
  const target = queryable as T & Queryable;
  const performIO = target.performIO?.bind(queryable);
  if (!performIO) return queryable;
  target.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) {
      if (field.dataTypeID !== CHAR_OID) continue;
      field.dataTypeID = TEXT_OID;
      field.name += CHAR_MARK;
    }
    return result;
  };
  const queryRaw = target.queryRaw.bind(queryable);
  target.queryRaw = async (query) => {
    const result = await queryRaw(query);
    result.columnNames.forEach((name, i) => {
      if (!name.endsWith(CHAR_MARK)) return;
      result.columnNames[i] = name.slice(0, -CHAR_MARK.length);
      result.columnTypes[i] = ColumnTypeEnum.Character;
    });
    return result;
  };
  return queryable;
}

/**
 * adapter-pg's executeScript splits the script on every ";" and runs the pieces one by one,
 * which breaks plpgsql bodies and string literals and gives up atomicity. The native engine
 * sends a migration as one simple-protocol query, which PostgreSQL runs as one implicit
 * transaction; this does the same.
 */
function executeScriptWhole(adapter: SqlDriverAdapter & { underlyingDriver(): pg.Pool }): void {
  const reportError = (adapter as unknown as { onError(error: unknown): never }).onError.bind(adapter);
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      reportError(error);
    }
  };
}

export interface EngineHandle {
  engine: SchemaEngine;
  close(): Promise<void>;
}

/** A schema engine bound to one database through the pg driver adapter. Always `close()` it. */
export async function openSchemaEngine(config: pg.PoolConfig, datamodel?: string): Promise<EngineHandle> {
  const glue = await loadSchemaEngine();
  const inner = new PrismaPg(config);
  const opened: SqlDriverAdapter[] = [];
  const factory = bindMigrationAwareSqlAdapterFactory({
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = readCharColumns(await inner.connect());
      executeScriptWhole(adapter);
      const startTransaction = adapter.startTransaction.bind(adapter);
      adapter.startTransaction = async (isolation) => readCharColumns(await startTransaction(isolation));
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: () => Promise.reject(new Error("shadow databases are not used by this project")),
  });
  const datamodels: [string, string][] | undefined = datamodel ? [["schema.prisma", datamodel]] : undefined;
  const engine = await glue.SchemaEngine.new({ datamodels }, () => {}, factory);
  return {
    engine,
    async close() {
      engine.free();
      // The engine does not dispose the pools it opened; left open they keep the process alive.
      await Promise.all(opened.splice(0).map((adapter) => adapter.dispose()));
    },
  };
}
