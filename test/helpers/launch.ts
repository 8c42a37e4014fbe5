// Starts a real Arcan server for the Go and Python SDK suites and prints one JSON line:
// {"url", "token", "ca_cert", "data_dir"}. It stops the server and removes its data when
// its stdin closes (the suite exited) or on SIGTERM/SIGINT.
//
//   node --import tsx test/helpers/launch.ts      (ARCAN_TEST_STORE=postgres for PostgreSQL)
import path from "node:path";
import { SUITE_SERVER_ENV } from "../sdks/suite";
import { startServer } from "./server";

const store = process.env.ARCAN_TEST_STORE === "postgres" ? "postgres" : "sqlite";
const server = await startServer({ store, env: SUITE_SERVER_ENV });

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
