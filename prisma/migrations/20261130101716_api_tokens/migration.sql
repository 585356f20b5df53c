-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "permissions" TEXT[],
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "api_tokens_organizationId_createdAt_idx" ON "api_tokens"("organizationId", "createdAt" DESC);

-- Revocation reaches every process within a second (docs/behaviour.md#api-tokens): whatever
-- revokes a token (the API, or an operator's hand-written UPDATE), each process's LISTEN
-- connection hears the id when the revoking transaction commits and drops its cached verdict.
CREATE FUNCTION "api_tokens_notify_revoked"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rcc_token_revoked', NEW."id"::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "api_tokens_revoked"
AFTER UPDATE OF "revokedAt" ON "api_tokens"
FOR EACH ROW WHEN (OLD."revokedAt" IS NULL AND NEW."revokedAt" IS NOT NULL)
EXECUTE FUNCTION "api_tokens_notify_revoked"();
