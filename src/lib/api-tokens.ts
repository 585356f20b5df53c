import { z } from "zod";
import { PERMISSIONS } from "./permissions";
import { storableString } from "./schemas";

/** API tokens as records (docs/behaviour.md#api-tokens): the create body, shared by the API and the settings form. */
const MIN_API_TOKEN_TTL_SECONDS = 60;
/** One year. */
const MAX_API_TOKEN_TTL_SECONDS = 31_536_000;
export const MAX_API_TOKEN_NAME_LENGTH = 100;

export const createApiTokenInput = z.strictObject({
  name: storableString({ error: "Name must be a string" })
    .trim()
    .min(1, "Name is required")
    .max(MAX_API_TOKEN_NAME_LENGTH, `Name must be at most ${MAX_API_TOKEN_NAME_LENGTH} characters`),
  permissions: z
    .array(z.enum(PERMISSIONS, { error: "Unknown permission" }))
    .min(1, "Choose at least one permission")
    .transform((list) => [...new Set(list)]),
  ttlSeconds: z
    .number({ error: "ttlSeconds must be a number of seconds" })
    .int("ttlSeconds must be a whole number of seconds")
    .min(MIN_API_TOKEN_TTL_SECONDS, `ttlSeconds must be at least ${MIN_API_TOKEN_TTL_SECONDS}`)
    .max(MAX_API_TOKEN_TTL_SECONDS, `ttlSeconds must be at most ${MAX_API_TOKEN_TTL_SECONDS} (one year)`),
});
