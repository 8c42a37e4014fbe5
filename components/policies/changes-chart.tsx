"use client";
/** The simulation's changed decisions as a small bar chart, one bar per "before->after" lane change. */
import { Bar, BarChart, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export function ChangesChart({ data, label }: { data: { change: string; count: number; color: string }[]; label: string }) {
  return (
    <figure className="h-40" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -20 }}>
          <XAxis dataKey="change" stroke="var(--arcan-muted)" fontSize={11} />
          <YAxis allowDecimals={false} stroke="var(--arcan-muted)" fontSize={11} />
          <Tooltip contentStyle={{ background: "var(--arcan-raised)", border: "1px solid var(--arcan-line)", color: "var(--arcan-fg)" }} />
          <Bar dataKey="count" name="Decisions" isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.change} fill={d.color} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
