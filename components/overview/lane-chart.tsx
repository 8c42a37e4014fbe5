"use client";
/** Decisions per time bucket, stacked by lane (allow / review / deny), drawn with Recharts. */
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

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

export function LaneChart({ points, range }: { points: LanePoint[]; range: string }) {
  const label = (iso: string) => {
    const d = new Date(iso);
    return range === "7d" ? d.toLocaleDateString(undefined, { month: "short", day: "numeric", hour: "2-digit" }) : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  };
  const totals = LANES.map((l) => `${l.label} ${points.reduce((sum, p) => sum + p[l.key], 0)}`).join(", ");
  return (
    <figure data-testid="lane-chart" className="h-72 w-full" aria-label={`Decisions by lane over the last ${range}: ${totals}`}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid stroke="var(--arcan-line)" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" tickFormatter={label} stroke="var(--arcan-muted)" fontSize={12} minTickGap={32} />
          <YAxis allowDecimals={false} stroke="var(--arcan-muted)" fontSize={12} />
          <Tooltip labelFormatter={(v) => label(String(v))} contentStyle={{ background: "var(--arcan-raised)", border: "1px solid var(--arcan-line)", color: "var(--arcan-fg)" }} />
          <Legend />
          {LANES.map((l) => (
            <Area key={l.key} type="monotone" dataKey={l.key} name={l.label} stackId="lanes" stroke={l.color} fill={l.color} fillOpacity={0.25} isAnimationActive={false} />
          ))}
        </AreaChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">Decisions by lane over the last {range}: {totals}.</figcaption>
    </figure>
  );
}
