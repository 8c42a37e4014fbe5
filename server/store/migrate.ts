// Applies the committed Prisma migrations at start-up, with no network and no native
// binary: Prisma's schema engine runs as Wasm (./schema-engine.ts) and reaches the database
// through the same driver adapters as Prisma Client. It records every migration in the
// ordinary `_prisma_migrations` table, so `prisma migrate status|deploy` on a machine with
// the native engine sees exactly the same state.

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import {
  NO_FILTERS,
  pgEngineAdapter,
  sqliteEngineAdapter,
  withSchemaEngine,
  type MigrationList,
} from "./schema-engine";

export type Provider = "sqlite" | "postgresql";

/** Where a store lives: a SQLite file path, or a PostgreSQL connection string. */
export interface StoreLocation {
  provider: Provider;
  url: string;
}

/** prisma/migrations/, found from this file so the working directory does not matter. */
export const MIGRATIONS_ROOT = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));

/** Migration folders per provider, e.g. prisma/migrations/postgres/<timestamp>_<name>/. */
export function migrationsDir(provider: Provider, root = MIGRATIONS_ROOT): string {
  return path.join(root, provider === "sqlite" ? "sqlite" : "postgres");
}

const LOCKFILE = "migration_lock.toml";
const MIGRATION_FILE = "migration.sql";

/**
 * Reads a migrations folder the way the Prisma CLI does (same shape, same ordering), so the
 * engine judges our folder exactly as `prisma migrate deploy` would.
 */
export async function readMigrationList(dir: string): Promise<MigrationList> {
  const lockContent = await readFile(path.join(dir, LOCKFILE), "utf8").catch(() => null);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories: MigrationList["migrationDirectories"] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const content = await readFile(path.join(dir, entry.name, MIGRATION_FILE), "utf8").then(
      (value) => ({ tag: "ok" as const, value }),
      (err: Error) => ({ tag: "error" as const, value: err.message }),
    );
    migrationDirectories.push({
      path: entry.name,
      migrationFile: { path: MIGRATION_FILE, content },
    });
  }
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir: dir,
    lockfile: { path: LOCKFILE, content: lockContent },
    migrationDirectories,
    shadowDbInitScript: "",
  };
}

/** The adapter factory the schema engine uses for a store (not the one Prisma Client uses). */
export function engineAdapter(location: StoreLocation): SqlMigrationAwareDriverAdapterFactory {
  return location.provider === "sqlite"
    ? sqliteEngineAdapter(location.url)
    : pgEngineAdapter(location.url);
}

// Arbitrary constant key ("arcan-mg"). Deliberately not Prisma's own migrate lock key
// (72707369): if the engine takes that one on its own connection, holding it here
// would deadlock us against ourselves.
const PG_MIGRATE_LOCK_KEY = 0x617263616e2d6d67n;

/**
 * Serialises start-up migrations across processes sharing one PostgreSQL database: the
 * first takes a session advisory lock on a dedicated connection and migrates; the others
 * wait, then find nothing left to apply.
 */
async function withPgMigrateLock<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1::bigint)", [PG_MIGRATE_LOCK_KEY.toString()]);
    try {
      return await fn();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [PG_MIGRATE_LOCK_KEY.toString()]);
    }
  } finally {
    await client.end();
  }
}

/**
 * Applies every migration in the provider's folder that the database has not recorded yet.
 * Idempotent: returns the names applied by this call (empty when already up to date).
 * Throws if a recorded migration failed or was edited after being applied, as
 * `prisma migrate deploy` does.
 */
export async function applyMigrations(
  location: StoreLocation,
  opts: { migrationsRoot?: string } = {},
): Promise<string[]> {
  const dir = migrationsDir(location.provider, opts.migrationsRoot);
  const migrationsList = await readMigrationList(dir);
  if (migrationsList.migrationDirectories.length === 0) {
    throw new Error(`No migrations found in ${dir}; run \`npm run db:migration -- <name>\``);
  }
  const runEngine = () =>
    withSchemaEngine({ adapter: engineAdapter(location) }, async (engine) => {
      const out = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
      return out.appliedMigrationNames;
    });
  const key = `migrate:${location.provider}:${location.url}`;
  if (location.provider === "postgresql") {
    return inProcessTurn(key, () => withPgMigrateLock(location.url, runEngine));
  }
  return inProcessTurn(key, async () => {
    if (sqliteUpToDate(location.url, migrationsList)) return [];
    try {
      return await runEngine();
    } catch (err) {
      // The SQLite adapter reports SQLITE_BUSY as "SocketTimeout", which the engine does
      // not even know how to name; say what actually happened.
      if (!String(err).includes("SocketTimeout")) throw err;
      throw new Error(
        `Cannot apply migrations to ${location.url}: the database is busy. The schema ` +
          `engine needs the file to itself while it migrates: stop other processes using it.`,
        { cause: err },
      );
    }
  });
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/**
 * True when `_prisma_migrations` already records every folder migration, finished and
 * with the same checksum, and nothing else. Then the engine need not run: it would take
 * SQLite's EXCLUSIVE locking mode, which fails while another process (the server, the
 * CLI) has the file open. Anything else (new, failed or edited migrations) goes to the
 * engine, which applies or reports it as `prisma migrate deploy` would.
 */
function sqliteUpToDate(file: string, list: MigrationList): boolean {
  if (!existsSync(file)) return false;
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    if (!table) return false;
    const rows = db
      .prepare(
        "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations",
      )
      .all() as MigrationRow[];
    const live = rows.filter((r) => r.rolled_back_at === null);
    if (live.length !== list.migrationDirectories.length) return false;
    const applied = new Map(live.map((r) => [r.migration_name, r]));
    return list.migrationDirectories.every(({ path: name, migrationFile: { content } }) => {
      const row = applied.get(name);
      return (
        content.tag === "ok" &&
        row?.finished_at != null &&
        row.checksum === createHash("sha256").update(content.value).digest("hex")
      );
    });
  } finally {
    db.close();
  }
}

const turns = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` after every earlier call with the same key has settled (in this process).
 * Used for one migrator per database: across processes, SQLite's busy timeout and
 * PostgreSQL's advisory lock serialise them; within one process, better-sqlite3 waits for
 * a busy lock synchronously, blocking the very event loop the lock holder needs.
 */
export function inProcessTurn<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = turns.get(key) ?? Promise.resolve();
  const mine = previous.then(fn, fn);
  const settled = mine.catch(() => undefined);
  turns.set(key, settled);
  void settled.then(() => {
    if (turns.get(key) === settled) turns.delete(key);
  });
  return mine;
}
