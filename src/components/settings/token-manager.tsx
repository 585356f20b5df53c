"use client";
import { useState } from "react";
import { useShellUser } from "@/components/shell/principal-context";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { formatDateTime } from "@/components/ui/format";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { useNow } from "@/components/ui/use-now";
import { trpc } from "@/lib/trpc";
import { messageOf } from "./server-issues";
import { TokenCreateForm } from "./token-create-form";

interface TokenRow {
  id: string;
  name: string;
  permissions: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

function TokenState({ token, now }: { token: TokenRow; now: number }) {
  if (token.revokedAt) return <Badge tone="red">Revoked {formatDateTime(token.revokedAt)}</Badge>;
  if (token.expiresAt.getTime() <= now) return <Badge tone="slate">Expired</Badge>;
  return <Badge tone="green">Active</Badge>;
}

/**
 * Registered API tokens (docs/behaviour.md#api-tokens): create with a one-time reveal, the list
 * (name, permissions, creator, expiry, last use, state) and revocation behind a confirmation.
 * Every change ends in a refetch of the records.
 */
export function TokenManager() {
  const user = useShellUser();
  const now = useNow(60_000);
  const tokens = trpc.tokens.list.useQuery();
  const members = trpc.ui.members.useQuery();
  const revoke = trpc.tokens.revoke.useMutation();
  const [confirming, setConfirming] = useState<TokenRow>();
  const nameOf = (userId: string) => members.data?.find((m) => m.userId === userId)?.name ?? userId;

  async function confirmRevoke(token: TokenRow) {
    try {
      await revoke.mutateAsync({ id: token.id });
      toast.success(`Token "${token.name}" revoked`, { description: "Every request with it is now refused." });
      setConfirming(undefined);
    } catch (error) {
      toast.error("Could not revoke the token", { description: messageOf(error) });
    } finally {
      await tokens.refetch();
    }
  }

  return (
    <Card title="API tokens" headingId="tokens-title">
      <p className="mb-3 text-sm text-slate-600">
        Bearer tokens act as you ({user.email ?? user.userId}) in{" "}
        <span className="font-mono">{user.organizationId}</span>, with the permissions you choose (at most your own). A
        revoked token is refused everywhere within a second.
      </p>
      <TokenCreateForm onCreated={() => void tokens.refetch()} />
      <h3 className="mt-6 mb-2 text-sm font-semibold text-slate-900">Registered tokens</h3>
      <QueryState
        query={tokens}
        loadingLabel="Loading tokens…"
        isEmpty={(rows) => rows.length === 0}
        empty={<EmptyState title="No tokens yet." />}
      >
        {(rows) => (
          <Table label="API tokens">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Permissions</Th>
                <Th>Created by</Th>
                <Th>Expires</Th>
                <Th>Last used</Th>
                <Th>State</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {rows.map((token) => (
                <tr key={token.id} data-testid="token-row">
                  <Td className="font-medium">{token.name}</Td>
                  <Td className="font-mono text-xs">{token.permissions.join(", ")}</Td>
                  <Td>
                    {nameOf(token.createdBy)}
                    <span className="block text-xs text-slate-500">{formatDateTime(token.createdAt)}</span>
                  </Td>
                  <Td>{formatDateTime(token.expiresAt)}</Td>
                  <Td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "Never"}</Td>
                  <Td>
                    <TokenState token={token} now={now} />
                  </Td>
                  <Td>
                    {!token.revokedAt && (
                      <Button size="sm" variant="danger" onClick={() => setConfirming(token)}>
                        Revoke…
                      </Button>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </QueryState>
      <Dialog
        open={confirming !== undefined}
        onOpenChange={(open) => !open && setConfirming(undefined)}
        title={`Revoke token "${confirming?.name ?? ""}"?`}
        description="Every request that carries it is refused from now on, open event streams included. This cannot be undone."
        footer={
          <>
            <Button variant="ghost" onClick={() => setConfirming(undefined)}>
              Cancel
            </Button>
            <Button variant="danger" busy={revoke.isPending} onClick={() => confirming && confirmRevoke(confirming)}>
              Revoke token
            </Button>
          </>
        }
      />
    </Card>
  );
}
