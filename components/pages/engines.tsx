"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog } from "../confirm";
import { MountForm } from "../engines/mount-form";
import { RolesEditor } from "../engines/roles-editor";
import { errorCode, errorMessage } from "../errors";
import { RealmScoped } from "../realm-select";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, formatTime, PageHeader, QueryState, ROW, Table, TD, TD_TIME } from "../ui";

export function EnginesPage() {
  return (
    <>
      <PageHeader
        title="Engines"
        description="Dynamic-credential engines mounted in a realm. Root credentials are write-only: stored encrypted with the realm's key and never shown again."
      />
      <RealmScoped capability="engines:read">{(realm) => <RealmEngines key={realm} realm={realm} />}</RealmScoped>
    </>
  );
}

type Pending = { kind: "rotate" | "delete" | "force"; name: string } | null;

function RealmEngines({ realm }: { realm: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const engines = useQuery(trpc.engines.list.queryOptions({ realm }));
  const [selected, setSelected] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.engines.list.queryKey({ realm }) });
  const selectedEngine = (engines.data ?? []).find((e) => e.name === selected) ?? null;

  const check = useMutation({
    mutationFn: (name: string) => queryClient.fetchQuery(trpc.engines.get.queryOptions({ realm, name }, { staleTime: 0 })),
    onSuccess: (e) => {
      if (e.health.ok) toast.success(`Engine "${e.name}" is healthy.`);
      else toast.error(`Engine "${e.name}": ${e.health.detail ?? "failing"}`);
      void refresh();
    },
    onError: (err) => toast.error(errorMessage(err)),
  });
  const rotate = useMutation(
    trpc.engines.rotateRoot.mutationOptions({
      onSuccess: (e) => {
        toast.success(`Root password of "${e.name}" rotated; the old one no longer works.`);
        setPending(null);
      },
      onError: (err) => toast.error(errorMessage(err)),
    }),
  );
  const remove = useMutation(
    trpc.engines.delete.mutationOptions({
      onSuccess: (_, { name }) => {
        toast.success(`Engine "${name}" deleted.`);
        setPending(null);
        if (selected === name) setSelected(null);
        void refresh();
      },
      onError: (err, { name, force }) => {
        // The only conflict a delete reports is active leases: offer to revoke them.
        if (!force && errorCode(err) === "CONFLICT") setPending({ kind: "force", name });
        else toast.error(errorMessage(err));
      },
    }),
  );

  return (
    <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_22rem]">
      <div className="flex min-w-0 flex-col gap-6">
        <Card title={`Engines in ${realm}`}>
          <QueryState query={engines} isEmpty={(d) => d.length === 0} empty="No engines mounted in this realm yet.">
            {(list) => (
              <Table caption={`Engines in realm ${realm}`} head={["Name", "Type", "Health", "Mounted", ""]}>
                {list.map((e) => (
                  <tr key={e.name} className={ROW}>
                    <td className={`${TD} font-mono`}>{e.name}</td>
                    <td className={TD}>{e.type}</td>
                    <td className={TD}>
                      {e.health.ok ? <Badge tone="text-allow">healthy</Badge> : <Badge tone="text-deny">{e.health.detail ?? "failing"}</Badge>}
                    </td>
                    <td className={TD_TIME}>{formatTime(e.created_at)}</td>
                    <td className={`${TD} whitespace-nowrap text-right`}>
                      <span className="inline-flex gap-2">
                        <Button variant="ghost" onClick={() => setSelected(e.name)} aria-label={`Roles of ${e.name}`}>
                          Roles
                        </Button>
                        <Button variant="ghost" onClick={() => check.mutate(e.name)} busy={check.isPending && check.variables === e.name} aria-label={`Check health of ${e.name}`}>
                          Check
                        </Button>
                        <Button onClick={() => setPending({ kind: "rotate", name: e.name })} aria-label={`Rotate root of ${e.name}`}>
                          Rotate root
                        </Button>
                        <Button variant="danger" onClick={() => setPending({ kind: "delete", name: e.name })} aria-label={`Delete ${e.name}`}>
                          Delete
                        </Button>
                      </span>
                    </td>
                  </tr>
                ))}
              </Table>
            )}
          </QueryState>
        </Card>
        {selectedEngine ? <RolesEditor key={selectedEngine.name} realm={realm} engine={selectedEngine.name} type={selectedEngine.type} onClose={() => setSelected(null)} /> : null}
      </div>
      <MountForm realm={realm} onDone={() => void refresh()} />
      <ConfirmDialog
        open={pending?.kind === "rotate"}
        title={`Rotate the root password of "${pending?.name ?? ""}"?`}
        confirmLabel="Rotate root password"
        busy={rotate.isPending}
        onCancel={() => setPending(null)}
        onConfirm={() => pending && rotate.mutate({ realm, name: pending.name })}
      >
        Arcan sets a new random password for the root user in the database and stores it. The old password stops working at once, and nobody is shown the new one.
      </ConfirmDialog>
      <ConfirmDialog
        open={pending?.kind === "delete" || pending?.kind === "force"}
        title={pending?.kind === "force" ? `"${pending.name}" has active leases` : `Delete engine "${pending?.name ?? ""}"?`}
        confirmLabel={pending?.kind === "force" ? "Revoke leases and delete" : "Delete engine"}
        busy={remove.isPending}
        onCancel={() => setPending(null)}
        onConfirm={() => pending && remove.mutate({ realm, name: pending.name, force: pending.kind === "force" })}
      >
        {pending?.kind === "force"
          ? "Every active lease of this engine is revoked first: their database users are dropped and their sessions ended."
          : "The engine and its roles are removed. An engine with active leases is not deleted unless you confirm revoking them."}
      </ConfirmDialog>
    </div>
  );
}
