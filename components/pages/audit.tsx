"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { DecisionTrace } from "../decisions/decision-trace";
import { realmsWith, useSession } from "../session";
import { Subject, useSubjectNames } from "../subject";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, ErrorState, formatTime, Loading, PageHeader, QueryState, ROW, SelectField, Table, TD, TD_TIME, TextField } from "../ui";

interface Filters {
  realm: string;
  actor: string;
  action: string;
  outcome: "" | "success" | "denied" | "failure";
  requestId: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { realm: "", actor: "", action: "", outcome: "", requestId: "", from: "", to: "" };

/** datetime-local values are local time without a zone; the API takes ISO 8601 with one. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** Names from the server's ops tables (see server/audit/action-names.ts), passed in by the page's server component. */
export interface ActionNames {
  capabilities: Record<string, string>;
  events: Record<string, string>;
}

export function AuditPage({ actionNames }: { actionNames: ActionNames }) {
  const trpc = useTRPC();
  const realms = realmsWith(useSession(), "audit:read");
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [rangeIssue, setRangeIssue] = useState<string | undefined>();
  const cursor = cursors[cursors.length - 1];
  const from = toIso(filters.from);
  const to = toIso(filters.to);
  const search = useQuery({
    ...trpc.audit.search.queryOptions({
      limit: 25,
      ...(filters.realm ? { realm: filters.realm } : {}),
      ...(filters.actor ? { actor: filters.actor } : {}),
      ...(filters.action ? { action: filters.action } : {}),
      ...(filters.outcome ? { outcome: filters.outcome } : {}),
      ...(filters.requestId ? { request_id: filters.requestId } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(cursor ? { cursor } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const record = search.data?.items.find((r) => r.id === selected) ?? null;
  const names = useSubjectNames(search.data?.items.map((r) => r.actor) ?? []);
  const set = (field: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: e.target.value }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.from && draft.to && new Date(draft.from) > new Date(draft.to)) return setRangeIssue("The end is before the start.");
    setRangeIssue(undefined);
    setFilters(draft);
    setCursors([]);
    setSelected(null);
  };

  return (
    <>
      <PageHeader title="Audit" description="Every request that reads or changes protected state, in a hash chain. Select an entry to see the whole record." />
      <ChainStatus />
      <Card title="Filters" className="mb-6">
        <form onSubmit={onSubmit} className="grid grid-cols-2 gap-4 xl:grid-cols-4" noValidate>
          <SelectField label="Realm" value={draft.realm} onChange={set("realm")}>
            <option value="">Any realm</option>
            {realms.map((r) => (
              <option key={r.name} value={r.name}>
                {r.name}
              </option>
            ))}
          </SelectField>
          <TextField label="Actor" value={draft.actor} onChange={set("actor")} placeholder="a token or operator name, or token:tok_…" />
          <TextField label="Action" value={draft.action} onChange={set("action")} placeholder="secret.* or realm.create" />
          <SelectField label="Outcome" value={draft.outcome} onChange={set("outcome")}>
            <option value="">Any outcome</option>
            <option value="success">success</option>
            <option value="denied">denied</option>
            <option value="failure">failure</option>
          </SelectField>
          <TextField label="From" type="datetime-local" value={draft.from} onChange={set("from")} />
          <TextField label="To" type="datetime-local" value={draft.to} onChange={set("to")} error={rangeIssue} />
          <TextField label="Request ID" value={draft.requestId} onChange={set("requestId")} placeholder="req_…" />
          <div className="flex items-end gap-2">
            <Button type="submit" variant="primary">
              Search
            </Button>
            <Button
              onClick={() => {
                setDraft(EMPTY);
                setFilters(EMPTY);
                setCursors([]);
              }}
            >
              Clear
            </Button>
          </div>
        </form>
      </Card>
      <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_26rem]">
        <Card title="Entries">
          <QueryState query={search} isEmpty={(d) => d.items.length === 0} empty="No audit entries match these filters.">
            {(page) => (
              <>
                <Table caption="Audit entries" head={["Time", "Actor", "Action", "Realm", "Outcome"]}>
                  {page.items.map((r) => (
                    <tr key={r.id} className={`${ROW} ${selected === r.id ? "bg-raised" : ""}`}>
                      <td className={TD_TIME}>{formatTime(r.time)}</td>
                      <td className={TD}>
                        <Subject subject={r.actor} names={names} />
                      </td>
                      <td className={TD}>
                        <button type="button" onClick={() => setSelected(r.id)} className="font-mono text-xs text-accent underline-offset-2 hover:underline" aria-label={`Details of ${r.action} at ${formatTime(r.time)}`}>
                          {r.action}
                        </button>
                      </td>
                      <td className={`${TD} font-mono text-xs`}>{r.realm ?? "—"}</td>
                      <td className={TD}>
                        <Badge tone={r.outcome}>{r.outcome}</Badge>
                      </td>
                    </tr>
                  ))}
                </Table>
                <div className="mt-4 flex items-center justify-between text-sm text-muted">
                  <span>Page {cursors.length + 1}</span>
                  <span className="flex gap-2">
                    <Button disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
                      Newer
                    </Button>
                    <Button disabled={!page.next_cursor} onClick={() => page.next_cursor && setCursors((c) => [...c, page.next_cursor!])}>
                      Older
                    </Button>
                  </span>
                </div>
              </>
            )}
          </QueryState>
        </Card>
        <Card title="Entry details">{record ? <RecordDetail record={record} names={actionNames} /> : <p className="text-sm text-muted">Select an entry&apos;s action to see the whole record.</p>}</Card>
      </div>
    </>
  );
}

type AuditRecord = { id: string; seq: number; time: string; request_id: string; actor: string; action: string; realm: string | null; resource: string | null; outcome: string; status: number; capability: string | null; reason: string | null; ip: string | null; details: Record<string, unknown>; prev_hash: string; hash: string };

function RecordDetail({ record, names }: { record: AuditRecord; names: ActionNames }) {
  // An agent-authorization entry carries its own decision (a deny is still a successful request).
  const agentDecision = typeof record.details.decision === "string" && typeof record.details.decision_id === "string" ? record.details.decision : null;
  const decision = agentDecision ?? (record.outcome === "denied" ? "deny" : record.outcome === "success" ? "allow" : "failure");
  const rows: [string, string][] = [
    ["Decision", decision],
    ["Reason", record.reason ?? (record.outcome === "success" ? "the caller held the capability the action needs" : "—")],
    ["Request ID", record.request_id],
    ["Time", new Date(record.time).toISOString()],
    ["Actor", record.actor],
    ["Action", record.action],
    ...(names.events[record.action] ? [["Webhook event", `${names.events[record.action]} (the same change as the event catalogue names it)`] as [string, string]] : []),
    ["Realm", record.realm ?? "—"],
    ["Resource", record.resource ?? "—"],
    // Allowed entries store no capability: show the one the action's operation requires.
    ["Capability", record.capability ?? (names.capabilities[record.action] ? `${names.capabilities[record.action]} (required by ${record.action})` : "—")],
    ["Status", String(record.status)],
    ["Client IP", record.ip ?? "—"],
    ["Chain position", `#${record.seq}`],
    ["Previous hash", record.prev_hash],
    ["Hash", record.hash],
  ];
  return (
    <div aria-label="Audit entry details">
      <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1.5 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-muted">{k}</dt>
            <dd className={`break-all ${k.includes("ash") || k === "Request ID" ? "font-mono text-xs" : ""}`}>{k === "Decision" ? <Badge tone={v}>{v}</Badge> : v}</dd>
          </div>
        ))}
      </dl>
      <h3 className="mt-4 mb-1 text-sm font-medium">Details</h3>
      {/* Focusable: a wide record scrolls sideways, and a keyboard user must be able to scroll it. */}
      <pre tabIndex={0} role="region" aria-label="Details as JSON" className="overflow-x-auto rounded bg-raised p-3 font-mono text-xs">{JSON.stringify(record.details, null, 2)}</pre>
      {typeof record.details.decision_id === "string" ? <DecisionTrace decisionId={record.details.decision_id} /> : null}
    </div>
  );
}

function ChainStatus() {
  const trpc = useTRPC();
  const verify = useQuery(trpc.audit.verify.queryOptions());
  if (verify.isPending) return <Loading label="Verifying the audit chain…" />;
  if (verify.error) return <ErrorState error={verify.error} onRetry={() => void verify.refetch()} />;
  const r = verify.data;
  return (
    <div role="status" className={`mb-6 flex flex-wrap items-center justify-between gap-3 rounded-xl border px-4 py-3 text-sm ${r.valid ? "border-allow/50" : "border-deny/60"}`}>
      <span>
        <span className={`font-semibold ${r.valid ? "text-allow" : "text-deny"}`}>{r.valid ? "Chain verified" : "Chain broken"}</span>
        {r.valid ? ` — ${r.checked} entries checked, head ${r.head_hash.slice(0, 16)}…` : ` at entry #${r.first_broken?.seq}: ${r.first_broken?.reason}`}
      </span>
      <Button variant="ghost" onClick={() => void verify.refetch()} busy={verify.isFetching}>
        Verify again
      </Button>
    </div>
  );
}
