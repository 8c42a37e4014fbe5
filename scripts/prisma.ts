// Prisma tasks that work without Prisma's download host (which the plain CLI needs for
// its native schema engine, and which this project's machines cannot reach):
//
//   npx tsx scripts/prisma.ts generate          PostgreSQL schema + both Prisma Clients
//   npx tsx scripts/prisma.ts migration <name>  a new migration for each provider
//
// prisma/schema.prisma (SQLite) is the one model definition; prisma/postgres/schema.prisma
// is derived from it (generated, committed so reviewers and the Prisma CLI can see it).

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { Provider } from "../server/store/migrate";

// Loaded only by `migration`: `generate` runs at postinstall and needs no database driver.
const store = async () => ({
  ...(await import("../server/store/migrate")),
  ...(await import("../server/store/schema-engine")),
});

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SCHEMAS: Record<Provider, string> = {
  sqlite: path.join(ROOT, "prisma/schema.prisma"),
  postgresql: path.join(ROOT, "prisma/postgres/schema.prisma"),
};
const PROVIDERS: Provider[] = ["sqlite", "postgresql"];

const POSTGRES_BANNER = `// GENERATED from ../schema.prisma by scripts/prisma.ts (npm run db:generate).
// Do not edit: same models; only the datasource provider and the client output differ.
`;

/** Replaces exactly one match, so a change in schema.prisma's layout fails loudly. */
function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  const matches = text.match(new RegExp(pattern.source, pattern.flags.replace("g", "") + "g"));
  if (matches?.length !== 1) {
    throw new Error(`prisma/schema.prisma: expected one ${what}, found ${matches?.length ?? 0}`);
  }
  return text.replace(pattern, replacement);
}

/** Derives the PostgreSQL schema from the SQLite one. */
function postgresSchema(sqlite: string): string {
  let out = replaceOnce(
    sqlite,
    /(datasource\s+db\s*\{[^}]*?provider\s*=\s*)"sqlite"/,
    '$1"postgresql"',
    'datasource with provider = "sqlite"',
  );
  // The output path is relative to the schema file, which lives one folder deeper.
  out = replaceOnce(
    out,
    /(output\s*=\s*)"\.\.\/server\/store\/generated\/sqlite"/,
    '$1"../../server/store/generated/postgres"',
    'generator output = "../server/store/generated/sqlite"',
  );
  const body = out.replace(/^(\/\/[^\n]*\n)+\n?/, "");
  return POSTGRES_BANNER + "\n" + body;
}

async function writePostgresSchema(): Promise<void> {
  const next = postgresSchema(await readFile(SCHEMAS.sqlite, "utf8"));
  const current = await readFile(SCHEMAS.postgresql, "utf8").catch(() => null);
  if (current === next) return;
  await mkdir(path.dirname(SCHEMAS.postgresql), { recursive: true });
  await writeFile(SCHEMAS.postgresql, next);
}

const run = promisify(execFile);

async function generate(): Promise<void> {
  const started = performance.now();
  await writePostgresSchema();
  const require = createRequire(import.meta.url);
  const cli = path.join(path.dirname(require.resolve("prisma/package.json")), "build/index.js");
  const env = {
    ...process.env,
    // `prisma generate` never runs the schema engine but insists that one exists; any
    // executable satisfies it and stops the CLI trying to download the real binary.
    PRISMA_SCHEMA_ENGINE_BINARY: process.env["PRISMA_SCHEMA_ENGINE_BINARY"] ?? "/bin/true",
    // No update check or telemetry: there is no network to reach.
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  };
  await Promise.all(
    PROVIDERS.map(async (provider) => {
      const schema = path.relative(ROOT, SCHEMAS[provider]);
      try {
        await run(process.execPath, [cli, "generate", "--schema", schema], { cwd: ROOT, env });
      } catch (err) {
        const { stdout = "", stderr = "" } = err as { stdout?: string; stderr?: string };
        throw new Error(`prisma generate --schema ${schema} failed:\n${stdout}${stderr}`, {
          cause: err,
        });
      }
      console.log(`generated ${provider} client from ${schema}`);
    }),
  );
  console.log(`done in ${Math.round(performance.now() - started)} ms`);
}

