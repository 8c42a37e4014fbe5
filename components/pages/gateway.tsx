"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ZCreateGatewayRoute } from "@/server/gateway/schemas";
import { ConfirmDialog } from "../confirm";
import { errorMessage, formIssues, showFormError } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, formatTime, PageHeader, QueryState, ROW, SelectField, Table, TD, TD_TIME, TextField } from "../ui";

export function GatewayPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const routes = useQuery(trpc.gateway.list.queryOptions());
  const requests = useQuery(trpc.gateway.requests.queryOptions({ limit: 50 }));
  const [pending, setPending] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.gateway.list.queryKey() });
  const remove = useMutation(
    trpc.gateway.delete.mutationOptions({
      onSuccess: () => {
        toast.success(`Route "${pending}" deleted.`);
        setPending(null);
        void refresh();
      },
      onError: (err) => toast.error(errorMessage(err)),
    }),
  );

  return (
    <>
      <PageHeader
        title="Gateway"
        description="Routes of the transparent proxy: an agent calls /gateway/<name>/<path> with its STS token; each request is decided by policy and, when allowed, sent to the upstream with the route's credential injected. The agent never holds that credential."
      />
      <div className="flex flex-col gap-6">
        <AddRoute onCreated={() => void refresh()} />
        <Card title="Routes">
          <QueryState query={routes} isEmpty={(d) => d.items.length === 0} empty="No gateway routes yet.">
            {(page) => (
              <Table caption="Gateway routes" head={["Name", "Upstream", "Action", "Resource", "Credential source", "Limits", ""]}>
                {page.items.map((r) => (
                  <tr key={r.name} className={ROW}>
                    <td className={`${TD} font-medium`}>
                      {r.name}
                      <div className="font-mono text-xs text-muted">/gateway/{r.name}/…</div>
                    </td>
                    <td className={`${TD} break-all font-mono text-xs`}>{r.upstream}</td>
                    <td className={`${TD} font-mono text-xs`}>{r.action}</td>
                    <td className={`${TD} font-mono text-xs`}>
                      {r.resource.type}/{r.resource.id}
                    </td>
                    <td className={`${TD} font-mono text-xs`}>
                      {r.credential_source}
                      <div className="text-muted">
                        {r.inject.header}: {r.inject.format}
                      </div>
                    </td>
                    <td className={`${TD} whitespace-nowrap text-xs tabular-nums`}>
                      {r.timeout_ms} ms, {r.max_body_bytes} B
                    </td>
                    <td className={`${TD} text-right`}>
                      <Button variant="danger" onClick={() => setPending(r.name)} aria-label={`Delete route ${r.name}`}>
                        Delete
                      </Button>
                    </td>
                  </tr>
                ))}
              </Table>
            )}
          </QueryState>
        </Card>
        <Card title="Recent requests">
          <QueryState query={requests} isEmpty={(d) => d.items.length === 0} empty="No requests through the gateway yet.">
            {(page) => (
              <Table caption="Recent gateway requests" head={["Time", "Route", "Request", "Agent", "Decision", "Status", "Upstream", "Latency"]}>
                {page.items.map((q) => (
                  <tr key={`${q.request_id}-${q.time}`} className={ROW}>
                    <td className={TD_TIME}>{formatTime(q.time)}</td>
                    <td className={TD}>{q.route ?? "—"}</td>
                    <td className={`${TD} font-mono text-xs`}>
                      {q.method} /{q.path}
                    </td>
                    <td className={`${TD} font-mono text-xs`}>{q.agent ?? "—"}</td>
                    <td className={TD}>
                      <Badge tone={q.decision ?? "unknown"}>{q.decision ?? "—"}</Badge>
                      {q.decision_id ? <div className="font-mono text-xs text-muted">{q.decision_id}</div> : null}
                    </td>
                    <td className={`${TD} tabular-nums`}>{q.status}</td>
                    <td className={`${TD} tabular-nums`}>{q.upstream_status ?? "not contacted"}</td>
                    <td className={`${TD} tabular-nums`}>{q.latency_ms === null ? "—" : `${q.latency_ms} ms`}</td>
                  </tr>
                ))}
              </Table>
            )}
          </QueryState>
        </Card>
      </div>
      <ConfirmDialog
        open={pending !== null}
        title={pending ? `Delete route "${pending}"?` : ""}
        confirmLabel="Delete route"
        busy={remove.isPending}
        onCancel={() => setPending(null)}
        onConfirm={() => pending && remove.mutate({ name: pending })}
      >
        Requests to /gateway/{pending}/… stop being proxied at once; a lease the route holds is revoked.
      </ConfirmDialog>
    </>
  );
}

