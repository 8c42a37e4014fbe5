import { Agent, request } from "node:https";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startCore } from "../helpers/core";
const s = await startCore("sqlite");
const ca = readFileSync(path.join(s.dataDir, "tls.crt"));
const agent = new Agent({ keepAlive: true, ca, maxSockets: 16 });
const get = (p: string) => new Promise<number>((res, rej) => { const r = request({ host: "127.0.0.1", port: s.port, path: p, agent, servername: "localhost", headers: { Authorization: `Bearer ${s.adminToken}` } }, (x) => { x.resume(); x.on("end", () => res(x.statusCode!)); }); r.on("error", rej); r.end(); });
try {
  await s.request("POST", "/api/v1/realms", { body: { name: "r1" } });
  await s.request("PUT", "/api/v1/realms/r1/secrets/a", { body: { value: "x" } });
  for (const [label, f] of [["noagent", () => s.request("GET", "/api/v1/realms/r1/secrets/a")], ["keepalive", () => get("/api/v1/realms/r1/secrets/a")]] as const) {
    const t = performance.now(); for (let i = 0; i < 50; i++) await f(); console.log(label, ((performance.now() - t) / 50).toFixed(2), "ms");
  }
} finally { agent.destroy(); await s.cleanup(); }