/** Prisma's migration folder naming: UTC yyyyMMddHHmmss, then the name in snake case. */
function migrationFolderName(name: string, now = new Date()): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!slug) throw new Error(`invalid migration name: ${JSON.stringify(name)}`);
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
  return `${stamp}_${slug}`;
}

/** What the Prisma CLI writes into migration_lock.toml. */
function lockfileContent(provider: Provider): string {
  return `# Please do not edit this file manually
# It should be added in your version-control system (e.g., Git)
provider = "${provider}"
`;
}

/**
 * The adapter the engine diffs through. Diffing from existing migrations replays them in
 * a shadow database: SQLite uses one in memory; PostgreSQL needs a server, on which a
 * temporary database is created and dropped (ARCAN_SHADOW_PG_URL, default the local one).
 */
async function diffAdapter(provider: Provider): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const { pgEngineAdapter, sqliteEngineAdapter } = await store();
  if (provider === "sqlite") return sqliteEngineAdapter(":memory:");
  return pgEngineAdapter(
    process.env["ARCAN_SHADOW_PG_URL"] ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  );
}

/** SQL taking the provider's migrations to the current schema, or null if nothing changes. */
async function diffToSchema(provider: Provider): Promise<string | null> {
  const { migrationsDir, readMigrationList, withSchemaEngine, NO_FILTERS } = await store();
  const migrationsList = await readMigrationList(migrationsDir(provider));
  const lock = migrationsList.lockfile.content;
  if (lock !== null && !lock.includes(`provider = "${provider}"`)) {
    throw new Error(`${migrationsDir(provider)}/migration_lock.toml is not for ${provider}`);
  }
  const schemaPath = SCHEMAS[provider];
  const content = await readFile(schemaPath, "utf8");
  const diff = withSchemaEngine({ adapter: await diffAdapter(provider) }, (engine) =>
    engine.diff({
      from:
        migrationsList.migrationDirectories.length === 0
          ? { tag: "empty" }
          : { tag: "migrations", ...migrationsList },
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content }] },
      script: true,
      // Makes the engine report whether the diff is empty (exit code 2 = changes).
      exitCode: true,
      filters: NO_FILTERS,
    }),
  );
  const result = await diff.catch((err: unknown) => {
    const hint = provider === "postgresql" ? " (is ARCAN_SHADOW_PG_URL's server up?)" : "";
    throw new Error(`${provider} diff failed${hint}: ${String(err)}`, { cause: err });
  });
  return result.exitCode === 2 ? (result.stdout ?? "") : null;
}

async function migration(name: string): Promise<void> {
  const { migrationsDir } = await store();
  const folder = migrationFolderName(name);
  await writePostgresSchema();
  const scripts = new Map<Provider, string | null>();
  for (const provider of PROVIDERS) scripts.set(provider, await diffToSchema(provider));
  if ([...scripts.values()].every((sql) => sql === null)) {
    console.log("No schema changes since the last migration; nothing created.");
    return;
  }
  // Both providers always get the folder, so their histories stay pairwise identical.
  for (const provider of PROVIDERS) {
    const dir = migrationsDir(provider);
    const target = path.join(dir, folder);
    if (existsSync(target)) throw new Error(`${target} already exists`);
    await mkdir(target, { recursive: true });
    const sql = scripts.get(provider) ?? "-- This is an empty migration.\n";
    await writeFile(path.join(target, "migration.sql"), sql);
    const lockPath = path.join(dir, "migration_lock.toml");
    if (!existsSync(lockPath)) await writeFile(lockPath, lockfileContent(provider));
    console.log(`created ${path.relative(ROOT, target)}/migration.sql`);
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === "generate" && rest.length === 0) return generate();
  if (command === "migration" && rest.length === 1 && rest[0]) return migration(rest[0]);
  throw new Error("usage: tsx scripts/prisma.ts generate | migration <name>");
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
