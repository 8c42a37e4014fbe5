"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Capability } from "@/server/rbac/capabilities";
import { CapabilityPicker } from "../capability-picker";
import { ConfirmDialog } from "../confirm";
import { CopyButton } from "../copy-button";
import { EditTokenDialog, type EditableToken } from "../tokens/edit-token";
import { ZCreateToken } from "@/server/tokens/schemas";
import { errorMessage, formIssues, showFormError } from "../errors";
import { useToast } from "../toast";
import { useSession } from "../session";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, formatDay, formatTime, PageHeader, QueryState, ROW, Table, TD, TD_TIME, TextField } from "../ui";

type Pending = { kind: "revoke" | "rotate" | "delete"; id: string; name: string } | { kind: "revoke-all" } | null;

const CONFIRM = {
  rotate: { verb: "Rotate", label: "Rotate token", text: "The token gets a new value, shown once; the current value stops working at once." },
  revoke: { verb: "Revoke", label: "Revoke token", text: "The token stops working at once. This cannot be undone." },
  delete: { verb: "Delete", label: "Delete token", text: "The token stops working and is removed with its role bindings; its audit entries stay. This cannot be undone." },
} as const;

export function TokensPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const [shown, setShown] = useState<{ name: string; value: string } | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [editing, setEditing] = useState<EditableToken | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  const onError = (err: unknown) => toast.error(errorMessage(err));

  const rotate = useMutation(
    trpc.tokens.rotate.mutationOptions({
      onSuccess: (t) => {
        setPending(null);
        setShown({ name: t.name, value: t.token });
        toast.success(`Token "${t.name}" rotated: its old value no longer works.`);
        void refresh();
      },
      onError,
    }),
  );
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: (t) => {
        setPending(null);
        toast.success(`Token "${t.name}" revoked.`);
        void refresh();
      },
      onError,
    }),
  );
  const revokeAll = useMutation(
    trpc.tokens.revokeAll.mutationOptions({
      onSuccess: (r) => {
        setPending(null);
        toast.success(`${r.revoked} token(s) revoked.`);
        void refresh();
      },
      onError,
    }),
  );
  const remove = useMutation(
    trpc.tokens.delete.mutationOptions({
      onSuccess: () => {
        const name = pending && pending.kind === "delete" ? pending.name : "";
        setPending(null);
        toast.success(`Token "${name}" deleted.`);
        void refresh();
      },
      onError,
    }),
  );
  const busy = rotate.isPending || revoke.isPending || revokeAll.isPending || remove.isPending;

  return (
    <>
      <PageHeader
        title="Tokens"
        description="API tokens for services, pipelines and agents. A token's value is shown once, when it is created or rotated."
        actions={
          <Button variant="danger" onClick={() => setPending({ kind: "revoke-all" })}>
            Revoke all tokens
          </Button>
        }
      />
      {shown ? <ShownOnce name={shown.name} value={shown.value} onDone={() => setShown(null)} /> : null}
      <div className="flex flex-col gap-6">
        <CreateToken
          onCreated={(name, value) => {
            setShown({ name, value });
            void refresh();
          }}
        />
        <Card title="All tokens">
          <QueryState query={tokens} isEmpty={(d) => d.items.length === 0} empty="No tokens.">
            {(page) => (
              <Table caption="API tokens" head={["Name", "Prefix", "Capabilities", "Realms", "Expires", "Last used", "Status", ""]}>
                {page.items.map((t) => (
                  <tr key={t.id} className={ROW}>
                    <td className={TD}>
                      <span className="font-medium">{t.name}</span>
                      <span className="flex items-center gap-2">
                        <span className="break-all font-mono text-xs text-muted" data-testid="token-id">
                          {t.id}
                        </span>
                        <CopyButton value={t.id} label="Copy id" aria-label={`Copy id of ${t.name}`} className="px-1.5 py-0.5 text-xs" />
                      </span>
                      {t.description ? <span className="block text-xs text-muted">{t.description}</span> : null}
                    </td>
                    <td className={`${TD} font-mono text-xs`}>{t.prefix}…</td>
                    <td className={`${TD} max-w-56 font-mono text-xs`}>{t.is_admin ? "admin" : t.capabilities.join(", ") || "—"}</td>
                    <td className={`${TD} font-mono text-xs`}>{t.realms.join(", ")}</td>
                    <td className={TD_TIME} title={t.expires_at ? formatTime(t.expires_at) : undefined}>{t.expires_at ? formatDay(t.expires_at) : "never"}</td>
                    <td className={TD_TIME} title={formatTime(t.last_used_at)}>{formatDay(t.last_used_at)}</td>
                    <td className={TD}>
                      <Badge tone={t.status}>{t.status}</Badge>
                    </td>
                    <td className={`${TD} whitespace-nowrap text-right`}>
                      <span className="inline-flex gap-2">
                        <Button variant="ghost" onClick={() => setEditing({ id: t.id, name: t.name, description: t.description, rate_limit: t.rate_limit })} aria-label={`Edit ${t.name}`}>
                          Edit
                        </Button>
                        {t.status === "revoked" ? null : (
                          <>
                            <Button variant="ghost" onClick={() => setPending({ kind: "rotate", id: t.id, name: t.name })} aria-label={`Rotate ${t.name}`}>
                              Rotate
                            </Button>
                            <Button variant="danger" onClick={() => setPending({ kind: "revoke", id: t.id, name: t.name })} aria-label={`Revoke ${t.name}`}>
                              Revoke
                            </Button>
                          </>
                        )}
                        <Button variant="danger" onClick={() => setPending({ kind: "delete", id: t.id, name: t.name })} aria-label={`Delete ${t.name}`}>
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
      </div>
      <ConfirmDialog
        open={pending !== null}
        title={pending?.kind === "revoke-all" ? "Revoke every token?" : pending ? `${CONFIRM[pending.kind].verb} "${pending.name}"?` : ""}
        confirmLabel={pending?.kind === "revoke-all" ? "Revoke all" : pending ? CONFIRM[pending.kind].label : ""}
        busy={busy}
        onCancel={() => setPending(null)}
        onConfirm={() => {
          if (pending?.kind === "revoke-all") revokeAll.mutate({ includeSelf: false });
          else if (pending?.kind === "rotate") rotate.mutate({ id: pending.id });
          else if (pending?.kind === "revoke") revoke.mutate({ id: pending.id });
          else if (pending?.kind === "delete") remove.mutate({ id: pending.id });
        }}
      >
        {pending?.kind === "revoke-all" ? "Every token except the one this session uses stops working at once. Services using them will get 401." : pending ? CONFIRM[pending.kind].text : null}
      </ConfirmDialog>
      <EditTokenDialog token={editing} onClose={() => setEditing(null)} />
    </>
  );
}

function ShownOnce({ name, value, onDone }: { name: string; value: string; onDone: () => void }) {
  return (
    <section aria-label="New token value" className="mb-6 rounded-xl border border-review/60 bg-review/5 p-5">
      <h2 className="font-semibold">Copy the value of &ldquo;{name}&rdquo; now</h2>
      <p className="mt-1 text-sm text-muted">It is shown only this once: Arcan keeps only a hash of it.</p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code data-testid="token-value" className="break-all rounded bg-raised px-2 py-1 font-mono text-sm">
          {value}
        </code>
        <CopyButton value={value} />
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      </div>
    </section>
  );
}

function CreateToken({ onCreated }: { onCreated: (name: string, value: string) => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const realms = useSession()?.realms ?? [];
  const [name, setName] = useState("");
  const [ttl, setTtl] = useState("90d");
  const [capabilities, setCapabilities] = useState<Capability[]>([]);
  const [realmChoice, setRealmChoice] = useState<string[]>(["*"]);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: (t) => {
        toast.success(`Token "${t.name}" created.`);
        setName("");
        setCapabilities([]);
        onCreated(t.name, t.token);
      },
      onError: showFormError(toast, setIssues),
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const input = { name, ...(ttl.trim() ? { ttl: ttl.trim() } : {}), capabilities, realms: realmChoice };
    const found = formIssues(ZCreateToken, input);
    setIssues(found);
    if (Object.keys(found).length === 0) create.mutate(input);
  };
  const toggleRealm = (r: string, on: boolean) => setRealmChoice((list) => (on ? [...list, r] : list.filter((x) => x !== r)));
  return (
    <Card title="Create a token">
      <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={issues.name} placeholder="ci-deploy" />
          <TextField label="TTL" value={ttl} onChange={(e) => setTtl(e.target.value)} error={issues.ttl} hint='e.g. "90d", "12h", "30m"; empty for no expiry' />
        </div>
        <CapabilityPicker legend="Capabilities" value={capabilities} onChange={setCapabilities} error={issues.capabilities} />
        <fieldset>
          <legend className="mb-2 text-sm font-medium">Realms</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {["*", ...realms.map((r) => r.name)].map((r) => (
              <label key={r} className="flex items-center gap-2 font-mono text-xs">
                <input type="checkbox" checked={realmChoice.includes(r)} onChange={(e) => toggleRealm(r, e.target.checked)} className="accent-accent" />
                {r === "*" ? "* (every realm)" : r}
              </label>
            ))}
          </div>
          {issues.realms ? <p className="mt-1 text-xs text-deny">{issues.realms}</p> : null}
        </fieldset>
        <Button type="submit" variant="primary" busy={create.isPending} className="self-start">
          Create token
        </Button>
      </form>
    </Card>
  );
}
