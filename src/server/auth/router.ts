import { z } from "zod";
import { createApiTokenInput } from "@/lib/api-tokens";
import { requires, router } from "@/server/trpc";
import { apiTokenSchema, createdApiTokenSchema, revokeApiTokenInput } from "./api-token-schemas";
import { createApiToken } from "./create-api-token";
import { listApiTokens } from "./list-api-tokens";
import { revokeApiToken } from "./revoke-api-token";

/** API tokens as records (docs/behaviour.md#api-tokens): every endpoint, the list included, needs policy:update. */
export const tokensRouter = router({
  list: requires("policy:update")
    .output(z.array(apiTokenSchema))
    .query(({ ctx }) => listApiTokens(ctx)),
  create: requires("policy:update")
    .input(createApiTokenInput)
    .output(createdApiTokenSchema)
    .mutation(({ ctx, input }) => createApiToken(ctx, input)),
  revoke: requires("policy:update")
    .input(revokeApiTokenInput)
    .output(apiTokenSchema)
    .mutation(({ ctx, input }) => revokeApiToken(ctx, input)),
});
