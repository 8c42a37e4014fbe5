"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { LeaseView } from "@/server/leases/schemas";
import { ConfirmDialog } from "../confirm";
import { errorMessage } from "../errors";
import { RealmScoped } from "../realm-select";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, formatTime, PageHeader, QueryState, ROW, Table, TD, TD_TIME } from "../ui";

/** The current time, once a second, for the countdowns. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function timeLeft(expiresAt: string, now: number): string {
  const s = Math.max(0, Math.floor((Date.parse(expiresAt) - now) / 1000));
  if (s === 0) return "expiring…";
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m ${String(sec).padStart(2, "0")}s` : `${m}m ${String(sec).padStart(2, "0")}s`;
}

export function LeasesPage() {
  return (
    <>
      <PageHeader title="Leases" description="Dynamic credentials issued by engine roles. Credentials are shown only to whoever created the lease; this page shows when each one ends." />
      <RealmScoped capability="leases:read">{(realm) => <RealmLeases key={realm} realm={realm} />}</RealmScoped>
    </>
  );
}

type Pending = { kind: "revoke" | "forget"; lease: LeaseView } | null;

function RealmLeases({ realm }: { realm: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const now = useNow();
  // Polled, so what the reaper does (expiry, retries) shows without a reload.
  const active = useQuery({ ...trpc.leases.list.queryOptions({ realm, state: "active" }), refetchInterval: 5_000 });
  const failed = useQuery({ ...trpc.leases.list.queryOptions({ realm, state: "revoke_failed" }), refetchInterval: 15_000 });
  const [pending, setPending] = useState<Pending>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.leases.list.pathKey() });

  const renew = useMutation(
    trpc.leases.renew.mutationOptions({
      onSuccess: (l) => {
        toast.success(l.warnings?.length ? `Renewed to ${formatTime(l.expires_at)} (capped by the role's max TTL).` : `Renewed to ${formatTime(l.expires_at)}.`);
        void refresh();
      },
      onError: (err) => toast.error(errorMessage(err)),
    }),
  );
  const revoke = useMutation(
    trpc.leases.revoke.mutationOptions({
      onSuccess: (l) => {
        toast.success(`Lease ${l.lease_id} revoked: its credentials no longer work.`);
        setPending(null);
        void refresh();
      },
      onError: (err) => {
        toast.error(errorMessage(err));
        setPending(null);
        void refresh();
      },
    }),
  );
  const forget = useMutation(
    trpc.leases.forget.mutationOptions({
      onSuccess: (_, { id }) => {
        toast.success(`Lease ${id} forgotten.`);
        setPending(null);
        void refresh();
      },
      onError: (err) => toast.error(errorMessage(err)),
    }),
  );

  return (
    <div className="flex flex-col gap-6">
      <Card title={`Active leases in ${realm}`}>
        <QueryState query={active} isEmpty={(d) => d.items.length === 0} empty="No active leases in this realm.">
          {(page) => (
            <Table caption={`Active leases in realm ${realm}`} head={["Lease", "Engine / role", "Issued", "Time left", "Last error", ""]}>
              {page.items.map((l) => (
                <tr key={l.lease_id} className={ROW}>
                  <td className={`${TD} font-mono text-xs`}>{l.lease_id}</td>
                  <td className={`${TD} font-mono`}>
                    {l.engine}/{l.role}
                  </td>
                  <td className={TD_TIME}>{formatTime(l.issued_at)}</td>
                  <td className={TD_TIME} aria-label={`Expires at ${formatTime(l.expires_at)}`}>
                    <span role="timer">{timeLeft(l.expires_at, now)}</span>
                  </td>
                  <td className={`${TD} max-w-64 break-words text-xs text-deny`}>{l.last_error ?? ""}</td>
                  <td className={`${TD} whitespace-nowrap text-right`}>
                    <span className="inline-flex gap-2">
                      <Button onClick={() => renew.mutate({ realm, id: l.lease_id })} busy={renew.isPending && renew.variables.id === l.lease_id} aria-label={`Renew ${l.lease_id}`}>
                        Renew
                      </Button>
                      <Button variant="danger" onClick={() => setPending({ kind: "revoke", lease: l })} aria-label={`Revoke ${l.lease_id}`}>
                        Revoke
                      </Button>
                    </span>
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </QueryState>
      </Card>
      <Card title="Revocation failed">
        <QueryState query={failed} isEmpty={(d) => d.items.length === 0} empty="No lease is waiting for an operator.">
          {(page) => (
            <Table caption={`Leases whose revocation failed in realm ${realm}`} head={["Lease", "Engine / role", "State", "Attempts", "Last error", ""]}>
              {page.items.map((l) => (
                <tr key={l.lease_id} className={ROW}>
                  <td className={`${TD} font-mono text-xs`}>{l.lease_id}</td>
                  <td className={`${TD} font-mono`}>
                    {l.engine}/{l.role}
                  </td>
                  <td className={TD}>
                    <Badge tone="failure">revoke failed</Badge>
                  </td>
                  <td className={TD}>{l.revoke_attempts}</td>
                  <td className={`${TD} max-w-80 break-words text-xs`}>{l.last_error ?? ""}</td>
                  <td className={`${TD} whitespace-nowrap text-right`}>
                    <span className="inline-flex gap-2">
                      <Button onClick={() => revoke.mutate({ realm, id: l.lease_id })} busy={revoke.isPending && revoke.variables.id === l.lease_id} aria-label={`Retry revoking ${l.lease_id}`}>
                        Retry
                      </Button>
                      <Button variant="danger" onClick={() => setPending({ kind: "forget", lease: l })} aria-label={`Forget ${l.lease_id}`}>
                        Forget
                      </Button>
                    </span>
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </QueryState>
      </Card>
      <ConfirmDialog
        open={pending?.kind === "revoke"}
        title={`Revoke lease ${pending?.lease.lease_id ?? ""}?`}
        confirmLabel="Revoke lease"
        busy={revoke.isPending}
        onCancel={() => setPending(null)}
        onConfirm={() => pending && revoke.mutate({ realm, id: pending.lease.lease_id })}
      >
        The database user of this lease is dropped now and its open sessions are ended. Whoever uses these credentials loses access at once.
      </ConfirmDialog>
      <ConfirmDialog
        open={pending?.kind === "forget"}
        title={`Forget lease ${pending?.lease.lease_id ?? ""}?`}
        confirmLabel="Forget lease"
        busy={forget.isPending}
        onCancel={() => setPending(null)}
        onConfirm={() => pending && forget.mutate({ realm, id: pending.lease.lease_id })}
      >
        Arcan stops trying to revoke it and drops its record. Only do this once you have removed the credentials from the external system yourself.
      </ConfirmDialog>
    </div>
  );
}
