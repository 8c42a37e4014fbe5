/**
 * Arcan's entry point: configuration → store (migrations) → keys → services → one HTTPS
 * listener for REST and the console → bootstrap token. SIGTERM drains in-flight requests and
 * flushes pending audit writes before exit.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfig, type ArcanConfig } from "./config/config";
import { secureDataDir } from "./config/data-dir";
import { prepareConsoleEnvironment } from "./console/secret";
import { withConsoleSecurity } from "./console/security-headers";
import { openKms, openPreviousKms } from "./crypto/providers";
import { rewrapRealmKeys } from "./crypto/rewrap";
import { createArcanServer, type Handler } from "./http/server";
import { loadTls } from "./http/tls";
import { createLogger } from "./observability/logger";
import { createMetrics } from "./observability/metrics";
import { createRestApp } from "./rest/app";
import { sendProblem } from "./rest/http";
import { AppError } from "./errors";
import { newRequestId } from "./ids";
import { gatewayActor } from "./gateway/proxy";
import { createServices, publishServices, type Services } from "./services";
import { exclusively, openStore } from "./store/client";
import { ensureBootstrapToken } from "./tokens/bootstrap";

/** The project folder (Next's `dir`), found from this file whether it runs from source or from dist/. */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
const ROOT = projectRoot();
/** Replicas starting together find or create the HSM key one at a time (see openKms). */
const PG_KMS_OPEN_LOCK = 7_242_021;

async function main(): Promise<void> {
  let config: ArcanConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.message.split("\n")) process.stderr.write(`arcan: ${line}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.log.level);
  const metrics = createMetrics();
  // Everything this process creates (SQLite's -wal and -shm included) is private to its user.
  process.umask(0o077);
  for (const file of secureDataDir(config.data_dir)) logger.warn({ file }, "data directory entry was accessible by other users; made private");

  const tls = await loadTls({ certFile: config.tls.cert_file, keyFile: config.tls.key_file, dataDir: config.data_dir });
  const store = await openStore({ dataDir: config.data_dir, ...(config.database_url ? { databaseUrl: config.database_url } : {}) });
  const kms = await openKms(config, (fn) => exclusively(store, PG_KMS_OPEN_LOCK, fn));
  const previousKms = await openPreviousKms(config);
  if (previousKms) {
    await rewrapRealmKeys({ db: store.db, from: previousKms, to: kms, logger });
    previousKms.close?.();
  }

  const services = createServices({ config, store, kms, logger, metrics });
  publishServices(services);
  await services.startCluster();
  await services.roles.ensureBuiltins();
  await services.pluginRuntime.start();

  const rest = createRestApp(services);
  const web = config.console.enabled ? await startConsole(config) : notFound;
  const { server, inFlight } = createArcanServer(tls, rest, web);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
  });
  // Only once the port is ours: a start that fails (port in use) must not use up the one printing.
  for (const outcome of await ensureBootstrapToken(store.db, store.provider, { value: config.auth.bootstrap_token, force: config.auth.force_bootstrap })) {
    if (outcome.kind !== "created") continue;
    if (outcome.printedValue) process.stderr.write(`\nAdmin token (shown once, store it now): ${outcome.printedValue}\n\n`);
    else process.stderr.write(`Admin token "${outcome.name}" created from ARCAN_BOOTSTRAP_TOKEN.\n`);
  }
  if (config.webhooks.allow_private_networks) {
    const warning = "[webhooks] allow_private_networks is on: webhooks may use http and reach loopback, private and cloud-metadata addresses";
    process.stderr.write(`Warning: ${warning}.\n`);
    logger.warn(warning);
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  services.sts.setDefaultIssuer(`https://${shownHost}:${port}`);
  process.stderr.write(
    `Arcan is listening on https://${shownHost}:${port}/ (store: ${store.provider}${config.console.enabled ? ", console on" : ""})\n` +
      `TLS certificate ${tls.certFile}${tls.selfSigned ? " (self-signed)" : ""}, SHA-256 fingerprint ${tls.fingerprint256}\n`,
  );
  logger.info({ port, provider: store.provider }, "listening");

  const timers = [
    setInterval(() => void services.decisions.flush(), 5_000),
    setInterval(() => void services.tokenAuth.flushLastUsed().catch(() => {}), 10_000),
  ];
  timers.forEach((t) => t.unref());
  // Event sinks resume from the store whatever they still owe (after a restart or a crash).
  services.dispatcher.start();
  services.syslog?.start();
  services.leaseReaper.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "draining");
    server.close();
    server.closeIdleConnections();
    const deadline = Date.now() + 10_000;
    while (inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    server.closeAllConnections();
    timers.forEach(clearInterval);
    await services.dispatcher.stop();
    // The gateway's leases are revoked while the engines' connections are still open.
    await services.gatewayCredentials.close(gatewayActor("shutdown", null)).catch(() => undefined);
    await services.gatewayProxy.close().catch(() => undefined);
    await services.pluginRuntime.stop();
    await services.leaseReaper.stop();
    await services.connections.closeAll();
    await services.stopCluster();
    await flushAll(services);
    await services.syslog?.stop();
    await store.close();
    logger.info("stopped");
    logger.flush(() => process.exit(0));
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

async function flushAll(services: Services): Promise<void> {
  await services.auditWriter.drain();
  await services.decisions.flush();
  await services.tokenAuth.flushLastUsed().catch(() => {});
}

async function startConsole(config: ArcanConfig): Promise<Handler> {
  prepareConsoleEnvironment(config.data_dir);
  const { default: next } = await import("next");
  const app = next({ dev: config.console.dev, dir: ROOT, hostname: config.host, port: config.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  return withConsoleSecurity((req, res) => handle(req, res), { dev: config.console.dev });
}

const notFound: Handler = (_req, res) => {
  sendProblem(res, new AppError("not_found", "The console is disabled on this server.", { code: "console_disabled" }), newRequestId());
};

main().catch((err: unknown) => {
  process.stderr.write(`arcan: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
