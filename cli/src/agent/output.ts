/** How `arcan agent` renders its values (`KEY=value` lines or JSON) and writes them atomically. */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync, fchmodSync } from "node:fs";
import path from "node:path";

export type OutputFormat = "env" | "json";

/** Values that need no quoting in a dotenv file; anything else is written double-quoted with escapes. */
const PLAIN = /^[A-Za-z0-9_./:@%+,=-]*$/;

export function render(values: ReadonlyMap<string, string>, format: OutputFormat): string {
  const sorted = [...values.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (format === "json") return `${JSON.stringify(Object.fromEntries(sorted), null, 2)}\n`;
  return sorted.map(([k, v]) => `${k}=${PLAIN.test(v) ? v : JSON.stringify(v)}\n`).join("");
}

/**
 * Writes `content` to `file` so a reader only ever sees the old or the new whole file:
 * a temp file in the same directory (mode 0600 from creation), fsync, then rename over.
 */
export function writeAtomically(file: string, content: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(temp, "wx", 0o600);
  try {
    // The creation mode is filtered by the umask; 0600 must hold whatever it is.
    fchmodSync(fd, 0o600);
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
