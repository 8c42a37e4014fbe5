"use client";
/** The Webhooks page: endpoints (create with the secret shown once, edit, delete, ping) and the live delivery log. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ConfirmDialog } from "../confirm";
import { CopyButton } from "../copy-button";
import { ZCreateWebhook } from "@/server/webhooks/schemas";
import { errorMessage, fieldIssues, formIssues } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, formatTime, PageHeader, QueryState, ROW, Table, TD, TD_TIME, TextField } from "../ui";
import { DeliveryLog } from "./delivery-log";

interface Endpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  created_at: string;
}

const splitEvents = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean);

export function WebhooksPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const endpoints = useQuery(trpc.webhooks.list.queryOptions());
  const [secret, setSecret] = useState<{ url: string; value: string } | null>(null);
  const [editing, setEditing] = useState<Endpoint | null>(null);
  const [deleting, setDeleting] = useState<Endpoint | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
  const onError = (err: unknown) => toast.error(errorMessage(err));

  const ping = useMutation(trpc.webhooks.test.mutationOptions({ onSuccess: () => toast.success("Ping queued: watch the delivery log."), onError }));
  const toggle = useMutation(trpc.webhooks.update.mutationOptions({ onSuccess: () => void refresh(), onError }));
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: () => {
        setDeleting(null);
        toast.success("Endpoint deleted.");
        void refresh();
      },
      onError,
    }),
  );

  return (
    <>
      <PageHeader title="Webhooks" description="Signed event delivery to your endpoints, with retries after 1 s, 5 s and 30 s, dead letters and redelivery." />
      {secret ? (
        <section aria-label="New signing secret" className="mb-6 rounded-xl border border-review/60 bg-review/5 p-5">
          <h2 className="font-semibold">Copy the signing secret for {secret.url} now</h2>
          <p className="mt-1 text-sm text-muted">It is shown only this once. Receivers verify X-Arcan-Signature or the Standard Webhooks headers with it.</p>
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <code data-testid="webhook-secret" className="break-all rounded bg-raised px-2 py-1 font-mono text-sm">
              {secret.value}
            </code>
            <CopyButton value={secret.value} />
            <Button variant="primary" onClick={() => setSecret(null)}>
              Done
            </Button>
          </div>
        </section>
      ) : null}
      <div className="flex flex-col gap-6">
        <EndpointForm
          key={editing?.id ?? "new"}
          editing={editing}
          onDone={(created) => {
            if (created) setSecret(created);
            setEditing(null);
            void refresh();
          }}
        />
        <Card title="Endpoints">
          <QueryState query={endpoints} isEmpty={(d) => d.length === 0} empty="No endpoints yet.">
            {(items) => (
              <Table caption="Webhook endpoints" head={["URL", "Events", "State", "Created", ""]}>
                {items.map((e) => (
                  <tr key={e.id} className={ROW}>
                    <td className={`${TD} max-w-72 break-all font-mono text-xs`}>
                      {e.url}
                      {e.description ? <div className="mt-1 font-sans text-muted">{e.description}</div> : null}
                    </td>
                    <td className={`${TD} font-mono text-xs`}>{e.events.join(", ")}</td>
                    <td className={TD}>
                      <Badge tone={e.enabled ? "active" : "disabled"}>{e.enabled ? "enabled" : "disabled"}</Badge>
                    </td>
                    <td className={TD_TIME}>{formatTime(e.created_at)}</td>
                    <td className={`${TD} whitespace-nowrap text-right`}>
                      <span className="inline-flex gap-2">
                        <Button variant="ghost" onClick={() => ping.mutate({ id: e.id })} aria-label={`Send a test ping to ${e.url}`}>
                          Ping
                        </Button>
                        <Button variant="ghost" onClick={() => toggle.mutate({ id: e.id, enabled: !e.enabled })} aria-label={`${e.enabled ? "Disable" : "Enable"} ${e.url}`}>
                          {e.enabled ? "Disable" : "Enable"}
                        </Button>
                        <Button variant="ghost" onClick={() => setEditing(e)} aria-label={`Edit ${e.url}`}>
                          Edit
                        </Button>
                        <Button variant="danger" onClick={() => setDeleting(e)} aria-label={`Delete ${e.url}`}>
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
        <DeliveryLog endpoints={endpoints.data ?? []} />
      </div>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
      >
        {deleting?.url} stops receiving events; its delivery history and anything still owed to it are dropped.
      </ConfirmDialog>
    </>
  );
}

function EndpointForm({ editing, onDone }: { editing: Endpoint | null; onDone: (created: { url: string; value: string } | null) => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [url, setUrl] = useState(editing?.url ?? "");
  const [events, setEvents] = useState(editing?.events.join(", ") ?? "");
  const [description, setDescription] = useState(editing?.description ?? "");
  const [issues, setIssues] = useState<Record<string, string>>({});
  const onError = (err: unknown) => {
    setIssues(fieldIssues(err));
    toast.error(errorMessage(err));
  };
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: (e) => {
        toast.success("Endpoint registered.");
        setUrl("");
        onDone({ url: e.url, value: e.secret });
      },
      onError,
    }),
  );
  const update = useMutation(
    trpc.webhooks.update.mutationOptions({
      onSuccess: () => {
        toast.success("Endpoint updated.");
        onDone(null);
      },
      onError,
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const list = splitEvents(events);
    const found = formIssues(ZCreateWebhook.pick({ url: true, events: true }), { url: url.trim(), events: list });
    setIssues(found);
    if (Object.keys(found).length > 0) return;
    if (editing) update.mutate({ id: editing.id, url: url.trim(), events: list, description });
    else create.mutate({ url: url.trim(), events: list, ...(description ? { description } : {}) });
  };
  return (
    <Card title={editing ? "Edit endpoint" : "Register an endpoint"}>
      <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="URL" value={url} onChange={(e) => setUrl(e.target.value)} error={issues.url} placeholder="https://hooks.example.com/arcan" />
          <TextField
            label="Events"
            value={events}
            onChange={(e) => setEvents(e.target.value)}
            error={issues.events}
            placeholder="secret.set, secret.delete"
            hint='Names or patterns, comma-separated: "secret.set" (a write, audited as secret.write), "auth.*", "*"'
          />
        </div>
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} error={issues.description} />
        <div className="flex gap-2">
          <Button type="submit" variant="primary" busy={create.isPending || update.isPending}>
            {editing ? "Save changes" : "Register endpoint"}
          </Button>
          {editing ? (
            <Button type="button" onClick={() => onDone(null)}>
              Cancel
            </Button>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
