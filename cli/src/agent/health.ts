/** `--health-addr`: `/health` (the process is alive) and `/ready` (values are fresh) for container probes. */
import { createServer, type Server } from "node:http";

export interface Readiness {
  /** Null when ready; otherwise why not (never a value). */
  notReadyReason(): string | null;
}

export function parseHealthAddr(addr: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(addr);
  const port = Number(match?.[2]);
  if (!match || port > 65535) throw new Error(`--health-addr must be HOST:PORT, e.g. 127.0.0.1:8081 (got "${addr}").`);
  return { host: match[1]!.replace(/^\[|\]$/g, ""), port };
}

export function startHealthServer(addr: string, readiness: Readiness): Promise<{ server: Server; url: string }> {
  const { host, port } = parseHealthAddr(addr);
  const server = createServer((req, res) => {
    const url = (req.url ?? "/").split("?")[0];
    const reply = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET" && req.method !== "HEAD") return reply(405, { status: "method_not_allowed" });
    if (url === "/health") return reply(200, { status: "ok" });
    if (url === "/ready") {
      const reason = readiness.notReadyReason();
      return reason === null ? reply(200, { status: "ready" }) : reply(503, { status: "not_ready", reason });
    }
    return reply(404, { status: "not_found" });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const bound = server.address();
      const actual = typeof bound === "object" && bound ? bound.port : port;
      resolve({ server, url: `http://${host.includes(":") ? `[${host}]` : host}:${actual}` });
    });
  });
}
