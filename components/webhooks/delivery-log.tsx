"use client";
/**
 * The live delivery log: the newest 100 attempts (older ones page by page), then every new
 * attempt pushed by the server (a tRPC subscription over server-sent events), filterable by
 * endpoint and state. One row per message, showing its newest attempt and its state; its
 * earlier attempts expand below it; dead letters have a redeliver button.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { Fragment, useMemo, useState } from "react";
import type { LogEntry } from "@/server/webhooks/views";
import { errorMessage } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, ROW, SelectField, Table, TD, TD_TIME } from "../ui";

/** A log row as the server sends it (type only: no server code reaches the browser). */
type Entry = LogEntry;

type StateFilter = "" | Entry["state"];
// The server's page size (LOG_PAGE_SIZE); a shorter page means there is nothing older.
const PAGE_SIZE = 100;
const MAX_ROWS = 1_000;
const STATE_TONE: Record<Entry["state"], string> = { delivered: "success", pending: "review", dead: "failure" };

const clock = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour12: false });

interface Message {
  /** The newest attempt: the row shows it, with the message's state. */
  latest: Entry;
  /** Every attempt loaded, first attempt first. */
  attempts: Entry[];
}

/** One row per message (delivery), in the order of their newest attempts; `entries` is newest first. */
function byMessage(entries: Entry[]): Message[] {
  const messages = new Map<string, Message>();
  for (const e of entries) {
    const m = messages.get(e.delivery_id);
    if (m) m.attempts.unshift(e);
    else messages.set(e.delivery_id, { latest: e, attempts: [e] });
  }
  for (const m of messages.values()) m.attempts.sort((a, b) => a.attempt - b.attempt);
  return [...messages.values()];
}

