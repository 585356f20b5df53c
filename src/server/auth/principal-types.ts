/** Who is calling: the same shape whether they came with a bearer token or a browser session. */
export interface Principal {
  userId: string;
  organizationId: string;
  permissions: string[];
  email?: string;
  name?: string;
  role?: string;
  via: "token" | "session";
  /** A registered API token's record id (its `jti` claim), docs/behaviour.md#api-tokens. */
  tokenId?: string;
  /** When the credential stops being accepted (token `exp` + tolerance, session cap), ms since epoch. */
  validUntilMs?: number;
}
