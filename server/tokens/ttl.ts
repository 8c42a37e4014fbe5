/** TTLs as the seed writes them: "90d", "12h", "30m", "45s", "2w", or a number of seconds. */
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
export const MAX_TTL_SECONDS = 10 * 365 * 86_400;

/** Returns seconds, or null when the value is not a TTL. */
export function parseTtl(value: string | number): number | null {
  let seconds: number;
  if (typeof value === "number") {
    seconds = value;
  } else {
    const m = /^\s*(\d{1,10})\s*([smhdw]?)\s*$/.exec(value);
    if (!m) return null;
    seconds = Number(m[1]) * UNIT_SECONDS[m[2] || "s"]!;
  }
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TTL_SECONDS) return null;
  return seconds;
}