export function DeliveryLog({ endpoints }: { endpoints: { id: string; url: string }[] }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [endpointId, setEndpointId] = useState("");
  const [state, setState] = useState<StateFilter>("");
  const filter = { ...(endpointId ? { endpointId } : {}), ...(state ? { state } : {}) };
  const first = useQuery(trpc.webhooks.log.queryOptions(filter, { staleTime: 0 }));
  const queryClient = useQueryClient();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  // A new first page replaces the rows (React's "adjust state when a prop changes", during render).
  const [firstPage, setFirstPage] = useState(first.data);
  if (first.data !== firstPage) {
    setFirstPage(first.data);
    if (first.data) {
      setEntries(first.data);
      setHasOlder(first.data.length >= PAGE_SIZE);
    }
  }
  const loadOlder = async () => {
    const oldest = entries[entries.length - 1];
    if (!oldest) return;
    setLoadingOlder(true);
    try {
      const older = await queryClient.fetchQuery(trpc.webhooks.log.queryOptions({ ...filter, before: oldest.id }, { staleTime: 0 }));
      setEntries((list) => [...list, ...older.filter((o) => !list.some((e) => e.id === o.id))]);
      setHasOlder(older.length >= PAGE_SIZE);
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setLoadingOlder(false);
    }
  };

  const live = useSubscription(
    trpc.webhooks.live.subscriptionOptions(filter, {
      onData: (entry) =>
        setEntries((list) => {
          if (list.some((e) => e.id === entry.id)) return list;
          // A later attempt tells the delivery's new state to the rows of earlier ones.
          const updated = list.map((e) => (e.delivery_id === entry.delivery_id ? { ...e, state: entry.state } : e));
          return [entry, ...updated].slice(0, Math.max(MAX_ROWS, list.length));
        }),
    }),
  );

  const redeliver = useMutation(
    trpc.webhooks.redeliver.mutationOptions({
      onSuccess: (d) => {
        toast.success(`Redelivering ${d.event}.`);
        setEntries((list) => list.map((e) => (e.delivery_id === d.id ? { ...e, state: "pending" } : e)));
      },
      onError: (err) => toast.error(errorMessage(err)),
    }),
  );

  const visible = useMemo(() => byMessage(entries.filter((e) => (!endpointId || e.endpoint_id === endpointId) && (!state || e.state === state))), [entries, endpointId, state]);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((set) => {
      const next = new Set(set);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const connected = live.status === "pending";

  return (
    <Card
      title="Delivery log"
      actions={
        <span className="text-xs text-muted" data-testid="live-status">
          {connected ? "● live" : live.status === "connecting" ? "connecting…" : live.status === "error" ? "disconnected, retrying…" : ""}
        </span>
      }
    >
      <div className="mb-4 grid gap-4 sm:grid-cols-2">
        <SelectField label="Endpoint" value={endpointId} onChange={(e) => setEndpointId(e.target.value)}>
          <option value="">All endpoints</option>
          {endpoints.map((e) => (
            <option key={e.id} value={e.id}>
              {e.url}
            </option>
          ))}
        </SelectField>
        <SelectField label="Status" value={state} onChange={(e) => setState(e.target.value as StateFilter)}>
          <option value="">All</option>
          <option value="delivered">Delivered</option>
          <option value="pending">Retrying</option>
          <option value="dead">Dead letters</option>
        </SelectField>
      </div>
      {first.error ? <p className="text-sm text-deny">{errorMessage(first.error)}</p> : null}
      {visible.length === 0 ? (
        <p className="text-sm text-muted">{first.isPending ? "Loading…" : "No deliveries yet. Send a ping or change a secret."}</p>
      ) : (
        <Table caption="Webhook deliveries" head={["Time", "Event", "Endpoint", "Attempt", "Status", "Latency", "Next retry", "State", ""]}>
          {visible.map(({ latest: e, attempts }) => {
            const expanded = open.has(e.delivery_id);
            return (
              <Fragment key={e.delivery_id}>
                <tr className={ROW} data-testid="delivery-row">
                  <td className={TD_TIME}>{clock(e.started_at)}</td>
                  <td className={`${TD} font-mono text-xs`}>{e.event}</td>
                  <td className={`${TD} max-w-56 font-mono text-xs [overflow-wrap:anywhere]`}>{e.endpoint_url}</td>
                  <td className={`${TD} tabular-nums`}>{e.attempt}</td>
                  <AttemptCells attempt={e} />
                  <td className={`${TD} whitespace-nowrap`}>
                    <Badge tone={STATE_TONE[e.state]}>{e.state === "dead" ? "dead letter" : e.state}</Badge>
                  </td>
                  <td className={`${TD} whitespace-nowrap text-right`}>
                    <span className="inline-flex gap-2">
                      {attempts.length > 1 ? (
                        <Button variant="ghost" aria-expanded={expanded} onClick={() => toggle(e.delivery_id)} aria-label={`${expanded ? "Hide" : "Show"} ${attempts.length} attempts of ${e.event} to ${e.endpoint_url}`}>
                          {expanded ? "Hide" : "Show"} {attempts.length} attempts
                        </Button>
                      ) : null}
                      {e.state === "dead" ? (
                        <Button
                          variant="ghost"
                          busy={redeliver.isPending && redeliver.variables?.deliveryId === e.delivery_id}
                          onClick={() => redeliver.mutate({ id: e.endpoint_id, deliveryId: e.delivery_id })}
                          aria-label={`Redeliver ${e.event} to ${e.endpoint_url}`}
                        >
                          Redeliver
                        </Button>
                      ) : null}
                    </span>
                  </td>
                </tr>
                {expanded
                  ? attempts.map((a) => (
                      <tr key={a.id} className={`${ROW} bg-raised/40 text-muted`} data-testid="attempt-row">
                        <td className={TD_TIME}>{clock(a.started_at)}</td>
                        <td className={TD} colSpan={3}>
                          <span className="sr-only">{a.event} </span>attempt <span className="tabular-nums">{a.attempt}</span>
                        </td>
                        <AttemptCells attempt={a} />
                        <td className={TD} colSpan={2} />
                      </tr>
                    ))
                  : null}
              </Fragment>
            );
          })}
        </Table>
      )}
      {hasOlder ? (
        <div className="mt-4 flex items-center gap-3">
          <Button onClick={() => void loadOlder()} busy={loadingOlder}>
            Load {PAGE_SIZE} older attempts
          </Button>
          <span className="text-xs text-muted">Showing the newest {entries.length}.</span>
        </div>
      ) : null}
    </Card>
  );
}

/** Status (with the error when no HTTP answer came), latency and next retry of one attempt. */
function AttemptCells({ attempt: a }: { attempt: Entry }) {
  return (
    <>
      <td className={`${TD} tabular-nums`} title={a.error ?? undefined}>
        {a.status_code ?? "—"}
        {a.error && a.status_code === null ? <div className="max-w-56 text-xs text-deny [overflow-wrap:anywhere]">{a.error}</div> : null}
      </td>
      <td className={`${TD} tabular-nums`}>{a.latency_ms} ms</td>
      <td className={TD_TIME}>{a.next_retry_at ? clock(a.next_retry_at) : "—"}</td>
    </>
  );
}
