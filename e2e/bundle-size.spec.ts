/** Every console page's first-load JavaScript stays under 210 KB gzipped, from the production build's stats. */
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const ROOT = path.resolve(import.meta.dirname, "..");
const LIMIT = 210 * 1024;

test("first-load JS per page is under 210 KB gzipped", () => {
  const stats = JSON.parse(readFileSync(path.join(ROOT, ".next/diagnostics/route-bundle-stats.json"), "utf8")) as { route: string; firstLoadChunkPaths: string[] }[];
  const pages = stats.filter((r) => !r.route.startsWith("/api/"));
  expect(pages.length).toBeGreaterThan(5);
  const sizes = pages.map((r) => ({ route: r.route, gzip: r.firstLoadChunkPaths.reduce((sum, p) => sum + gzipSync(readFileSync(path.join(ROOT, p))).length, 0) }));
  console.log(sizes.map((s) => `${s.route.padEnd(16)} ${(s.gzip / 1024).toFixed(1)} KB`).join("\n"));
  expect(sizes.filter((s) => s.gzip >= LIMIT)).toEqual([]);
});
