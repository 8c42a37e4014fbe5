/**
 * Read side of the decision counts (DecisionMinute rows) for the console overview:
 * allow/review/deny per time bucket, the most denied capabilities and subjects, and the
 * headline counts. DecisionService checks the caller first.
 */
import type { Db } from "../store/client";
import { RANGES, type LanePoint, type Overview, type Range } from "./schemas";

const LANES = ["allow", "review", "deny"] as const;

const MINUTE = 60_000;
// Bucket sizes a fitted series may use, finest first; 12 points is the fewest that still reads as a line.
const STEPS_MS = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, 60 * MINUTE, 360 * MINUTE];
const MIN_POINTS = 12;

/**
 * The window and bucket size of the series: the whole range, or — when the first decision in it is
 * recent (a fresh install) — only the time since then, in finer buckets, so the data is a line and
 * not a spike at the right edge of an otherwise empty day.
 */
export function fitWindow(range: Range, firstMs: number | undefined, now: Date): { start: number; end: number; bucketMs: number } {
  const { spanMs, bucketMs } = RANGES[range];
  const nowMs = now.getTime();
  const full = () => {
    const end = Math.floor(nowMs / bucketMs) * bucketMs + bucketMs;
    return { start: end - spanMs, end, bucketMs };
  };
  if (firstMs === undefined) return full();
  const dataSpan = Math.floor(nowMs / MINUTE) * MINUTE + MINUTE - Math.floor(firstMs / MINUTE) * MINUTE;
  if (dataSpan * 2 > spanMs) return full();
  const step = [...STEPS_MS].reverse().find((s) => s <= bucketMs && dataSpan / s >= MIN_POINTS) ?? MINUTE;
  const end = Math.floor(nowMs / step) * step + step;
  // One empty bucket before the first decision, so the lines rise from zero.
  const covered = Math.ceil((end - firstMs) / step) * step + step;
  return { start: end - Math.min(spanMs, Math.max(MIN_POINTS * step, covered)), end, bucketMs: step };
}

export async function decisionOverview(db: Db, range: Range, now = new Date()): Promise<Overview> {
  const nominal = RANGES[range];
  const since = new Date(Math.floor(now.getTime() / nominal.bucketMs) * nominal.bucketMs + nominal.bucketMs - nominal.spanMs);
  const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

  const [realms, secrets, activeTokens, deniesToday, perMinute, byCapability, bySubject] = await Promise.all([
    db.realm.count(),
    db.secret.count(),
    db.token.count({ where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } }),
    db.decisionMinute.aggregate({ where: { lane: "deny", minute: { gte: startOfDay } }, _sum: { count: true } }),
    db.decisionMinute.groupBy({ by: ["minute", "lane"], where: { minute: { gte: since } }, _sum: { count: true } }),
    db.decisionMinute.groupBy({ by: ["capability"], where: { lane: "deny", minute: { gte: since } }, _sum: { count: true } }),
    db.decisionMinute.groupBy({ by: ["subject"], where: { lane: "deny", minute: { gte: since } }, _sum: { count: true } }),
  ]);

  const first = perMinute.reduce<number | undefined>((min, row) => ((row._sum.count ?? 0) > 0 && (min === undefined || row.minute.getTime() < min) ? row.minute.getTime() : min), undefined);
  const { start, end, bucketMs } = fitWindow(range, first, now);
  const buckets: LanePoint[] = [];
  for (let t = start; t < end; t += bucketMs) buckets.push({ t: new Date(t).toISOString(), allow: 0, review: 0, deny: 0 });
  for (const row of perMinute) {
    const index = Math.floor((row.minute.getTime() - start) / bucketMs);
    const lane = LANES.find((l) => l === row.lane);
    const bucket = buckets[index];
    if (bucket && lane) bucket[lane] += row._sum.count ?? 0;
  }

  const top = (rows: { name: string; count: number }[]) => rows.filter((r) => r.count > 0).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)).slice(0, 5);
  return {
    range,
    counts: { realms, secrets, active_tokens: activeTokens, denies_today: deniesToday._sum.count ?? 0 },
    series: buckets,
    top_denied_capabilities: top(byCapability.map((r) => ({ name: r.capability, count: r._sum.count ?? 0 }))),
    top_denied_subjects: top(bySubject.map((r) => ({ name: r.subject, count: r._sum.count ?? 0 }))),
  };
}
