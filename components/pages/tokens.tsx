"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Capability } from "@/server/rbac/capabilities";
import { CapabilityPicker } from "../capability-picker";
import { ConfirmDialog } from "../confirm";
import { CopyButton } from "../copy-button";
import { ZCreateToken } from "@/server/tokens/schemas";
import { errorMessage, formIssues, showFormError } from "../errors";
import { useToast } from "../toast";
import { useSession } from "../session";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, formatDay, formatTime, PageHeader, QueryState, ROW, Table, TD, TD_TIME, TextField } from "../ui";

type Pending = { kind: "revoke" | "rotate"; id: string; name: string } | { kind: "revoke-all" } | null;

export function TokensPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const [shown, setShown] = useState<{ name: string; value: string } | null>(null);
  const [pending, setPending] = useState<Pending>(null);
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
  const busy = rotate.isPending || revoke.isPending || revokeAll.isPending;

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
                      <span className="block font-mono text-xs text-muted">{t.id}</span>
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
                      {t.status === "revoked" ? null : (
                        <span className="inline-flex gap-2">
                          <Button variant="ghost" onClick={() => setPending({ kind: "rotate", id: t.id, name: t.name })} aria-label={`Rotate ${t.name}`}>
                            Rotate
                          </Button>
                          <Button variant="danger" onClick={() => setPending({ kind: "revoke", id: t.id, name: t.name })} aria-label={`Revoke ${t.name}`}>
                            Revoke
                          </Button>
                        </span>
                      )}
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
        title={pending?.kind === "revoke-all" ? "Revoke every token?" : pending?.kind === "rotate" ? `Rotate "${pending.name}"?` : `Revoke "${pending?.name ?? ""}"?`}
        confirmLabel={pending?.kind === "revoke-all" ? "Revoke all" : pending?.kind === "rotate" ? "Rotate token" : "Revoke token"}
        busy={busy}
        onCancel={() => setPending(null)}
        onConfirm={() => {
          if (pending?.kind === "revoke-all") revokeAll.mutate({ includeSelf: false });
          else if (pending?.kind === "rotate") rotate.mutate({ id: pending.id });
          else if (pending?.kind === "revoke") revoke.mutate({ id: pending.id });
        }}
      >
        {pending?.kind === "revoke-all"
          ? "Every token except the one this session uses stops working at once. Services using them will get 401."
          : pending?.kind === "rotate"
            ? "The token gets a new value, shown once; the current value stops working at once."
            : "The token stops working at once. This cannot be undone."}
      </ConfirmDialog>
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
