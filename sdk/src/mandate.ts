/**
 * Batch workers: `withMandate(task, scopes, fn)` exchanges the user's token and the agent's
 * credential for a short-lived STS token bound to one task, runs `fn` with it, and revokes
 * the token by its `jti` afterwards, whether `fn` succeeded or not.
 *
 *   await withMandate("reconcile invoices 2026-11", ["jira.read:project/FIN-*"], async (m) => {
 *     await callTool(m.token);
 *   });
 */
import { ArcanClient } from "./index.js";
import { exchangeCall, jtiOf, revokeJti } from "./enforcement.js";
import type { StsExchangeInput } from "./types.js";

export interface MandateOptions {
  /** Default: a client from ARCAN_ADDR, ARCAN_TOKEN and ARCAN_CACERT. Its token revokes the mandate. */
  client?: ArcanClient;
  /** The user the agent acts for. Default: ARCAN_TOKEN. */
  subjectToken?: string;
  subjectTokenType?: StsExchangeInput["subjectTokenType"];
  /** The agent's credential (agt_…). Default: ARCAN_AGENT_CREDENTIAL. */
  actorToken?: string;
  /** A workload attestation. Default: ARCAN_WORKLOAD_TOKEN, or the file named by ARCAN_WORKLOAD_TOKEN_FILE. */
  workloadToken?: string;
  audience?: string;
  requestedTtl?: number;
}

export interface Mandate {
  /** The STS JWT: send it as `Authorization: Bearer …` to gateways and MCP servers. */
  token: string;
  /** The granted scopes (the intersection Arcan computed). */
  scopes: string[];
  expiresAt: Date;
  jti: string | null;
}

export async function withMandate<T>(task: string, scopes: string[], fn: (mandate: Mandate) => Promise<T> | T, options: MandateOptions = {}): Promise<T> {
  const client = options.client ?? (await clientFromEnv());
  const subjectToken = options.subjectToken ?? process.env.ARCAN_TOKEN;
  const actorToken = options.actorToken ?? process.env.ARCAN_AGENT_CREDENTIAL;
  if (!subjectToken) throw new TypeError("withMandate: no subject token (pass subjectToken or set ARCAN_TOKEN).");
  if (!actorToken) throw new TypeError("withMandate: no agent credential (pass actorToken or set ARCAN_AGENT_CREDENTIAL).");
  const workloadToken = options.workloadToken ?? (await workloadFromEnv());

  const issued = await exchangeCall(client.core, {
    subjectToken,
    actorToken,
    scope: scopes,
    task,
    ...(options.subjectTokenType ? { subjectTokenType: options.subjectTokenType } : {}),
    ...(workloadToken ? { workloadToken } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
    ...(options.requestedTtl !== undefined ? { requestedTtl: options.requestedTtl } : {}),
  });
  const mandate: Mandate = {
    token: issued.access_token,
    scopes: issued.scope.split(" ").filter(Boolean),
    expiresAt: new Date(Date.now() + issued.expires_in * 1000),
    jti: jtiOf(issued.access_token),
  };

  let result: T;
  try {
    result = await fn(mandate);
  } catch (err) {
    // The task's own failure is what the caller needs; the revocation is still attempted.
    if (mandate.jti) await revokeJti(client.core, mandate.jti).catch(() => undefined);
    throw err;
  }
  if (mandate.jti) await revokeJti(client.core, mandate.jti);
  return result;
}

// node:fs is loaded only for the environment defaults, so the SDK stays importable outside Node.
async function readText(file: string): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  return readFile(file, "utf8");
}

async function clientFromEnv(): Promise<ArcanClient> {
  const url = process.env.ARCAN_ADDR;
  if (!url) throw new TypeError("withMandate: no client (pass client or set ARCAN_ADDR).");
  const caFile = process.env.ARCAN_CACERT;
  return new ArcanClient({ url, token: process.env.ARCAN_TOKEN, ...(caFile ? { caCert: await readText(caFile) } : {}) });
}

async function workloadFromEnv(): Promise<string | undefined> {
  if (process.env.ARCAN_WORKLOAD_TOKEN) return process.env.ARCAN_WORKLOAD_TOKEN;
  const file = process.env.ARCAN_WORKLOAD_TOKEN_FILE;
  return file ? (await readText(file)).trim() : undefined;
}
