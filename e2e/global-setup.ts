/**
 * Starts the real Arcan server (production build, HTTPS, console on, fresh SQLite data
 * directory, known bootstrap token, the development plugin key trusted) for the e2e
 * suite, and stops it afterwards. The build must exist already: `npm test` runs
 * `npm run build` first.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { publicKeyBase64, readPrivateKey } from "../server/plugins/authoring";
import { E2E_ADMIN_TOKEN, E2E_PLUGIN_KEY_FILE } from "./env";

const ROOT = path.resolve(import.meta.dirname, "..");

export default async function globalSetup(): Promise<(() => Promise<void>) | void> {
  if (process.env.ARCAN_E2E_START_SERVER !== "1") return;
  if (!existsSync(path.join(ROOT, ".next/BUILD_ID"))) {
    throw new Error("No production build: .next/BUILD_ID is missing. Run `npm run build` before `npm run test:e2e`.");
  }
  const url = new URL(process.env.ARCAN_E2E_URL!);
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-e2e-"));
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      ARCAN_HOST: url.hostname,
      ARCAN_PORT: url.port,
      ARCAN_DATA_DIR: dataDir,
      ARCAN_CONSOLE_ENABLED: "true",
      ARCAN_CONSOLE_DEV: "false",
      ARCAN_BOOTSTRAP_TOKEN: E2E_ADMIN_TOKEN,
      ARCAN_LOG_LEVEL: "warn",
      ARCAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true",
      ARCAN_PLUGINS_TRUSTED_KEYS: publicKeyBase64(readPrivateKey(E2E_PLUGIN_KEY_FILE)),
    },
    stdio: ["ignore", "inherit", "pipe"],
  });
  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Arcan did not start within 60 s:\n${stderr}`)), 60_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/listening on https:/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Arcan exited with ${code} before listening:\n${stderr}`));
    });
  });
  child.stderr!.on("data", (chunk: Buffer) => process.stderr.write(chunk));

  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
}
