import { createHash } from "node:crypto";
import pg from "pg";

/** Named statements one connection keeps at most; later new texts run unnamed (as before). */
export const MAX_PREPARED_PER_CONNECTION = 64;

/** Names already computed, by text: hashing a statement's text on every call showed in profiles. */
const statementNames = new Map<string, string>();
const MAX_REMEMBERED_NAMES = 1_000;

/**
 * The name of `text` as a prepared statement: a hash of the text, so one name never stands for
 * two texts on a connection (pg refuses that) and a text that varies (a batch of n rows) is one
 * statement per shape.
 */
export function preparedStatementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `rcc_${createHash("sha1").update(text).digest("base64url")}`;
    // The texts are the code's own (stores and pg-boss), a fixed set; the cap only bounds a mistake.
    if (statementNames.size >= MAX_REMEMBERED_NAMES) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Whether a statement with these values may be prepared: only one with parameters (a text without
 * them may hold several commands, which a prepared statement cannot).
 */
export function preparable(values: unknown): values is unknown[] {
  return Array.isArray(values) && values.length > 0;
}

/**
 * A pg client that runs every parameterised statement given as text as a named prepared
 * statement: the connection parses and plans it once (then, after PostgreSQL's five custom plans,
 * keeps a generic plan) and afterwards only binds and executes it
 * (docs/adr/0026-prepared-statements-on-the-execution-path.md). For pg-boss's own pool, whose
 * fetch and completion statements are fixed texts whose planning cost as much as their
 * execution. A statement without parameters is left alone (it may hold several commands, which a
 * prepared statement cannot); so is anything given as a config object (it names itself or not).
 * At most MAX_PREPARED_PER_CONNECTION names per connection, so a text that embeds a value cannot
 * grow a connection's statements without bound.
 */
export class PreparingClient extends pg.Client {
  readonly #names = new Set<string>();

  override query(...args: unknown[]): never {
    const [text, values, ...rest] = args;
    if (typeof text === "string" && preparable(values)) {
      const name = preparedStatementName(text);
      if (this.#names.has(name) || this.#names.size < MAX_PREPARED_PER_CONNECTION) {
        this.#names.add(name);
        return (super.query as (...a: unknown[]) => never)({ name, text, values }, ...rest);
      }
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}
