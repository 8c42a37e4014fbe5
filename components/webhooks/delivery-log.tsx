"use client";
/**
 * The live delivery log: the newest attempts, then every new attempt pushed by the server
 * (a tRPC subscription over server-sent events), filterable by endpoint and state, with
 * a redeliver button on dead letters.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useMemo, useState } from "react";
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

  const visible = useMemo(() => entries.filter((e) => (!endpointId || e.endpoint_id === endpointId) && (!state || e.state === state)), [entries, endpointId, state]);
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
        <Table caption="Webhook delivery attempts" head={["Time", "Event", "Endpoint", "Attempt", "Status", "Latency", "Next retry", "State", ""]}>
          {visible.map((e) => (
            <tr key={e.id} className={ROW} data-testid="delivery-row">
              <td className={TD_TIME}>{clock(e.started_at)}</td>
              <td className={`${TD} font-mono text-xs`}>{e.event}</td>
              <td className={`${TD} max-w-56 font-mono text-xs [overflow-wrap:anywhere]`}>{e.endpoint_url}</td>
              <td className={`${TD} tabular-nums`}>{e.attempt}</td>
              <td className={`${TD} tabular-nums`} title={e.error ?? undefined}>
                {e.status_code ?? "—"}
                {e.error && e.status_code === null ? <div className="max-w-56 text-xs text-deny">{e.error}</div> : null}
              </td>
              <td className={`${TD} tabular-nums`}>{e.latency_ms} ms</td>
              <td className={TD_TIME}>{e.next_retry_at ? clock(e.next_retry_at) : "—"}</td>
              <td className={`${TD} whitespace-nowrap`}>
                <Badge tone={STATE_TONE[e.state]}>{e.state === "dead" ? "dead letter" : e.state}</Badge>
              </td>
              <td className={`${TD} text-right`}>
                {e.state === "dead" && !entries.some((x) => x.delivery_id === e.delivery_id && x.attempt > e.attempt) ? (
                  <Button
                    variant="ghost"
                    busy={redeliver.isPending && redeliver.variables?.deliveryId === e.delivery_id}
                    onClick={() => redeliver.mutate({ id: e.endpoint_id, deliveryId: e.delivery_id })}
                    aria-label={`Redeliver ${e.event} to ${e.endpoint_url}`}
                  >
                    Redeliver
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
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
