// Spawns the built `arcan agent` as a process and watches what it does, for the agent suites.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../helpers/server";

export const BIN = path.join(ROOT, (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { bin: { arcan: string } }).bin.arcan);

export interface AgentProcess {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  /** The /health base URL the agent printed (with --health-addr). */
  healthUrl: () => Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startAgent(args: string[], env: Record<string, string>): AgentProcess {
  const child = spawn(process.execPath, [BIN, "agent", ...args], { env: { NODE_ENV: "test", PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  child.stdout!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    stderr: () => err,
    exited,
    healthUrl: async () => {
      await waitFor(() => /health on (http:\/\/\S+)\/health/.test(err), 15_000, () => `no health address printed:\n${err}`);
      return /health on (http:\/\/\S+)\/health/.exec(err)![1]!;
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, message: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not there yet (file missing, connection refused): look again.
    }
    if (Date.now() > deadline) throw new Error(`timed out: ${message()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

export async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

/**
 * A small app for --exec: writes its pid and the environment the agent gave it to a file,
 * counts SIGHUPs, and on SIGTERM records that it was asked to stop.
 */
export function writeChildScript(dir: string): string {
  const file = path.join(dir, "child.mjs");
  writeFileSync(
    file,
    `import { writeFileSync } from "node:fs";
const out = process.argv[2];
let hups = 0;
const dump = () => writeFileSync(out, JSON.stringify({ pid: process.pid, env: Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(API_KEY|DATABASE_URL|DB_[A-Z_]+|ARCAN_TOKEN)$/.test(k))), hups }));
process.on("SIGHUP", () => { hups += 1; dump(); });
process.on("SIGTERM", () => { writeFileSync(out + ".stopped", String(process.pid)); process.exit(0); });
dump();
setInterval(() => {}, 1000);
`,
  );
  return file;
}
