// Loads Prisma's schema engine compiled to Wasm, so migrations can be diffed and applied
// without the native `schema-engine` binary (which Prisma downloads at run time, and this
// project's machines cannot reach Prisma's download host).
//
// The package's entry point does `import * as wasm from "./schema_engine_bg.wasm"`, an ES
// module import of Wasm that Node 20 refuses. So we load the JS glue
// (`schema_engine_bg.js`) ourselves, instantiate the .wasm with the glue as its import
// object, and hand the instance back to the glue (what the entry point would have done).

import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
} from "@prisma/driver-adapter-utils";
import type {
  MigrationList,
  SchemaEngine,
  SchemaFilter,
} from "@prisma/schema-engine-wasm/schema_engine_bg";

export type { MigrationList, SchemaEngine };

type Glue = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

const GLUE_SPECIFIER = "@prisma/schema-engine-wasm/schema_engine_bg";

/** No external tables or enums: Prisma owns the whole database. */
export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

// The glue module holds one Wasm instance in module state, so a second instantiation
// (e.g. from a second copy of this file in a bundle) would swap the instance under live
// engines. Keep the one load per process on globalThis.
const GLUE_KEY: unique symbol = Symbol.for("arcan.store.schema-engine-wasm");
const shared = globalThis as typeof globalThis & {
  [GLUE_KEY]?: { glue: Promise<Glue>; panic: string | undefined };
};

/** Instantiates the Wasm module once per process. */
function loadGlue(): Promise<Glue> {
  const existing = shared[GLUE_KEY];
  if (existing?.panic) {
    // The glue caches views of the dead instance's memory; a new instance cannot be used.
    const message = `Prisma schema engine panicked earlier (${existing.panic})`;
    return Promise.reject(new Error(`${message}; restart the process`));
  }
  if (existing) return existing.glue;
  const state: { glue: Promise<Glue>; panic: string | undefined } = {
    panic: undefined,
    glue: (async () => {
      const require = createRequire(import.meta.url);
      // The .wasm is not in the package's `exports`, so locate it next to the glue file.
      const gluePath = require.resolve(GLUE_SPECIFIER);
      const wasmPath = path.join(path.dirname(gluePath), "schema_engine_bg.wasm");
      const glue: Glue = await import(GLUE_SPECIFIER);
      const bytes = await readFile(wasmPath);
      // The wasm-bindgen module imports every glue function from "./schema_engine_bg.js".
      const functions: WebAssembly.ModuleImports = { ...glue };
      for (const name of Object.keys(functions)) {
        // The engine arms timeouts it never clears (PostgreSQL's 10 s advisory-lock
        // timeout on every applyMigrations): unref them so they cannot hold the process
        // open. withSchemaEngine keeps the process alive while an engine works.
        if (name.startsWith("__wbg_setTimeout_")) {
          functions[name] = (fn: () => void, ms: number) => setTimeout(fn, ms >>> 0).unref();
        }
        // Panic messages go to a global registry that only Prisma's own hosts define.
        if (name.startsWith("__wbg_set_message_")) {
          functions[name] = (ptr: number, len: number) => {
            const memory = instance.exports["memory"] as WebAssembly.Memory;
            state.panic = new TextDecoder().decode(new Uint8Array(memory.buffer, ptr >>> 0, len));
          };
        }
      }
      const imports = { "./schema_engine_bg.js": functions };
      const { instance } = await WebAssembly.instantiate(bytes, imports);
      glue.__wbg_set_wasm(instance.exports);
      const start = instance.exports["__wbindgen_start"];
      if (typeof start === "function") start();
      return glue;
    })(),
  };
  shared[GLUE_KEY] = state;
  state.glue.catch(() => {
    if (shared[GLUE_KEY] === state) delete shared[GLUE_KEY];
  });
  return state.glue;
}

/** Names the panic behind an engine error; the Wasm instance is unusable after one. */
function panicked(err: unknown): unknown {
  const panic = shared[GLUE_KEY]?.panic;
  return panic ? new Error(`Prisma schema engine panicked: ${panic}`, { cause: err }) : err;
}

export interface EngineOptions {
  /** The adapter factory the engine connects through (and asks for shadow databases). */
  adapter: SqlMigrationAwareDriverAdapterFactory;
  /** Receives the engine's log lines (JSON strings). Ignored by default. */
  log?: (line: string) => void;
}

/**
 * Runs `fn` with a fresh engine, then frees it and closes its connections: the engine
 * never disposes its main connection, and an open PostgreSQL pool keeps the process alive.
 */
