// Runs the Go and Python SDK suites (their own test runners) against a real server.
import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT, type TestServer } from "../helpers/server";

/** High global limits: the suites make many requests; their 429 tests use a token's own rate_limit. */
export const SUITE_SERVER_ENV = { ARCAN_RATE_LIMIT_PER_IP: "1000000", ARCAN_RATE_LIMIT_PER_TOKEN: "1000000" };

export interface Run {
  code: number | null;
  output: string;
}

/** Runs a command in the repository, with the server named in ARCAN_TEST_* when given. */
export function run(command: string, args: string[], cwd: string, server?: TestServer, env: Record<string, string> = {}): Promise<Run> {
  const serverEnv = server ? { ARCAN_TEST_ADDR: server.url, ARCAN_TEST_TOKEN: server.adminToken, ARCAN_TEST_CACERT: path.join(server.dataDir, "tls.crt") } : {};
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: path.join(ROOT, cwd), env: { ...process.env, ...serverEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", (err: NodeJS.ErrnoException) => reject(err.code === "ENOENT" ? new Error(`${command} is not installed (.ci/run installs it: golang-go from Debian; Python 3)`) : err));
    child.once("exit", (code) => resolve({ code, output }));
  });
}
