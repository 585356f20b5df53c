import { z } from "zod";
import { PERMISSIONS } from "@/lib/permissions";
import { AppError } from "@/server/errors";
import { signToken } from "./bearer";
import type { Principal } from "./principal-types";

const MIN_TOKEN_TTL_SECONDS = 60;
/** 30 days: long enough for a CI integration, short enough that a leaked token dies. */
const MAX_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

export const mintTokenInput = z.strictObject({
  permissions: z
    .array(z.enum(PERMISSIONS, { error: "Unknown permission" }))
    .min(1, "Choose at least one permission")
    .transform((list) => [...new Set(list)]),
  ttlSeconds: z
    .number({ error: "Lifetime must be a number of seconds" })
    .int("Lifetime must be a whole number of seconds")
    .min(MIN_TOKEN_TTL_SECONDS, `Lifetime must be at least ${MIN_TOKEN_TTL_SECONDS} seconds`)
    .max(MAX_TOKEN_TTL_SECONDS, `Lifetime must be at most ${MAX_TOKEN_TTL_SECONDS} seconds (30 days)`),
});

export const mintTokenOutput = z.object({
  token: z.string(),
  permissions: z.array(z.string()),
  expiresAt: z.date(),
});

/**
 * An API bearer token for the signed-in admin (docs/behaviour.md#authentication): same user and organization, a subset
 * of the admin's own permissions, bounded lifetime. Only a browser session may mint: a token that
 * could mint tokens would let a leaked credential renew itself forever.
 */
export async function mintToken(
  { principal }: { principal: Principal },
  input: z.output<typeof mintTokenInput>,
  now: Date = new Date(),
): Promise<z.infer<typeof mintTokenOutput>> {
  if (principal.via !== "session") {
    throw new AppError("FORBIDDEN", "API tokens can only be minted from a signed-in browser session");
  }
  const missing = input.permissions.filter((p) => !principal.permissions.includes(p));
  if (missing.length > 0) {
    throw new AppError("FORBIDDEN", `You cannot grant permissions you do not hold: ${missing.join(", ")}`);
  }
  const token = await signToken({
    sub: principal.userId,
    organizationId: principal.organizationId,
    permissions: input.permissions,
    ttlSeconds: input.ttlSeconds,
    ...(principal.email && { email: principal.email }),
    ...(principal.name && { name: principal.name }),
  });
  // signToken stamps exp from its own clock in whole seconds; report the same instant.
  const expiresAt = new Date((Math.floor(now.getTime() / 1000) + input.ttlSeconds) * 1000);
  return { token, permissions: input.permissions, expiresAt };
}
