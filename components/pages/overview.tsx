"use client";
import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useState } from "react";
import { MissingCapability } from "../missing-capability";
import { holdsEverywhere, useSession } from "../session";
import { Subject, useSubjectNames, type SubjectNames } from "../subject";
import { useTRPC } from "../trpc";
import { Badge, Card, ErrorState, formatTime, Loading, PageHeader, QueryState, ROW, Table, TD, TD_TIME } from "../ui";

// Recharts is most of this page's JavaScript: it loads after the counts, behind a loading state.
const LaneChart = dynamic(() => import("../overview/lane-chart").then((m) => m.LaneChart), { ssr: false, loading: () => <Loading label="Loading chart…" /> });

const RANGES = [
  { value: "1h", label: "1 h" },
  { value: "24h", label: "24 h" },
  { value: "7d", label: "7 d" },
] as const;
type Range = (typeof RANGES)[number]["value"];

export function OverviewPage() {
  const trpc = useTRPC();
  const [range, setRange] = useState<Range>("24h");
  // The overview's figures need audit:read in every realm: without it, one explanation instead of refused requests.
  const allowed = holdsEverywhere(useSession(), "audit:read");
  const overview = useQuery({ ...trpc.decisions.overview.queryOptions({ range }), enabled: allowed });
  const recent = useQuery({ ...trpc.audit.search.queryOptions({ limit: 8 }), enabled: allowed });
  const names = useSubjectNames([...(recent.data?.items.map((r) => r.actor) ?? []), ...(overview.data?.top_denied_subjects.map((r) => r.name) ?? [])]);
  const counts = overview.data?.counts;
  if (!allowed) {
    return (
      <>
        <PageHeader title="Overview" description="What Arcan holds, and how its policy guardian has been deciding." />
        <MissingCapability capability="audit:read" scope="in every realm (the overview counts decisions across realms)" />
        <p className="mt-4 text-sm text-muted">The pages in the navigation are the ones your rights let you use.</p>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Overview" description="What Arcan holds, and how its policy guardian has been deciding." />
      {overview.error ? <ErrorState error={overview.error} onRetry={() => void overview.refetch()} /> : null}
      <section aria-label="Counts" className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Realms" value={counts?.realms} href="/realms" />
        <Stat label="Secrets" value={counts?.secrets} href="/secrets" />
        <Stat label="Active tokens" value={counts?.active_tokens} href="/tokens" />
        <Stat label="Denies today" value={counts?.denies_today} href="/audit" tone="deny" />
      </section>
      <Card
        title="Decisions by lane"
        className="mb-6"
        actions={
          <div role="radiogroup" aria-label="Time range" className="flex gap-1 rounded-lg bg-raised p-1 text-sm">
            {RANGES.map((r) => (
              <button
                key={r.value}
                type="button"
                role="radio"
                aria-checked={range === r.value}
                onClick={() => setRange(r.value)}
                className={`rounded-md px-3 py-1 ${range === r.value ? "bg-surface font-medium text-fg shadow" : "text-muted hover:text-fg"}`}
              >
                {r.label}
              </button>
            ))}
          </div>
        }
      >
        {overview.isPending ? <Loading /> : overview.data ? <LaneChart points={overview.data.series} range={range} /> : null}
      </Card>
      <div className="mb-6 grid gap-6 lg:grid-cols-2">
        <TopList title="Most denied capabilities" rows={overview.data?.top_denied_capabilities} pending={overview.isPending} />
        <TopList title="Most denied subjects" rows={overview.data?.top_denied_subjects} pending={overview.isPending} names={names} />
      </div>
      <Card title="Recent audit entries" actions={<Link href="/audit" className="text-sm text-accent hover:underline">Open audit</Link>}>
        <QueryState query={recent} isEmpty={(d) => d.items.length === 0} empty="No audit entries yet.">
          {(page) => (
            <Table caption="Recent audit entries" head={["Time", "Actor", "Action", "Realm", "Outcome"]}>
              {page.items.map((r) => (
                <tr key={r.id} className={ROW}>
                  <td className={TD_TIME}>{formatTime(r.time)}</td>
                  <td className={TD}>
                    <Subject subject={r.actor} names={names} />
                  </td>
                  <td className={`${TD} font-mono text-xs`}>{r.action}</td>
                  <td className={`${TD} font-mono text-xs`}>{r.realm ?? "—"}</td>
                  <td className={TD}>
                    <Badge tone={r.outcome}>{r.outcome}</Badge>
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </QueryState>
      </Card>
    </>
  );
}

function Stat({ label, value, href, tone }: { label: string; value: number | undefined; href: string; tone?: "deny" }) {
  return (
    <Link href={href} className="rounded-xl border border-line bg-surface p-5 hover:border-muted">
      <p className="text-sm text-muted">{label}</p>
      <p className={`mt-1 text-3xl font-semibold tabular-nums ${tone === "deny" && value ? "text-deny" : ""}`}>{value ?? "—"}</p>
    </Link>
  );
}

function TopList({ title, rows, pending, names }: { title: string; rows: { name: string; count: number }[] | undefined; pending: boolean; names?: SubjectNames }) {
  return (
    <Card title={title}>
      {pending ? (
        <Loading />
      ) : !rows || rows.length === 0 ? (
        <p className="text-sm text-muted">No denials in this range.</p>
      ) : (
        <ol className="flex flex-col gap-2 text-sm">
          {rows.map((r) => (
            <li key={r.name} className="flex items-center justify-between gap-3">
              {names ? <Subject subject={r.name} names={names} /> : <span className="truncate font-mono text-xs">{r.name}</span>}
              <span className="font-medium tabular-nums text-deny">{r.count}</span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
