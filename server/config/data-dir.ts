/**
 * The data directory is private to the user Arcan runs as: the directory (and any folder
 * in it) 0700, every file 0600. Checked at start:
 * - a file holding key material (the key-encryption key, the TLS private key, the console
 *   session key) that group or others may access is refused, as SSH and Vault users
 *   expect: it may already have been copied, so the operator must look, then chmod it;
 * - anything else Arcan made (the SQLite file and its -wal/-shm, the certificate) is
 *   tightened in place, since older versions created them 0644.
 * New files stay private because the server runs with umask 077 (see main.ts).
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export const KEY_MATERIAL_FILES = ["kek.key", "tls.key", "console-session.key"] as const;
const MAX_DEPTH = 4;

export class DataDirError extends Error {}

/** Creates the directory if needed and makes it private; returns what it tightened (for a log line). */
export function secureDataDir(dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tightened: string[] = [];
  tighten(dir, 0o700, tightened);
  walk(dir, 0, tightened);
  return tightened;
}

function walk(dir: string, depth: number, tightened: string[]): void {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    const link = lstatSync(file);
    const isKey = depth === 0 && (KEY_MATERIAL_FILES as readonly string[]).includes(name);
    if (link.isSymbolicLink()) {
      // A link may point at a mounted secret: its target is checked, never changed from here.
      if (isKey) refuseIfOpen(file, statSync(file).mode);
      continue;
    }
    if (link.isDirectory()) {
      tighten(file, 0o700, tightened);
      if (depth < MAX_DEPTH) walk(file, depth + 1, tightened);
    } else if (link.isFile()) {
      if (isKey) refuseIfOpen(file, link.mode);
      else tighten(file, 0o600, tightened);
    }
  }
}

function tighten(file: string, mode: number, tightened: string[]): void {
  const current = statSync(file).mode & 0o777;
  if ((current & ~mode) === 0) return;
  chmodSync(file, current & mode);
  tightened.push(file);
}

export function refuseIfOpen(file: string, mode: number): void {
  const bits = mode & 0o777;
  if ((bits & 0o077) === 0) return;
  throw new DataDirError(
    `${file} holds key material and is accessible by group or other users (mode ${bits.toString(8).padStart(4, "0")}); ` +
      `Arcan will not use it. Check who may have read it, then run: chmod 600 ${file}`,
  );
}