type Source = "secret" | "lease";

function AddRoute({ onCreated }: { onCreated: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [f, setF] = useState({ name: "", upstream: "", action: "billing.{method}", type: "endpoint", id: "{path}", header: "Authorization", format: "Bearer {{value}}", realm: "", key: "", engine: "", role: "", timeout: "10000", maxBody: "1048576" });
  const [source, setSource] = useState<Source>("secret");
  const [issues, setIssues] = useState<Record<string, string>>({});
  const set = (field: keyof typeof f) => (e: { target: { value: string } }) => setF((v) => ({ ...v, [field]: e.target.value }));
  const create = useMutation(
    trpc.gateway.create.mutationOptions({
      onSuccess: (r) => {
        toast.success(`Route "${r.name}" added: /gateway/${r.name}/… now goes to ${r.upstream}.`);
        setF((v) => ({ ...v, name: "", upstream: "" }));
        onCreated();
      },
      onError: showFormError(toast, setIssues),
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const input = {
      name: f.name.trim(),
      upstream: f.upstream.trim(),
      action: f.action.trim(),
      resource: { type: f.type.trim(), id: f.id.trim() },
      inject: {
        header: f.header.trim(),
        format: f.format,
        ...(source === "secret" ? { secret: { realm: f.realm.trim(), key: f.key.trim() } } : { lease: { realm: f.realm.trim(), engine: f.engine.trim(), role: f.role.trim() } }),
      },
      timeout_ms: Number(f.timeout),
      max_body_bytes: Number(f.maxBody),
    };
    const found = formIssues(ZCreateGatewayRoute, input);
    setIssues(found);
    if (Object.keys(found).length === 0) create.mutate(input);
  };
  const sourceIssue = (field: string) => issues[`inject.${source}.${field}`] ?? issues[`inject.${source}`];
  return (
    <Card title="Add a route">
      <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Name" value={f.name} onChange={set("name")} error={issues.name} placeholder="billing" hint="Agents call /gateway/<name>/<path>." />
          <TextField label="Upstream" value={f.upstream} onChange={set("upstream")} error={issues.upstream} placeholder="https://billing.internal:9443" />
          <TextField label="Action template" value={f.action} onChange={set("action")} error={issues.action} hint="{method} is the HTTP method in lowercase; {path} the path after the route name." />
          <div className="grid grid-cols-2 gap-4">
            <TextField label="Resource type" value={f.type} onChange={set("type")} error={issues["resource.type"]} />
            <TextField label="Resource id" value={f.id} onChange={set("id")} error={issues["resource.id"]} />
          </div>
          <TextField label="Injected header" value={f.header} onChange={set("header")} error={issues["inject.header"]} />
          <TextField label="Header format" value={f.format} onChange={set("format")} error={issues["inject.format"]} hint="{{value}} is replaced by the credential." />
          <SelectField label="Credential source" value={source} onChange={(e) => setSource(e.target.value as Source)}>
            <option value="secret">Secret (KV)</option>
            <option value="lease">Lease (dynamic credential)</option>
          </SelectField>
          <TextField label="Credential realm" value={f.realm} onChange={set("realm")} error={sourceIssue("realm")} placeholder="myapp" />
          {source === "secret" ? (
            <TextField label="Secret key" value={f.key} onChange={set("key")} error={sourceIssue("key")} placeholder="BILLING_API_KEY" />
          ) : (
            <div className="grid grid-cols-2 gap-4">
              <TextField label="Engine" value={f.engine} onChange={set("engine")} error={sourceIssue("engine")} placeholder="pg" />
              <TextField label="Role" value={f.role} onChange={set("role")} error={sourceIssue("role")} placeholder="readonly" />
            </div>
          )}
          <TextField label="Timeout (ms)" inputMode="numeric" value={f.timeout} onChange={set("timeout")} error={issues.timeout_ms} />
          <TextField label="Body limit (bytes)" inputMode="numeric" value={f.maxBody} onChange={set("maxBody")} error={issues.max_body_bytes} />
        </div>
        <Button type="submit" variant="primary" busy={create.isPending} className="self-start">
          Add route
        </Button>
      </form>
    </Card>
  );
}
