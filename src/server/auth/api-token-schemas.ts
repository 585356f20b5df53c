import { z } from "zod";

/** A registered API token as the API shows it (never the token itself, which is shown once at creation). */
export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  permissions: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.date(),
  expiresAt: z.date(),
  revokedAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
});

export const createdApiTokenSchema = apiTokenSchema.extend({
  /** The bearer token: returned once, stored nowhere. */
  token: z.string(),
});

export const revokeApiTokenInput = z.object({ id: z.string() });
