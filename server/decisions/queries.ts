/**
 * Read side of the decision counts (DecisionMinute rows) for the console overview:
 * allow/review/deny per time bucket, the most denied capabilities and subjects, and the
 * headline counts. DecisionService checks the caller first.
 */
import type { Db } from "../store/client";
import { RANGES, type LanePoint, type Overview, type Range } from "./schemas";

const LANES = ["allow", "review", "deny"] as const;

export async function decisionOverview(db: Db, range: Range, now = new Date()): Promise<Overview> {
  const { spanMs, bucketMs } = RANGES[range];
  const end = Math.floor(now.getTime() / bucketMs) * bucketMs + bucketMs;
  const start = end - spanMs;
  const since = new Date(start);
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
