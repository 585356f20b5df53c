// Why src/lib/schemas.ts refuses what it refuses (docs/behaviour.md#storable-text), checked
// against the real PostgreSQL through the driver the stores use: each refused string is one
// that `text` or `jsonb` cannot hold exactly, and what is accepted round-trips byte for byte.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { isStorableText } from "@/lib/schemas";
import { createAction } from "@/test/factories";
import { db, queryRows } from "./client";
import { ensureOrganization } from "./stores/organizations";

const asText = async (value: string) =>
  (await queryRows<{ v: string }>(db(), Prisma.sql`SELECT ${value}::text AS v`))[0]?.v;

const asJsonb = async (value: unknown) =>
  (await queryRows<{ v: unknown }>(db(), Prisma.sql`SELECT ${JSON.stringify(value)}::jsonb AS v`))[0]?.v;

/** One string per class of UTF-16 content: what the schemas must accept. */
const STORABLE = [
  "plain ASCII",
  "controls \t\u0001\u001f\u007f",
  "BMP é ü 漢字 \uFFFD \uFFFF",
  "astral 🚀 \u{10FFFF}",
  'JSON-ish "quoted" \\ backslash',
];

describe("what PostgreSQL holds", () => {
  it.each(STORABLE)(
    "text and jsonb (values and keys) hold %j exactly, and isStorableText accepts it",
    async (value) => {
      expect(isStorableText(value)).toBe(true);
      expect(await asText(value)).toBe(value);
      expect(await asJsonb({ [value]: [value] })).toEqual({ [value]: [value] });
    },
  );

  it("text refuses NUL", async () => {
    expect(isStorableText("a\u0000b")).toBe(false);
    await expect(asText("a\u0000b")).rejects.toThrow(/invalid byte sequence for encoding "UTF8": 0x00/);
  });

  it("jsonb refuses \\u0000 in a value and in a key", async () => {
    await expect(asJsonb({ k: "a\u0000b" })).rejects.toThrow(/unsupported Unicode escape sequence/);
    await expect(asJsonb({ "a\u0000b": 1 })).rejects.toThrow(/unsupported Unicode escape sequence/);
  });

  it("jsonb refuses an unpaired surrogate in a value and in a key", async () => {
    for (const lone of ["\uD800", "\uDC00", "x\uDBFFy"]) {
      expect(isStorableText(lone)).toBe(false);
      for (const value of [{ k: lone }, { [lone]: 1 }]) {
        await expect(asJsonb(value)).rejects.toMatchObject({
          message: "invalid input syntax for type json",
          detail: expect.stringMatching(/surrogate/),
        });
      }
    }
  });

  it("jsonb refuses 20,000 levels of nesting (and JSON.stringify overflows long before)", async () => {
    const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    await expect(queryRows(db(), Prisma.sql`SELECT length(${deep}::jsonb::text) AS v`)).rejects.toThrow(
      /stack depth limit exceeded/,
    );
  });

  it("text silently stores an unpaired surrogate as U+FFFD: two different strings become one", async () => {
    expect(await asText("a\uD800")).toBe("a\uFFFD");
    expect(await asText("a\uDC00")).toBe("a\uFFFD");
  });

  it("an organization id of 788 UTF-8 bytes fits every index; one of 3,000 random characters does not", async () => {
    // Why a token's organizationId is limited to 200 UTF-16 units, at most 600 UTF-8 bytes
    // (src/server/auth/bearer.ts): btree entries are limited to about 2.7 kB.
    const widest = `org-${"\u{10FFFF}".repeat(196)}`;
    expect(Buffer.byteLength(widest)).toBe(788);
    expect(await ensureOrganization(db(), widest, "widest")).toBe(true);
    await createAction(widest); // remediation_actions' indexes all lead with organizationId
    const long = randomBytes(3000).toString("base64").slice(0, 3000);
    await expect(ensureOrganization(db(), long, "long")).rejects.toThrow(/index row (size|requires)/);
  });
});
