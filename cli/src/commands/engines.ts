/** arcan engine mount|list|get|delete|rotate-root and arcan engine role create|list|delete */
import type { Command } from "commander";
import type { Engine, EngineRole, MountEngineRequest } from "#sdk";
import { leaf, positiveInt, printRecord, printTable, readStdin, realmOption, run, UsageError, type Context } from "../context.js";

interface MountOptions {
  realm: string;
  type: string;
  config?: string;
  connectionUrl?: string;
  username?: string;
  passwordStdin?: boolean;
  maxOpenConnections?: number;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function parseConfig(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  throw new UsageError("--config must be a JSON object.");
}

function printEngine(e: Engine): void {
  printRecord([
    ["name", e.name],
    ["type", e.type],
    ["health", e.health.ok ? "ok" : `failing: ${e.health.detail ?? "unknown"}`],
    ...Object.entries(e.config).map(([k, v]): [string, unknown] => [`config.${k}`, v]),
    ["created", e.created_at],
    ["updated", e.updated_at],
  ]);
}

export function registerEngineCommands(program: Command): void {
  const engine = program.command("engine").description("mount dynamic-credential engines (postgres) and define their roles");

  leaf(engine, "mount <name>", "mount an engine; the server connects once to check it (the password is write-only)")
    .addOption(realmOption())
    .option("--type <type>", "engine type", "postgres")
    .option("--config <json>", "the whole config as a JSON object")
    .option("--connection-url <url>", "postgres: postgresql://{{username}}:{{password}}@host:5432/db")
    .option("--username <name>", "postgres: the root user Arcan connects as")
    .option("--password-stdin", "postgres: read the root password from stdin (keeps it out of shell history)")
    .option("--max-open-connections <n>", "postgres: pool size", positiveInt)
    .addHelpText(
      "after",
      "\nExample:\n  echo \"$ROOT_PW\" | arcan engine mount pg --realm myapp --connection-url 'postgresql://{{username}}:{{password}}@127.0.0.1:5432/app' --username arcan_root --password-stdin",
    )
    .action(
      run(async (ctx: Context, name: string) => {
        const o = ctx.options<MountOptions>();
        const config: Record<string, unknown> = o.config ? parseConfig(o.config) : {};
        if (o.connectionUrl) config.connection_url = o.connectionUrl;
        if (o.username) config.username = o.username;
        if (o.maxOpenConnections !== undefined) config.max_open_connections = o.maxOpenConnections;
        if (o.passwordStdin) config.password = (await readStdin()).replace(/\r?\n$/, "");
        const input: MountEngineRequest = { name, type: o.type, config };
        const mounted = await ctx.client.engines.mount(input, { realm: o.realm });
        ctx.print(mounted, () => printEngine(mounted));
      }),
    );

  leaf(engine, "list", "list the engines mounted in a realm")
    .addOption(realmOption())
    .action(
      run(async (ctx: Context) => {
        const { realm } = ctx.options<{ realm: string }>();
        const items = await ctx.client.engines.list({ realm });
        ctx.print(items, () => printTable(["NAME", "TYPE", "HEALTH", "CREATED"], items.map((e) => [e.name, e.type, e.health.ok ? "ok" : "failing", e.created_at])));
      }),
    );

  leaf(engine, "get <name>", "one engine, with a live health check")
    .addOption(realmOption())
    .action(
      run(async (ctx: Context, name: string) => {
        const { realm } = ctx.options<{ realm: string }>();
        const e = await ctx.client.engines.get(name, { realm });
        ctx.print(e, () => printEngine(e));
      }),
    );

  leaf(engine, "delete <name>", "unmount an engine (refused while it has active leases unless --force)")
    .addOption(realmOption())
    .option("--force", "revoke the engine's active leases first")
    .action(
      run(async (ctx: Context, name: string) => {
        const { realm, force } = ctx.options<{ realm: string; force?: boolean }>();
        await ctx.client.engines.delete(name, { realm, force: force === true });
        ctx.done({ deleted: name, realm }, `Deleted engine ${name} from realm ${realm}.`);
      }),
    );

  leaf(engine, "rotate-root <name>", "set a new random root password in the database (never shown)")
    .addOption(realmOption())
    .action(
      run(async (ctx: Context, name: string) => {
        const { realm } = ctx.options<{ realm: string }>();
        const e = await ctx.client.engines.rotateRoot(name, { realm });
        ctx.done(e, `Rotated the root password of engine ${name}; the old one no longer works.`);
      }),
    );

  const role = engine.command("role").description("roles of an engine: the statements that create and revoke credentials");

  leaf(role, "create <engine> <role>", "define a role ({{name}}, {{password}}, {{expiration}} in statements)")
    .addOption(realmOption())
    .requiredOption("--creation-statement <sql>", "a creation statement (repeat for several)", collect)
    .option("--revocation-statement <sql>", "a revocation statement (repeat; default: terminate, REASSIGN/DROP OWNED, DROP ROLE)", collect)
    .option("--default-ttl <ttl>", 'e.g. "1h"')
    .option("--max-ttl <ttl>", 'e.g. "24h"')
    .addHelpText(
      "after",
      `\nExample:\n  arcan engine role create --realm myapp pg readonly --max-ttl 24h \\\n    --creation-statement "CREATE ROLE \\"{{name}}\\" LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'" \\\n    --creation-statement 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}"'`,
    )
    .action(
      run(async (ctx: Context, engineName: string, roleName: string) => {
        const o = ctx.options<{ realm: string; creationStatement: string[]; revocationStatement?: string[]; defaultTtl?: string; maxTtl?: string }>();
        const created = await ctx.client.engines.createRole(
          engineName,
          {
            name: roleName,
            creation_statements: o.creationStatement,
            revocation_statements: o.revocationStatement ?? [],
            ...(o.defaultTtl ? { default_ttl: o.defaultTtl } : {}),
            ...(o.maxTtl ? { max_ttl: o.maxTtl } : {}),
          },
          { realm: o.realm },
        );
        ctx.print(created, () => printRole(created));
      }),
    );

  leaf(role, "list <engine>", "list an engine's roles")
    .addOption(realmOption())
    .action(
      run(async (ctx: Context, engineName: string) => {
        const { realm } = ctx.options<{ realm: string }>();
        const items = await ctx.client.engines.listRoles(engineName, { realm });
        ctx.print(items, () => printTable(["ROLE", "DEFAULT TTL", "MAX TTL", "UPDATED"], items.map((r) => [r.name, `${r.default_ttl}s`, `${r.max_ttl}s`, r.updated_at])));
      }),
    );

  leaf(role, "delete <engine> <role>", "delete a role (leases it issued stay revocable)")
    .addOption(realmOption())
    .action(
      run(async (ctx: Context, engineName: string, roleName: string) => {
        const { realm } = ctx.options<{ realm: string }>();
        await ctx.client.engines.deleteRole(engineName, roleName, { realm });
        ctx.done({ deleted: roleName, engine: engineName, realm }, `Deleted role ${roleName} of engine ${engineName}.`);
      }),
    );
}

function printRole(r: EngineRole): void {
  printRecord([
    ["role", r.name],
    ["default_ttl", `${r.default_ttl}s`],
    ["max_ttl", `${r.max_ttl}s`],
    ...Object.entries(r)
      .filter(([k]) => !["name", "default_ttl", "max_ttl", "created_at", "updated_at"].includes(k))
      .map(([k, v]): [string, unknown] => [k, v]),
  ]);
}
