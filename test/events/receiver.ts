/** A real HTTP webhook receiver on 127.0.0.1 for the events tests and benchmark. */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Answers of the receiver: return a status for each request (default 200). */
  respond: (req: Received) => number;
  waitFor(count: number, timeoutMs?: number, filter?: (r: Received) => boolean): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const receiver: Receiver = {
    url: "",
    port: 0,
    received,
    respond: () => 200,
    waitFor(count, timeoutMs = 10_000, filter = () => true) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hits = received.filter(filter);
          if (hits.length < count) return false;
          waiters.delete(check as () => void);
          clearTimeout(timer);
          resolve(hits);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check as () => void);
          reject(new Error(`receiver got ${received.filter(filter).length} of ${count} expected requests in ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(check as () => void);
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry: Received = { at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status: 0 };
      entry.status = receiver.respond(entry);
      received.push(entry);
      res.writeHead(entry.status);
      res.end();
      for (const w of [...waiters]) w();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hook`;
  const close = receiver.close;
  receiver.close = () => {
    server.closeAllConnections();
    return close();
  };
  return receiver;
}

/** Checks both signatures the way a receiver would; throws if either is wrong. */
export function verifySignatures(secret: string, r: Received): void {
  new Webhook(secret).verify(r.body, {
    "webhook-id": String(r.headers["webhook-id"]),
    "webhook-timestamp": String(r.headers["webhook-timestamp"]),
    "webhook-signature": String(r.headers["webhook-signature"]),
  });
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = `sha256=${createHmac("sha256", key).update(r.body).digest("hex")}`;
  if (r.headers["x-arcan-signature"] !== expected) throw new Error(`X-Arcan-Signature ${String(r.headers["x-arcan-signature"])} is not ${expected}`);
}
