/**
 * The console's tRPC surface in this process, as a browser reaches it: real services on a
 * real store (SQLite in a temp data directory, or a fresh PostgreSQL database), the real
 * tRPC fetch adapter and context, and a NextAuth session cookie for the caller's token.
 * (Only Next's page rendering is left out: it adds nothing to what a procedure does.)
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { encode } from "next-auth/jwt";
import pino from "pino";
import { loadConfig } from "../../server/config/config";
import { SESSION_COOKIE } from "../../server/console/session";
import { LocalKeyFileKms } from "../../server/crypto/kms";
import { generateToken } from "../../server/crypto/token-format";
import { createMetrics } from "../../server/observability/metrics";
import { createServices, publishServices, type Services } from "../../server/services";
import { openStore } from "../../server/store/client";
import { ensureBootstrapToken } from "../../server/tokens/bootstrap";
import { appRouter } from "../../server/trpc/root";
import { createTRPCContext } from "../../server/trpc/trpc";
import { NO_RATE_LIMITS, type StoreKind } from "./core";
import { createDatabase, dropDatabase } from "./server";

/* eslint-disable @typescript-eslint/no-explicit-any -- replies are read field by field, like a JSON client would */
export interface TrpcReply {
  status: number;
  headers: Headers;
  /** The procedure's data, or undefined on an error. */
  data: any;
  /** The tRPC error shape ({message, code, data: {code, httpStatus, issues}}), or undefined. */
  error: any;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface ConsoleHarness {
  services: Services;
  adminToken: string;
  /** JSON log lines the services wrote. */
  logLines(): Record<string, unknown>[];
  query(path: string, input?: unknown, opts?: CallOptions): Promise<TrpcReply>;
  mutation(path: string, input?: unknown, opts?: CallOptions): Promise<TrpcReply>;
  close(): Promise<void>;
}

export interface CallOptions {
  /** The API token the session was signed in with (default: the admin's). */
  token?: string;
  headers?: Record<string, string>;
}

export async function startConsoleHarness(store: StoreKind, env: Record<string, string> = {}): Promise<ConsoleHarness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-console-"));
  const databaseUrl = store === "postgres" ? await createDatabase() : null;
  const config = loadConfig({ ...NO_RATE_LIMITS, ARCAN_DATA_DIR: dataDir, ...(databaseUrl ? { ARCAN_DATABASE_URL: databaseUrl } : {}), ...env }, dataDir);
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split("\n").filter(Boolean)), done()) });
  const logger = pino({ level: "info" }, sink);
  const opened = await openStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
  const kms = LocalKeyFileKms.inDataDir(dataDir);
  kms.load();
  const services = createServices({ config, store: opened, kms, logger, metrics: createMetrics() });
  publishServices(services);
  await services.roles.ensureBuiltins();
  const adminToken = generateToken("arc_");
  await ensureBootstrapToken(opened.db, opened.provider, { value: adminToken, force: false });
  const secret = randomBytes(32).toString("base64url");
  process.env.NEXTAUTH_SECRET = secret;

  const call = async (type: "query" | "mutation", procedure: string, input: unknown, opts: CallOptions = {}): Promise<TrpcReply> => {
    const cookie = await encode({ token: { sub: "test", arcan: { kind: "token", cred: opts.token ?? adminToken } }, secret });
    const query = type === "query" && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : "";
    const req = new Request(`https://localhost/api/trpc/${procedure}${query}`, {
      method: type === "query" ? "GET" : "POST",
      headers: { cookie: `${SESSION_COOKIE}=${cookie}`, host: "localhost", origin: "https://localhost", "content-type": "application/json", ...opts.headers },
      ...(type === "mutation" ? { body: JSON.stringify(input ?? null) } : {}),
    });
    const res = await fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: () => createTRPCContext({ req }) });
    const body = (await res.json()) as { result?: { data: unknown }; error?: unknown };
    return { status: res.status, headers: res.headers, data: body.result?.data, error: body.error };
  };

  return {
    services,
    adminToken,
    logLines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    query: (p, input, opts) => call("query", p, input, opts),
    mutation: (p, input, opts) => call("mutation", p, input, opts),
    async close() {
      await services.dispatcher.stop();
      await services.auditWriter.drain();
      await opened.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl) await dropDatabase(databaseUrl).catch(() => {});
    },
  };
}
