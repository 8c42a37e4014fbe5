// node --import tsx --test server/store/client.test.ts
// Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres), as on every project
// machine and in CI; each run uses a fresh database and drops it afterwards.

import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { openStore, type Db, type Store } from "./client";
import { applyMigrations, migrationsDir, type Provider } from "./migrate";

const PG_ADMIN_URL =
  process.env["ARCAN_TEST_PG_URL"] ?? "postgresql://postgres@127.0.0.1:5432/postgres";

interface MigrationRow {
  name: string;
  checksum: string;
  finished: boolean;
  rolledBack: boolean;
  steps: number;
}

async function migrationRows(db: Db): Promise<MigrationRow[]> {
  const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished,
            rolled_back_at IS NOT NULL AS rolled_back, applied_steps_count
       FROM _prisma_migrations ORDER BY migration_name`,
  );
  // SQLite answers booleans and counts as integers (or bigints), PostgreSQL as booleans.
  return rows.map((r) => ({
    name: String(r["migration_name"]),
    checksum: String(r["checksum"]),
    finished: Boolean(Number(r["finished"])),
    rolledBack: Boolean(Number(r["rolled_back"])),
    steps: Number(r["applied_steps_count"]),
  }));
}

/** What the Prisma CLI would record: one row per folder, checksum = sha256 of its SQL. */
async function expectedMigrations(provider: Provider): Promise<MigrationRow[]> {
  const dir = migrationsDir(provider);
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => ({
      name,
      checksum: createHash("sha256")
        .update(await readFile(path.join(dir, name, "migration.sql")))
        .digest("hex"),
      finished: true,
      rolledBack: false,
      steps: 1,
    })),
  );
}

async function checkMigrations(store: Store): Promise<void> {
  const rows = await migrationRows(store.db);
  assert.deepEqual(rows, await expectedMigrations(store.provider));
  assert.ok(rows.some((r) => r.name.endsWith("_init")), "the init migration is recorded");
}

async function checkRealmRoundTrip(db: Db): Promise<void> {
  const id = randomUUID();
  const created = await db.realm.create({ data: { id, name: `realm-${id}` } });
  assert.equal(created.description, "");
  assert.ok(created.createdAt instanceof Date);
  const read = await db.realm.findUnique({ where: { id } });
  assert.equal(read?.name, `realm-${id}`);
}

async function pgAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe("SQLite store", () => {
  let dataDir: string;
  before(async () => {
    const parent = await mkdtemp(path.join(tmpdir(), "arcan-store-"));
    dataDir = path.join(parent, "data", "nested"); // openStore must create it
  });
  after(() => rm(path.dirname(path.dirname(dataDir)), { recursive: true, force: true }));

  it("opens a fresh store with the required pragmas and the migrations applied", async () => {
    const store = await openStore({ dataDir });
    try {
      assert.equal(store.provider, "sqlite");
      const pragma = async (name: string) => {
        const rows = await store.db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
        return String(Object.values(rows[0] ?? {})[0]);
      };
      assert.equal(await pragma("journal_mode"), "wal");
      assert.equal(await pragma("foreign_keys"), "1");
      assert.equal(await pragma("synchronous"), "2");
      assert.equal(await pragma("busy_timeout"), "5000");
      await checkMigrations(store);
      assert.equal(await store.ping(), true);
    } finally {
      await store.close();
    }
  });

  it("reopens idempotently and stores a realm", async () => {
    const file = path.join(dataDir, "arcan.db");
    assert.deepEqual(await applyMigrations({ provider: "sqlite", url: file }), []);
    const store = await openStore({ dataDir });
    try {
      await checkMigrations(store);
      await checkRealmRoundTrip(store.db);
    } finally {
      await store.close();
    }
  });

  it("rejects an unsupported database URL", async () => {
    await assert.rejects(openStore({ dataDir, databaseUrl: "mysql://x/y" }), /Unsupported/);
  });
});

describe("PostgreSQL store", () => {
  const database = `arcan_test_${randomUUID().replaceAll("-", "")}`;
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  const databaseUrl = url.href;

  before(() => pgAdmin(`CREATE DATABASE "${database}"`));
  after(() => pgAdmin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));

  it("migrates a fresh database once when several processes start at once", async () => {
    const stores = await Promise.all([1, 2, 3].map(() => openStore({ dataDir: "", databaseUrl })));
    try {
      for (const store of stores) assert.equal(store.provider, "postgresql");
      const first = stores[0];
      assert.ok(first);
      await checkMigrations(first);
      assert.equal(await first.ping(), true);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("reopens idempotently and stores a realm", async () => {
    assert.deepEqual(await applyMigrations({ provider: "postgresql", url: databaseUrl }), []);
    const store = await openStore({ dataDir: "", databaseUrl });
    try {
      await checkMigrations(store);
      await checkRealmRoundTrip(store.db);
    } finally {
      await store.close();
    }
    assert.equal(await store.ping(), false, "ping reports a closed store instead of throwing");
  });
});
