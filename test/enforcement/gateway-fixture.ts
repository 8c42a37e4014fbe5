// What the gateway suites share: a real node:http upstream that records what reaches it,
// a billing agent with an enforced policy and STS tokens, and a raw HTTPS client for
// /gateway/… that controls every header and can stream a chunked body.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import path from "node:path";
import type { TestServer } from "../helpers/server";
import { enforcedAgent, exchangeStsToken } from "./sts-fixture";

export const BILLING_POLICY = `
@id("billing.read.allow")
permit(principal, action == Arcan::Action::"billing.get", resource);

@id("billing.write.allow")
permit(principal, action == Arcan::Action::"billing.post", resource);

@id("billing.refund.review")
@lane("review")
permit(principal, action == Arcan::Action::"billing.put", resource);

@id("billing.delete.allow")
permit(principal, action == Arcan::Action::"billing.delete", resource);

@id("billing.delete.forbid")
@reason("invoices are never deleted by agents")
forbid(principal, action == Arcan::Action::"billing.delete", resource);
`;

export const BILLING_SCOPES = ["billing.get:endpoint/*", "billing.post:endpoint/*", "billing.put:endpoint/*", "billing.delete:endpoint/*"];

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Upstream {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** A local billing API: echoes what it got; /slow answers after 2 s; /cookie sets a cookie and hop-by-hop headers. */
export async function startUpstream(): Promise<Upstream> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      seen.push(entry);
      const reply = () => {
        res.setHeader("Content-Type", "application/json");
        if (req.url?.startsWith("/cookie")) {
          res.setHeader("Set-Cookie", ["session=upstream-secret; HttpOnly", "other=1"]);
          res.setHeader("Connection", "X-Upstream-Hop");
          res.setHeader("X-Upstream-Hop", "1");
          res.setHeader("Keep-Alive", "timeout=5");
          res.setHeader("X-Billing", "ok");
        }
        res.writeHead(req.url?.startsWith("/missing") ? 404 : 200);
        res.end(JSON.stringify({ url: entry.url, method: entry.method, bytes: entry.body.length }));
      };
      if (req.url?.startsWith("/slow")) setTimeout(reply, 2_000);
      else if (req.url?.startsWith("/events")) {
        // Server-sent events: the second event only after the first was received through the gateway.
        res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
        res.write("data: first\n\n");
        setTimeout(() => res.end("data: second\n\n"), 700);
      } else reply();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Registers a billing agent, enforces BILLING_POLICY, and returns an STS token exchanger. */
export async function prepareBillingAgent(server: TestServer, name: string): Promise<{ exchange: (scopes?: string[]) => Promise<string>; agentId: string }> {
  const agent = await enforcedAgent(server, { name, scopes: BILLING_SCOPES, policy: BILLING_POLICY, description: "billing through the gateway" });
  return { agentId: agent.id, exchange: (scopes = BILLING_SCOPES) => exchangeStsToken(server, agent.credential, scopes, "reconcile this month's invoices") };
}

export interface GatewayReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One request to Arcan with exactly these headers; `chunks` are sent without a Content-Length (chunked). */
export function gatewayCall(server: TestServer, method: string, p: string, opts: { headers?: Record<string, string>; body?: string; chunks?: string[] } = {}): Promise<GatewayReply> {
  const ca = readFileSync(path.join(server.dataDir, "tls.crt"));
  const headers: Record<string, string> = { ...(opts.body !== undefined ? { "Content-Length": String(Buffer.byteLength(opts.body)) } : {}), ...opts.headers };
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: "127.0.0.1", port: server.port, method, path: p, ca, servername: "localhost", headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = text;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on("error", reject);
    if (opts.body !== undefined) req.end(opts.body);
    else if (opts.chunks) {
      for (const c of opts.chunks) req.write(c);
      req.end();
    } else req.end();
  });
}

/** The chunks of an answer with the milliseconds (since the request) at which each arrived. */
export function streamedCall(server: TestServer, p: string, headers: Record<string, string>): Promise<{ status: number; chunks: { at: number; text: string }[] }> {
  const ca = readFileSync(path.join(server.dataDir, "tls.crt"));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: "127.0.0.1", port: server.port, method: "GET", path: p, ca, servername: "localhost", headers, agent: false }, (res) => {
      const chunks: { at: number; text: string }[] = [];
      res.setEncoding("utf8");
      res.on("data", (c: string) => chunks.push({ at: Date.now() - started, text: c }));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, chunks }));
    });
    req.on("error", reject);
    req.end();
  });
}

export function assertGatewayProblem(reply: GatewayReply, status: number, code: string): void {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text}`);
  assert.match(String(reply.headers["content-type"]), /^application\/problem\+json/);
  assert.equal(reply.body.code, code, reply.text);
  assert.equal(reply.body.status, status);
  assert.equal(reply.body.request_id, reply.headers["x-request-id"]);
}
