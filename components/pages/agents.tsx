"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ZCreateAgent } from "@/server/agents/schemas";
import { ConfirmDialog } from "../confirm";
import { CopyButton } from "../copy-button";
import { errorMessage, formIssues, showFormError } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, formatDay, formatTime, PageHeader, QueryState, ROW, SelectField, Table, TD, TD_TIME, TextField } from "../ui";

type Pending = { kind: "disable" | "enable" | "rotate" | "delete"; id: string; name: string } | null;

const CONFIRM: Record<NonNullable<Pending>["kind"], { label: string; text: string }> = {
  disable: { label: "Disable agent", text: "Its tokens stop working at once and its credential no longer exchanges, until it is enabled again." },
  enable: { label: "Enable agent", text: "Its credential exchanges again; tokens issued before it was disabled work again until they expire." },
  rotate: { label: "Rotate credential", text: "The agent gets a new credential, shown once; the current one stops exchanging at once." },
  delete: { label: "Delete agent", text: "The agent and every token issued to it stop working at once. This cannot be undone." },
};

export function AgentsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const agents = useQuery(trpc.agents.list.queryOptions());
  const [shown, setShown] = useState<{ name: string; value: string } | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.agents.list.queryKey() });
  const onError = (err: unknown) => toast.error(errorMessage(err));
  const done = (message: string) => {
    setPending(null);
    toast.success(message);
    void refresh();
  };

  const update = useMutation(trpc.agents.update.mutationOptions({ onSuccess: (a) => done(`Agent "${a.name}" ${a.disabled ? "disabled" : "enabled"}.`), onError }));
  const rotate = useMutation(
    trpc.agents.rotate.mutationOptions({
      onSuccess: (a) => {
        setShown({ name: a.name, value: a.credential });
        done(`Agent "${a.name}" has a new credential: the old one no longer exchanges.`);
      },
      onError,
    }),
  );
  const remove = useMutation(trpc.agents.delete.mutationOptions({ onSuccess: () => done("Agent deleted."), onError }));
  const busy = update.isPending || rotate.isPending || remove.isPending;

  const confirm = () => {
    if (!pending) return;
    if (pending.kind === "rotate") rotate.mutate({ id: pending.id });
    else if (pending.kind === "delete") remove.mutate({ id: pending.id });
    else update.mutate({ id: pending.id, patch: { disabled: pending.kind === "disable" } });
  };

  return (
    <>
      <PageHeader
        title="Agents"
        description="Software actors that act for users. An agent exchanges its credential, with a user's token, at the STS for a short-lived token holding only the scopes every layer allows."
      />
      {shown ? <ShownOnce name={shown.name} value={shown.value} onDone={() => setShown(null)} /> : null}
      <div className="flex flex-col gap-6">
        <RegisterAgent
          onCreated={(name, value) => {
            setShown({ name, value });
            void refresh();
          }}
        />
        <Card title="Registered agents">
          <QueryState query={agents} isEmpty={(d) => d.items.length === 0} empty="No agents yet.">
            {(page) => (
              <Table caption="Agents" head={["Name", "Credential", "Trust tier", "Allowed scopes", "Created", "Status", ""]}>
                {page.items.map((a) => (
                  <tr key={a.id} className={ROW}>
                    <td className={`${TD} font-medium`}>
                      {a.name}
                      <div className="font-mono text-xs text-muted">{a.id}</div>
                    </td>
                    <td className={`${TD} font-mono text-xs`}>{a.prefix}…</td>
                    <td className={`${TD} tabular-nums`}>{a.trust_tier}</td>
                    <td className={`${TD} max-w-72 font-mono text-xs`}>{a.allowed_scopes.join(" ") || "—"}</td>
                    <td className={TD_TIME} title={formatTime(a.created_at)}>{formatDay(a.created_at)}</td>
                    <td className={TD}>
                      <Badge tone={a.disabled ? "disabled" : "active"}>{a.disabled ? "disabled" : "active"}</Badge>
                    </td>
                    <td className={`${TD} whitespace-nowrap text-right`}>
                      <span className="inline-flex gap-2">
                        <Button variant="ghost" onClick={() => setPending({ kind: a.disabled ? "enable" : "disable", id: a.id, name: a.name })} aria-label={`${a.disabled ? "Enable" : "Disable"} ${a.name}`}>
                          {a.disabled ? "Enable" : "Disable"}
                        </Button>
                        <Button variant="ghost" onClick={() => setPending({ kind: "rotate", id: a.id, name: a.name })} aria-label={`Rotate the credential of ${a.name}`}>
                          Rotate
                        </Button>
                        <Button variant="danger" onClick={() => setPending({ kind: "delete", id: a.id, name: a.name })} aria-label={`Delete ${a.name}`}>
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
        title={pending ? `${CONFIRM[pending.kind].label}: "${pending.name}"?` : ""}
        confirmLabel={pending ? CONFIRM[pending.kind].label : ""}
        busy={busy}
        onCancel={() => setPending(null)}
        onConfirm={confirm}
      >
        {pending ? CONFIRM[pending.kind].text : null}
      </ConfirmDialog>
    </>
  );
}

function ShownOnce({ name, value, onDone }: { name: string; value: string; onDone: () => void }) {
  return (
    <section aria-label="New agent credential" className="mb-6 rounded-xl border border-review/60 bg-review/5 p-5">
      <h2 className="font-semibold">Copy the credential of &ldquo;{name}&rdquo; now</h2>
      <p className="mt-1 text-sm text-muted">It is shown only this once: Arcan keeps only a hash of it.</p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code data-testid="agent-credential" className="break-all rounded bg-raised px-2 py-1 font-mono text-sm">
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

function RegisterAgent({ onCreated }: { onCreated: (name: string, value: string) => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [name, setName] = useState("");
  const [tier, setTier] = useState("1");
  const [scopes, setScopes] = useState("");
  const [description, setDescription] = useState("");
  const [issues, setIssues] = useState<Record<string, string>>({});
  const create = useMutation(
    trpc.agents.create.mutationOptions({
      onSuccess: (a) => {
        toast.success(`Agent "${a.name}" registered.`);
        setName("");
        setScopes("");
        setDescription("");
        onCreated(a.name, a.credential);
      },
      onError: (err, input) => showFormError(toast, (found) => setIssues(withScopeNamed(found, input.allowed_scopes)))(err),
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const list = scopes.split(/[\s,]+/).filter(Boolean);
    const input = { name: name.trim(), trust_tier: Number(tier), allowed_scopes: list, ...(description.trim() ? { description: description.trim() } : {}) };
    const found = withScopeNamed(formIssues(ZCreateAgent, input), list);
    if (!input.name) found.name = "Enter a name.";
    setIssues(found);
    if (Object.keys(found).length === 0) create.mutate(input);
  };
  return (
    <Card title="Register an agent">
      <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={issues.name} placeholder="invoice-reconciler" />
          <SelectField label="Trust tier" value={tier} onChange={(e) => setTier(e.target.value)} error={issues.trust_tier}>
            {[0, 1, 2, 3].map((t) => (
              <option key={t} value={String(t)}>
                {t}
              </option>
            ))}
          </SelectField>
        </div>
        <TextField
          label="Allowed scopes"
          value={scopes}
          onChange={(e) => setScopes(e.target.value)}
          error={issues.allowed_scopes}
          placeholder="jira.read:project/FIN-* confluence.write:space/FIN-OPS"
          hint="Space-separated; a trailing * matches any rest. Tokens never hold a scope outside this list."
        />
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} error={issues.description} />
        <Button type="submit" variant="primary" busy={create.isPending} className="self-start">
          Register agent
        </Button>
      </form>
    </Card>
  );
}

/** Issues with the first bad scope under "allowed_scopes", naming it ("allowed_scopes.3" is the fourth). */
function withScopeNamed(issues: Record<string, string>, list: string[]): Record<string, string> {
  const key = Object.keys(issues).find((k) => k.startsWith("allowed_scopes."));
  if (issues.allowed_scopes || !key) return issues;
  const scope = list[Number(key.slice("allowed_scopes.".length))];
  return { ...issues, allowed_scopes: scope === undefined ? issues[key]! : `"${scope}": ${issues[key]}` };
}