export async function withSchemaEngine<T>(
  opts: EngineOptions,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const glue = await loadGlue();
  const opened: SqlDriverAdapter[] = [];
  const inner = opts.adapter;
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = await inner.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    const engine = await glue.SchemaEngine.new(
      { datamodels: undefined },
      (line: string) => opts.log?.(line),
      bindMigrationAwareSqlAdapterFactory(tracked),
    );
    try {
      return await fn(engine);
    } catch (err) {
      throw panicked(err);
    } finally {
      // After a panic, free() throws too; the error above is the one worth reporting.
      if (!shared[GLUE_KEY]?.panic) engine.free();
    }
  } finally {
    clearInterval(keepAlive);
    // Cleanup only: a failure to close must not hide fn's result or error.
    await Promise.all(opened.map((adapter) => adapter.dispose().catch(() => undefined)));
  }
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/** Retypes PostgreSQL's internal one-byte `"char"` columns as text in a query result. */
function charColumnsAsText(result: unknown): void {
  for (const one of Array.isArray(result) ? result : [result]) {
    const fields = (one as { fields?: { dataTypeID: number }[] } | undefined)?.fields ?? [];
    for (const field of fields) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
}

/**
 * A pg.Client for the schema engine. Describing a PostgreSQL schema (what `diff` does to
 * its shadow database) reads catalog columns of the internal `"char"` type, which
 * @prisma/adapter-pg 7.10 rejects ("Column type 'char' could not be deserialized").
 * pg already returns those values as strings; only the reported column type is wrong.
 */
class CatalogCharClient extends pg.Client {}
const clientQuery = pg.Client.prototype.query;
// `query` has a dozen overloads (promise, callback, submittable); we forward any of them.
CatalogCharClient.prototype.query = function (this: pg.Client, ...args: unknown[]): unknown {
  const callback = args.at(-1);
  if (typeof callback === "function") {
    args[args.length - 1] = (err: unknown, res: unknown) => {
      if (!err) charColumnsAsText(res);
      callback(err, res);
    };
    return Reflect.apply(clientQuery, this, args);
  }
  const ret: unknown = Reflect.apply(clientQuery, this, args);
  return ret instanceof Promise ? ret.then((res: unknown) => (charColumnsAsText(res), res)) : ret;
} as typeof clientQuery;

/** Delegates to `adapter`, with some of its methods replaced. */
function overriding(
  adapter: SqlDriverAdapter,
  overrides: Partial<SqlDriverAdapter>,
): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof SqlDriverAdapter];
      const value: unknown = Reflect.get(target, prop, target);
      // Bound to the real adapter: its methods use private fields a Proxy does not have.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function pgAdmin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The adapter factory the schema engine should use for PostgreSQL. One connection: Prisma
 * takes its migration advisory lock (a session lock) and must release it on the same one.
 */
export function pgEngineAdapter(url: string): SqlMigrationAwareDriverAdapterFactory {
  const open = (connectionString: string) =>
    new PrismaPg({ connectionString, max: 1, Client: CatalogCharClient }).connect();
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: () => open(url),
    // Replaces PrismaPg's own, which (7.10.1) opens the shadow as `{ ...config, database }`
    // (a connection string overrides `database`: the "shadow" is the main database) and
    // drops the shadow database before closing its pool (PostgreSQL refuses).
    connectToShadowDb: async () => {
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await pgAdmin(url, `CREATE DATABASE "${name}"`);
      const shadowUrl = new URL(url);
      shadowUrl.pathname = `/${name}`;
      const shadow = await open(shadowUrl.href);
      return overriding(shadow, {
        dispose: async () => {
          await shadow.dispose();
          await pgAdmin(url, `DROP DATABASE IF EXISTS "${name}"`);
        },
      });
    },
  };
}

/**
 * Replaying migrations into a SQLite shadow database (what `diff` from a migrations folder
 * does), the engine sends each whole migration.sql through `executeRaw`, and
 * better-sqlite3 refuses more than one statement per prepared statement. A parameterless
 * `executeRaw` is exactly a script, so the shadow connection runs it as one.
 */
export function sqliteEngineAdapter(url: string): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaBetterSqlite3({ url, timeout: 5000 });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => inner.connect(),
    connectToShadowDb: async () => {
      const shadow = await inner.connectToShadowDb();
      return overriding(shadow, {
        executeRaw: async (query: SqlQuery) => {
          if (query.args.length > 0) return shadow.executeRaw(query);
          await shadow.executeScript(query.sql);
          return 0;
        },
      });
    },
  };
}
