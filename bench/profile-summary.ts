/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`) as a small markdown table:
 * self time by function and by area (package or server folder), so profiles can be
 * kept in the repository as text instead of multi-megabyte JSON.
 *
 *   npx tsx bench/profile-summary.ts [--last=<seconds>] <file.cpuprofile>... > bench/profiles/<name>.md
 *
 * --last counts only the samples of the final N seconds (the load phase: the benchmark
 * stops the server right after it), leaving start-up out. Idle time is left out of the
 * shares: they are shares of the thread's busy time.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith("node:")) return url.split("/")[0]!.replace(/^node:internal.*/, "node:internal") === "node:internal" ? `node:${url.slice(5).split("/")[1] ?? "internal"}` : url;
  const server = /server\/([^/]+)\//.exec(url);
  if (server) return `server/${server[1]}`;
  return path.basename(url);
}

function summarise(file: string, lastSeconds: number | null, top = 25): string {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  const from = lastSeconds === null ? -Infinity : p.endTime - lastSeconds * 1e6;
  const self = new Map<number, number>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (t < from || idle.has(p.samples[i]!)) continue;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const n of p.nodes) {
    const t = self.get(n.id) ?? 0;
    if (!t) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const key = `${functionName || "(anonymous)"} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ""}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + t);
    const a = area(url, functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + t);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `| ${(100 * v / total).toFixed(1)}% | ${k.replaceAll("|", "\\|")} |`)
      .join("\n");
  return [
    `### ${path.basename(file)} (${((p.endTime - p.startTime) / 1e6).toFixed(1)} s wall${lastSeconds === null ? "" : `, last ${lastSeconds} s counted`}, ${(total / 1e6).toFixed(2)} s busy)`,
    "",
    "By area (self time):",
    "",
    "| self | area |",
    "|---:|---|",
    rows(byArea),
    "",
    "Top functions (self time):",
    "",
    "| self | function |",
    "|---:|---|",
    rows(byFn),
    "",
  ].join("\n");
}

const args = process.argv.slice(2);
const last = args.find((a) => a.startsWith("--last="));
const lastSeconds = last ? Number(last.slice("--last=".length)) : null;
console.log(args.filter((a) => !a.startsWith("--")).map((f) => summarise(f, lastSeconds)).join("\n"));
