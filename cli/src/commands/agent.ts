/**
 * arcan agent (seed 000 Pattern D): keeps a realm's secrets and dynamic credentials fresh in
 * a file (`--out`) and/or in a command's environment (`--exec -- CMD…`), with probes for
 * containers (`--health-addr`). A consumer of the REST API like any other client.
 */
import { Option, type Command } from "commander";
import { addConnectionOptions, Context, csv, realmOption, UsageError } from "../context.js";
import { startHealthServer } from "../agent/health.js";
import { LeaseKeeper, parseLeaseSpec } from "../agent/leases.js";
import type { OutputFormat } from "../agent/output.js";
import { AgentRunner } from "../agent/runner.js";
import type { OnChange } from "../agent/child.js";

interface AgentOptions {
  realm: string;
  inject: string[];
  lease: string[];
  template: string[];
  refresh: number;
  out?: string;
  format: OutputFormat;
  exec?: boolean;
  onChange: OnChange;
  healthAddr?: string;
}

const FORWARDED: NodeJS.Signals[] = ["SIGHUP", "SIGUSR1", "SIGUSR2"];

export function registerAgentCommand(program: Command): void {
  addConnectionOptions(program.command("agent [command...]"))
    .description("keep secrets and leases fresh in a file or a command's environment")
    .addOption(realmOption())
    .option("--inject <keys>", "secret keys to fetch, comma-separated (DATABASE_URL,API_KEY)", (v, prev: string[]) => [...prev, ...csv(v)], [])
    .option("--lease <NAME=engine/role>", "a dynamic credential; its fields become NAME_USERNAME, NAME_PASSWORD… (repeatable)", (v, prev: string[]) => [...prev, v], [])
    .option("--template <NAME=TEXT>", "a value built from others, e.g. 'DATABASE_URL=postgresql://{{DB_USERNAME}}:{{DB_PASSWORD}}@db/app' (repeatable)", (v, prev: string[]) => [...prev, v], [])
    .option("--refresh <duration>", "refresh interval: 30s, 5m, 1h, 500ms, or seconds", parseDuration, 5 * 60_000)
    .option("--out <file>", "write the values here atomically, mode 0600 (point it at a tmpfs)")
    .addOption(new Option("--format <format>", "file format").choices(["env", "json"]).default("env"))
    .option("--exec", "run the command after -- with the values in its environment")
    .addOption(new Option("--on-change <action>", "what a change does to the command").choices(["restart", "sighup", "none"]).default("restart"))
    .option("--health-addr <host:port>", "serve /health and /ready, e.g. 127.0.0.1:8081")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  arcan agent --realm myapp --inject DATABASE_URL,API_KEY --refresh 5m --out /run/secrets/app.env",
        "  arcan agent --realm myapp --lease DB=pg/readonly \\",
        "    --template 'DATABASE_URL=postgresql://{{DB_USERNAME}}:{{DB_PASSWORD}}@db:5432/app' --exec -- node app.js",
        "",
        "Leases are renewed when two thirds of their TTL has passed and revoked on SIGTERM/SIGINT.",
        "While Arcan is unreachable the last good values stay in place (stderr says so). Values are never logged.",
      ].join("\n"),
    )
    .action(async (command: string[], _opts: unknown, cmd: Command) => {
      const ctx = new Context(cmd);
      process.exitCode = await runAgent(ctx, ctx.options<AgentOptions>(), command);
    });
}

async function runAgent(ctx: Context, o: AgentOptions, command: string[]): Promise<number> {
  if (o.exec && command.length === 0) throw new UsageError("--exec needs a command after --, e.g. --exec -- node app.js");
  if (!o.exec && command.length > 0) throw new UsageError(`unexpected arguments "${command.join(" ")}": to run a command, use --exec -- CMD…`);
  if (!o.out && !o.exec) throw new UsageError("give --out FILE and/or --exec -- CMD… (where the values go)");
  if (o.inject.length === 0 && o.lease.length === 0) throw new UsageError("nothing to fetch: give --inject KEYS and/or --lease NAME=engine/role");
  const client = ctx.client;
  let leases: LeaseKeeper[];
  let templates: Map<string, string>;
  try {
    leases = o.lease.map((text) => new LeaseKeeper(client, o.realm, parseLeaseSpec(text)));
    templates = new Map(o.template.map(parseTemplate));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  const log = (line: string) => process.stderr.write(`arcan agent: ${line}\n`);
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const runner = new AgentRunner(
    { client, realm: o.realm, inject: o.inject, leases, templates, refreshMs: o.refresh, out: o.out ?? null, format: o.format, exec: o.exec ? command : null, onChange: o.onChange },
    log,
    (code) => void shutdown(code),
  );

  let health: Awaited<ReturnType<typeof startHealthServer>> | null = null;
  let shuttingDown = false;
  async function shutdown(code: number, signal?: NodeJS.Signals): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    runner.stop();
    if (signal && runner.supervisor) await runner.supervisor.stop(signal);
    await runner.revokeLeases();
    health?.server.close();
    finish(code);
  }
  const onStop = (signal: NodeJS.Signals) => void shutdown(signal === "SIGINT" ? 130 : 0, signal);
  process.on("SIGTERM", onStop);
  process.on("SIGINT", onStop);
  for (const signal of FORWARDED) process.on(signal, () => (runner.supervisor?.running ? runner.supervisor.forward(signal) : runner.poke()));

  health = o.healthAddr ? await startHealthServer(o.healthAddr, runner) : null;
  if (health) log(`health on ${health.url}/health and ${health.url}/ready`);

  try {
    await runner.start();
  } catch (err) {
    await shutdown(1);
    throw err;
  }
  log(`serving ${o.inject.length} secret(s) and ${leases.length} lease(s) from realm ${o.realm}${o.out ? ` to ${o.out}` : ""}`);
  void runner.loop();
  return finished;
}

function parseTemplate(text: string): [string, string] {
  const eq = text.indexOf("=");
  const name = text.slice(0, eq);
  if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`--template must be NAME=TEXT (got "${text.slice(0, 40)}")`);
  return [name, text.slice(eq + 1)];
}

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`not a duration: "${text}" (use 30s, 5m, 1h, 500ms or seconds)`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? "s") as "ms" | "s" | "m" | "h"];
  const ms = Number(match[1]) * factor;
  if (ms < 100) throw new UsageError("--refresh must be at least 100ms");
  return ms;
}
