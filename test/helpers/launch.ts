// Starts a real Arcan server for the Go and Python SDK suites and prints one JSON line:
// {"url", "token", "ca_cert", "data_dir"}. It stops the server and removes its data when
// its stdin closes (the suite exited) or on SIGTERM/SIGINT.
//
//   node --import tsx test/helpers/launch.ts      (ARCAN_TEST_STORE=postgres for PostgreSQL)
import path from "node:path";
import { startServer } from "./server";

const store = process.env.ARCAN_TEST_STORE === "postgres" ? "postgres" : "sqlite";
// High global limits: the suites make many requests; the 429 tests use a token's own rate_limit.
const server = await startServer({ store, env: { ARCAN_RATE_LIMIT_PER_IP: "1000000", ARCAN_RATE_LIMIT_PER_TOKEN: "1000000" } });

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.cleanup();
  process.exit(0);
}
process.stdin.on("end", () => void stop());
process.stdin.on("close", () => void stop());
process.stdin.resume();
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

process.stdout.write(`${JSON.stringify({ url: server.url, token: server.adminToken, ca_cert: path.join(server.dataDir, "tls.crt"), data_dir: server.dataDir })}\n`);
