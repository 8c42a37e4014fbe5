"use client";
/**
 * Decisions per time bucket, one line per lane (allow / review / deny), drawn with Recharts.
 * Lines, not stacked areas: a stacked Review lane would be drawn along the top of Allow and read as review traffic.
 */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import type { NameType, ValueType } from "recharts/types/component/DefaultTooltipContent";

export interface LanePoint {
  t: string;
  allow: number;
  review: number;
  deny: number;
}

const LANES = [
  { key: "allow", label: "Allow", color: "var(--arcan-allow)" },
  { key: "review", label: "Review", color: "var(--arcan-review)" },
  { key: "deny", label: "Deny", color: "var(--arcan-deny)" },
] as const;

const DAY = 86_400_000;

function bucketOf(points: LanePoint[]): number {
  const [a, b] = points;
  return a && b ? Date.parse(b.t) - Date.parse(a.t) : 60_000;
}

function describeBucket(ms: number): string {
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? "1 hour" : `${ms / 3_600_000} hours`;
  return ms === 60_000 ? "1 minute" : `${Math.round(ms / 60_000)} minutes`;
}

export function LaneChart({ points, range }: { points: LanePoint[]; range: string }) {
  const bucket = bucketOf(points);
  const first = points[0];
  const last = points[points.length - 1];
  const spansDays = first && last ? Date.parse(last.t) - Date.parse(first.t) >= DAY : false;
  const tick = (iso: string) => {
    const d = new Date(iso);
    return spansDays ? d.toLocaleDateString(undefined, { month: "short", day: "numeric", hour: "2-digit" }) : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  };
  const full = (iso: string) => new Date(iso).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const totals = LANES.map((l) => `${l.label} ${points.reduce((sum, p) => sum + p[l.key], 0)}`).join(", ");
  return (
    <figure data-testid="lane-chart" className="w-full" aria-label={`Decisions by lane over the last ${range}: ${totals}`}>
      <div className="h-72 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid stroke="var(--arcan-line)" strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="t" tickFormatter={tick} stroke="var(--arcan-muted)" fontSize={12} minTickGap={32} />
            <YAxis allowDecimals={false} stroke="var(--arcan-muted)" fontSize={12} />
            <Tooltip content={(props) => <LaneTooltip active={props.active} payload={props.payload} label={props.label} format={full} />} />
            <Legend />
            {LANES.map((l) => (
              <Line key={l.key} type="monotone" dataKey={l.key} name={l.label} stroke={l.color} strokeWidth={2} dot={points.length <= 24} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      {first ? (
        <p className="mt-2 text-xs text-muted" data-testid="lane-chart-window">
          From {full(first.t)} to now, one point per {describeBucket(bucket)}.
        </p>
      ) : null}
      <figcaption className="sr-only">Decisions by lane over the last {range}: {totals}.</figcaption>
    </figure>
  );
}

type TooltipProps = Pick<TooltipContentProps<ValueType, NameType>, "active" | "payload" | "label"> & { format: (iso: string) => string };

/** "Allow: 36" under the bucket's date and time (Recharts' default reads "Allow : 36" under a raw ISO string). */
function LaneTooltip({ active, payload, label, format }: TooltipProps) {
  if (!active || !payload || payload.length === 0) return null;
  return (
    <div className="rounded-md border border-line bg-raised px-3 py-2 text-sm text-fg shadow-lg">
      <p className="mb-1 font-medium">{format(String(label))}</p>
      <ul>
        {payload.map((entry) => (
          <li key={String(entry.dataKey)} className="flex items-center gap-2">
            <span aria-hidden className="inline-block size-2 rounded-full" style={{ background: entry.color }} />
            <span>
              {entry.name}: <span className="tabular-nums">{entry.value}</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
