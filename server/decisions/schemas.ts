/** The decision-lanes contract (console overview): ranges, the overview's shape and its operation. */
import { z } from "zod";
import type { Operation } from "../rbac/capabilities";

export const RANGES = {
  "1h": { spanMs: 3_600_000, bucketMs: 60_000 },
  "24h": { spanMs: 86_400_000, bucketMs: 1_800_000 },
  "7d": { spanMs: 604_800_000, bucketMs: 21_600_000 },
} as const;

export type Range = keyof typeof RANGES;

export const ZRange = z.enum(Object.keys(RANGES) as [Range, ...Range[]]);
export const ZOverviewInput = z.object({ range: ZRange.default("24h") });
const ZNamedCount = z.object({ name: z.string(), count: z.number().int() });
export const ZLanePoint = z.object({ t: z.string(), allow: z.number().int(), review: z.number().int(), deny: z.number().int() });
export const ZOverview = z.object({
  range: ZRange,
  counts: z.object({ realms: z.number().int(), secrets: z.number().int(), active_tokens: z.number().int(), denies_today: z.number().int() }),
  series: z.array(ZLanePoint),
  top_denied_capabilities: z.array(ZNamedCount),
  top_denied_subjects: z.array(ZNamedCount),
});

export type LanePoint = z.output<typeof ZLanePoint>;
export type Overview = z.output<typeof ZOverview>;

/** The overview counts every realm's decisions, so it needs audit:read in every realm. */
export const decisionOps = {
  overview: { capability: "audit:read", action: "decisions.overview" },
} as const satisfies Record<string, Operation>;
