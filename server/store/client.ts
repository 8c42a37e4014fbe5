// Opens Arcan's store: an embedded SQLite file by default, PostgreSQL when a
// postgres:// URL is given. Migrations are applied before the store is handed out.
//
// Prisma 7 has no query engine binary: PrismaClient runs a Wasm query compiler and talks
// to the database through a driver adapter passed to its constructor.

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "./generated/sqlite/client";
import { applyMigrations, inProcessTurn, type Provider } from "./migrate";
import { openSqliteFastPath, type FastPath } from "./fast-path";

/**
 * The database client. Typed as the SQLite client; the PostgreSQL client is generated
 * from the same models and is used through this type too.
 */
export type Db = PrismaClient;

export interface Store {
  db: Db;
  provider: Provider;
  close(): Promise<void>;
  /** Prepared-statement hot path (embedded SQLite only; null on PostgreSQL). */
  fast: FastPath | null;
  /** Runs `SELECT 1`; false on failure, after PING_TIMEOUT_MS or once closed. Never throws. */
  ping(): Promise<boolean>;
}

export interface OpenStoreOptions {
  /** postgres:// or postgresql:// selects PostgreSQL; unset selects SQLite in dataDir. */
  databaseUrl?: string;
  /** Holds arcan.db when SQLite is used; created if missing. */
  dataDir: string;
}

export const SQLITE_FILE = "arcan.db";

/**
 * Runs `fn` while holding a lock every process on this store shares (a transaction-scoped
 * PostgreSQL advisory lock; the embedded store has one process, so nothing to share). For
 * start-up work that several processes starting together must not each do.
 */
export function exclusively<T>(store: Pick<Store, "db" | "provider">, lockKey: number, fn: () => Promise<T>): Promise<T> {
  if (store.provider !== "postgresql") return fn();
  return store.db.$transaction(
    async (tx) => {
      // executeRaw: the lock function returns void, which $queryRaw cannot deserialize.
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${Math.trunc(lockKey)})`);
      return fn();
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
}
const PING_TIMEOUT_MS = 2000;

/**
 * Per-connection SQLite settings, each with the value `PRAGMA <name>` must read back.
 * WAL lets readers run during a write; FULL syncs the WAL on every commit, so a committed
 * secret or audit record survives power loss; foreign keys are off by default in SQLite;
 * busy_timeout makes writers wait for the lock instead of failing with SQLITE_BUSY.
 */
const SQLITE_PRAGMAS = [
  { name: "journal_mode", set: "WAL", expect: "wal" },
  { name: "foreign_keys", set: "ON", expect: "1" },
  { name: "synchronous", set: "FULL", expect: "2" },
  { name: "busy_timeout", set: "5000", expect: "5000" },
] as const;

/**
 * Wraps the SQLite adapter factory so every connection Prisma opens gets the pragmas
 * before its first query (pragmas are per connection, and Prisma may reconnect).
 */
function withPragmas(factory: PrismaBetterSqlite3): SqlDriverAdapterFactory {
  const script = SQLITE_PRAGMAS.map((p) => `PRAGMA ${p.name} = ${p.set};`).join("\n");
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      await adapter.executeScript(script);
      beginImmediate(adapter);
      return adapter;
    },
  };
}

/**
 * Makes Prisma's SQLite transactions take the write lock when they begin. The adapter
 * issues a plain (deferred) BEGIN; in WAL mode such a transaction that reads and then
 * writes fails with SQLITE_BUSY when another connection (the audit worker) committed in
 * between, and no busy timeout helps. BEGIN IMMEDIATE waits for the lock up front instead.
 */
function beginImmediate(adapter: object): void {
  const client = (adapter as { client?: { prepare: (sql: string) => unknown } }).client;
  if (!client) throw new Error("unexpected @prisma/adapter-better-sqlite3 shape: no client");
  const prepare = client.prepare.bind(client);
  client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
}

/** Reads every pragma back through Prisma's own connection; throws if one did not stick. */
async function assertPragmas(db: Db, file: string): Promise<void> {
  for (const pragma of SQLITE_PRAGMAS) {
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${pragma.name}`);
    const actual = String(Object.values(rows[0] ?? {})[0]).toLowerCase();
    if (actual !== pragma.expect) {
      throw new Error(
        `SQLite ${file}: PRAGMA ${pragma.name} is ${actual}, expected ${pragma.expect} ` +
          `(the file system may not support it, e.g. WAL on a network share)`,
      );
    }
  }
}

function makeStore(db: Db, provider: Provider, fast: FastPath | null = null): Store {
  // Prisma would silently reconnect on the next query; a closed store must not look healthy.
  let closed = false;
  return {
    db,
    provider,
    fast,
    close: async () => {
      closed = true;
      await fast?.close();
      await db.$disconnect();
    },
    ping: async () => {
      if (closed) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
      });
      const query = db.$queryRawUnsafe("SELECT 1").then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([query, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function openSqlite(dataDir: string): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const file = path.resolve(dataDir, SQLITE_FILE);
  // Opening the same file twice at once in one process would interleave the migration
  // and the switch to WAL on two connections (see inProcessTurn); take turns instead.
  return inProcessTurn(`open:${file}`, () => openSqliteFile(file));
}

async function openSqliteFile(file: string): Promise<Store> {
  await applyMigrations({ provider: "sqlite", url: file });
  const db = new PrismaClient({
    adapter: withPragmas(new PrismaBetterSqlite3({ url: file, timeout: 5000 })),
  });
  try {
    await db.$connect();
    await assertPragmas(db, file);
  } catch (err) {
    await db.$disconnect();
    throw err;
  }
  let fast: FastPath;
  try {
    fast = await openSqliteFastPath(file);
  } catch (err) {
    await db.$disconnect();
    throw err;
  }
  return makeStore(db, "sqlite", fast);
}

async function openPostgres(url: string): Promise<Store> {
  await applyMigrations({ provider: "postgresql", url });
  // Loaded only when used, so SQLite deployments never load the PostgreSQL client.
  const [{ PrismaPg }, pgClient] = await Promise.all([
    import("@prisma/adapter-pg"),
    import("./generated/postgres/client"),
  ]);
  // The one cast between clients: both are generated from the same models
  // (scripts/prisma.ts), so their model APIs match; they differ only in provider-only
  // extras (e.g. `mode: "insensitive"` filters), which the SQLite type leaves out.
  const db = new pgClient.PrismaClient({
    adapter: new PrismaPg({ connectionString: url }),
  }) as unknown as Db;
  try {
    await db.$connect();
  } catch (err) {
    await db.$disconnect();
    throw err;
  }
  return makeStore(db, "postgresql");
}

/** Opens (creating and migrating if needed) the store described by `opts`. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const url = opts.databaseUrl?.trim();
  if (!url) return openSqlite(opts.dataDir);
  if (/^postgres(ql)?:\/\//i.test(url)) return openPostgres(url);
  const scheme = url.split(":")[0];
  throw new Error(
    `Unsupported database URL scheme "${scheme}:": use postgres:// or postgresql://, ` +
      `or leave it unset for SQLite in the data directory`,
  );
}
