/** What every command needs: the SDK client built from flags and environment, and output helpers. */
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { ArcanClient } from "#sdk";

/** Bad usage the argument parser cannot see (exit code 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

export const DEFAULT_ADDR = "https://127.0.0.1:8443";

export interface GlobalOptions {
  addr?: string;
  token?: string;
  caCert?: string;
  skipVerify?: boolean;
  json?: boolean;
}

/**
 * The connection options. They are on the program (before a command) and on every leaf
 * command (after it); the program uses positional options so that a leaf's own options,
 * such as `secret get --version`, are not taken for the program's.
 */
export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option("--addr <url>", `server address (default ${DEFAULT_ADDR})`).env("ARCAN_ADDR"))
    .addOption(new Option("--token <token>", "API token (prefer the environment: flags show up in ps)").env("ARCAN_TOKEN"))
    .addOption(new Option("--ca-cert <file>", "PEM file of a CA certificate to trust, e.g. the server's <data_dir>/tls.crt").env("ARCAN_CACERT"))
    .addOption(new Option("--skip-verify", "do not verify the server's TLS certificate (development only; env: ARCAN_SKIP_VERIFY=true)"));
}

export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "yes", "on"].includes(value.trim().toLowerCase());
}

export class Context {
  readonly json: boolean;
  private readonly given: GlobalOptions;
  private clientInstance: ArcanClient | null = null;

  constructor(command: Command) {
    this.given = command.optsWithGlobals<GlobalOptions>();
    // A flag given on the command line wins over the environment, wherever it was given.
    for (let c: Command | null = command; c; c = c.parent) {
      for (const key of ["addr", "token", "caCert", "skipVerify"] as const) {
        if (c.getOptionValueSource(key) === "cli" && command.getOptionValueSource(key) !== "cli") Object.assign(this.given, { [key]: c.getOptionValue(key) as unknown });
      }
    }
    this.json = this.given.json === true;
  }

  /** The command's own options (and the global ones), as the command declared them. */
  options<T>(): T {
    return this.given as T;
  }

  get client(): ArcanClient {
    if (this.clientInstance) return this.clientInstance;
    const o = this.given;
    const url = o.addr || DEFAULT_ADDR;
    if (!/^https:\/\//i.test(url)) throw new UsageError(`ARCAN_ADDR must be an https:// URL (Arcan serves TLS only), got "${url}".`);
    let caCert: string | undefined;
    if (o.caCert) {
      try {
        caCert = readFileSync(o.caCert, "utf8");
      } catch {
        throw new UsageError(`Cannot read the CA certificate file "${o.caCert}" (ARCAN_CACERT / --ca-cert).`);
      }
    }
    const skipVerify = o.skipVerify === true || isTruthy(process.env.ARCAN_SKIP_VERIFY);
    this.clientInstance = new ArcanClient({ url, token: o.token || undefined, caCert, skipVerify });
    return this.clientInstance;
  }

  /** Prints an API answer: JSON with --json, otherwise the human form. */
  print(value: unknown, human: () => void): void {
    if (this.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else human();
  }

  /** A one-line confirmation (stdout); with --json the answer is printed instead. */
  done(value: unknown, message: string): void {
    this.print(value ?? { ok: true }, () => process.stdout.write(`${message}\n`));
  }
}

/** Adds a leaf command with --json and a typed async action. */
export function leaf(parent: Command, spec: string, description: string): Command {
  return addConnectionOptions(parent.command(spec).description(description).option("--json", "print the API response as JSON"));
}

/** Wraps an action so it receives the Context first, then the positional arguments. */
export function run<A extends unknown[]>(fn: (ctx: Context, ...args: A) => Promise<void>): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const positional = args.slice(0, -2) as A;
    await fn(new Context(command), ...positional);
  };
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("expected a whole number.");
  return n;
}

export function csv(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

export function realmOption(): Option {
  return new Option("-r, --realm <realm>", "realm").env("ARCAN_REALM").makeOptionMandatory();
}

/** Aligned "key: value" lines. */
export function printRecord(fields: [string, unknown][]): void {
  const width = Math.max(...fields.map(([k]) => k.length)) + 1;
  for (const [k, v] of fields) process.stdout.write(`${`${k}:`.padEnd(width + 1)}${format(v)}\n`);
}

/** A plain table with a header row; empty lists say so. */
export function printTable(columns: string[], rows: unknown[][], empty = "(none)"): void {
  if (rows.length === 0) {
    process.stdout.write(`${empty}\n`);
    return;
  }
  const cells = rows.map((r) => r.map(format));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  process.stdout.write(`${line(columns)}\n`);
  for (const r of cells) process.stdout.write(`${line(r)}\n`);
}

function format(v: unknown): string {
  if (v === null || v === undefined || v === "") return "-";
  if (Array.isArray(v)) return v.length ? v.map(format).join(",") : "-";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}
