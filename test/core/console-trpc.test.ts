// One contract, one request chain, two transports: the console's tRPC procedures (through
// tRPC's fetch adapter with a session cookie) and the REST app, on the same services and
// store, apply the same input rules, share a token's rate limit, keep the client's
// X-Request-Id, and log and count every request.
import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { withConsoleSecurity } from "../../server/console/security-headers";
import { createRestApp } from "../../server/rest/app";
import { sleep, uid } from "../helpers/core";
import { startConsoleHarness, type ConsoleHarness } from "../helpers/console";
import { STORES } from "../helpers/server";

/* eslint-disable @typescript-eslint/no-explicit-any -- replies are read field by field */
interface Plain {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function parseMaybe(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return text;
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
}

function plain(port: number, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Plain> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(payload ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parseMaybe(text) }));
      },
    );
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

for (const store of STORES) {
  describe(`console tRPC and REST share one contract and one chain (${store})`, () => {
    let h: ConsoleHarness;
    let rest: Server;
    let port: number;
    const realm = `shared-${uid()}`;
    before(async () => {
      h = await startConsoleHarness(store);
      const app = createRestApp(h.services);
      rest = createServer((req, res) => void app(req, res));
      port = await listen(rest);
      assert.equal((await h.mutation("realms.create", { name: realm })).status, 200);
    });
    after(async () => {
      rest.close();
      await h.close();
    });

    it("refuses a secret key with surrounding spaces on both, naming the field", async () => {
      const viaRest = await plain(port, "PUT", `/api/v1/realms/${realm}/secrets/${encodeURIComponent(" DB_URL")}`, { token: h.adminToken, body: { value: "x" } });
      assert.equal(viaRest.status, 400);
      assert.ok(viaRest.body.errors.some((e: { field: string }) => e.field === "key"), JSON.stringify(viaRest.body));
      const viaConsole = await h.mutation("secrets.put", { realm, key: " DB_URL", value: "x" });
      assert.equal(viaConsole.error?.data?.code, "BAD_REQUEST");
      assert.ok(viaConsole.error.data.issues.some((i: { field: string }) => i.field === "key"), JSON.stringify(viaConsole.error));
    });

    it("accepts an empty secret value on both, and reads it back", async () => {
      const viaRest = await plain(port, "PUT", `/api/v1/realms/${realm}/secrets/EMPTY_REST`, { token: h.adminToken, body: { value: "" } });
      assert.equal(viaRest.status, 200, JSON.stringify(viaRest.body));
      const viaConsole = await h.mutation("secrets.put", { realm, key: "EMPTY_CONSOLE", value: "" });
      assert.equal(viaConsole.data?.version, 1, JSON.stringify(viaConsole.error));
      assert.equal((await h.mutation("secrets.reveal", { realm, key: "EMPTY_REST" })).data.value, "");
      assert.equal((await plain(port, "GET", `/api/v1/realms/${realm}/secrets/EMPTY_CONSOLE`, { token: h.adminToken })).body.value, "");
    });

    it("applies one realm-name rule, with one message, on both", async () => {
      const viaRest = await plain(port, "POST", "/api/v1/realms", { token: h.adminToken, body: { name: "My_App" } });
      const viaConsole = await h.mutation("realms.create", { name: "My_App" });
      assert.equal(viaRest.status, 400);
      const restIssue = viaRest.body.errors.find((e: { field: string }) => e.field === "name");
      const consoleIssue = viaConsole.error.data.issues.find((i: { field: string }) => i.field === "name");
      assert.ok(restIssue && consoleIssue);
      assert.equal(consoleIssue.message, restIssue.message);
    });

    it("counts a token's console and REST requests against one rate limit", async () => {
      const made = await plain(port, "POST", "/api/v1/auth/tokens", { token: h.adminToken, body: { name: `limited-${uid()}`, capabilities: ["realms:read"], rate_limit: 4 } });
      assert.equal(made.status, 201);
      const token = made.body.token as string;
      // Both transports have authenticated the token once, so the burst below needs no store lookups.
      assert.equal((await plain(port, "GET", "/api/v1/realms", { token })).status, 200);
      assert.equal((await h.query("realms.list", undefined, { token })).status, 200);
      // Three by each transport at once: apart, each would stay under 4; together, two must be refused.
      // A burst that a loaded machine stretches over two one-second windows proves nothing, so it is tried again.
      let replies: { via: string; ok: boolean; limited: boolean }[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        await sleep(1000 - (Date.now() % 1000) + 20);
        const window = Math.floor(Date.now() / 1000);
        replies = await Promise.all([
          ...Array.from({ length: 3 }, () => plain(port, "GET", "/api/v1/realms", { token }).then((r) => ({ via: "rest", limited: r.status === 429, ok: r.status === 200 }))),
          ...Array.from({ length: 3 }, () =>
            h.query("realms.list", undefined, { token }).then((r) => ({ via: "console", limited: r.error?.data?.code === "TOO_MANY_REQUESTS", ok: r.status === 200 })),
          ),
        ]);
        if (Math.floor(Date.now() / 1000) === window) break;
      }
      assert.equal(replies.filter((r) => r.ok).length, 4, JSON.stringify(replies));
      assert.equal(replies.filter((r) => r.limited).length, 2, JSON.stringify(replies));
    });

    it("keeps the client's X-Request-Id, logs and counts every console request", async () => {
      const requestId = `console-${uid()}`;
      const r = await h.query("realms.list", undefined, { headers: { "x-request-id": requestId } });
      assert.equal(r.status, 200);
      const line = h.logLines().find((l) => l.requestId === requestId);
      assert.ok(line, "a log line carries the request id");
      assert.equal(line.url, "/api/trpc/realms.list");
      assert.equal(line.status, 200);
      const metrics = await h.services.metrics.registry.metrics();
      assert.match(metrics, /arcan_http_requests_total\{route="trpc:realms\.list",method="QUERY",status="200"\} \d+/);
      await h.services.auditWriter.drain();
      const audit = await plain(port, "GET", `/api/v1/audit?request_id=${requestId}`, { token: h.adminToken });
      // A list drawn for a console page is navigation, not an operator action: not audited.
      assert.deepEqual(audit.body.items.map((i: { action: string }) => i.action), []);
    });

    it("audits console actions, not the reads that draw its pages, and does not count them as decisions", async () => {
      const requestId = `console-${uid()}`;
      const made = await h.mutation("realms.create", { name: `quiet-${uid()}` }, { headers: { "x-request-id": requestId } });
      assert.equal(made.status, 200, JSON.stringify(made.error));
      await h.services.auditWriter.drain();
      const audit = await plain(port, "GET", `/api/v1/audit?request_id=${requestId}`, { token: h.adminToken });
      assert.deepEqual(audit.body.items.map((i: { action: string }) => i.action), ["realm.create"]);
      const me = await h.query("session.me");
      assert.equal(me.data?.is_admin, true, JSON.stringify(me.error));
      assert.ok(me.data.realms.some((r: { name: string }) => r.name === made.data.name));
    });

    it("tells a principal with rights in one realm what it holds there, without realms:read", async () => {
      const realm = `own-${uid()}`;
      assert.equal((await plain(port, "POST", "/api/v1/realms", { token: h.adminToken, body: { name: realm } })).status, 201);
      const made = await plain(port, "POST", "/api/v1/auth/tokens", { token: h.adminToken, body: { name: `op-${uid()}`, capabilities: ["secrets:read", "secrets:write"], realms: [realm] } });
      const token = made.body.token as string;
      const me = await h.query("session.me", undefined, { token });
      assert.deepEqual(me.data?.realms.map((r: { name: string; capabilities: string[] }) => [r.name, r.capabilities]), [[realm, ["secrets:read", "secrets:write"]]]);
      assert.deepEqual(me.data.everywhere, []);
      assert.equal((await h.query("secrets.list", { realm }, { token })).status, 200);
      const names = await h.query("session.names", { subjects: [`token:${made.body.id}`, "user:nobody"] }, { token });
      assert.deepEqual(names.data?.map((n: { name: string }) => n.name), [made.body.name, "nobody"]);
    });

    it("answers the decision overview through DecisionService, for audit:read everywhere only", async () => {
      const overview = await h.query("decisions.overview", { range: "1h" });
      assert.equal(overview.data?.range, "1h", JSON.stringify(overview.error));
      assert.ok(overview.data.counts.realms >= 1);
      const made = await plain(port, "POST", "/api/v1/auth/tokens", { token: h.adminToken, body: { name: `reader-${uid()}`, capabilities: ["realms:read"] } });
      const denied = await h.query("decisions.overview", { range: "1h" }, { token: made.body.token });
      assert.equal(denied.error?.data?.code, "FORBIDDEN");
    });
  });
}

describe("console responses carry the request id", () => {
  it("keeps a client's X-Request-Id and assigns one otherwise", async () => {
    const secured = withConsoleSecurity((req, res) => void res.end(String(req.headers["x-request-id"])), { dev: false });
    const server = createServer((req, res) => void secured(req, res));
    const port = await listen(server);
    try {
      const kept = await plain(port, "GET", "/", { headers: { "x-request-id": "client-chosen-1" } });
      assert.equal(kept.headers["x-request-id"], "client-chosen-1");
      assert.equal(kept.body, "client-chosen-1", "the console sees the same id");
      const assigned = await plain(port, "GET", "/");
      assert.match(String(assigned.headers["x-request-id"]), /^req_/);
    } finally {
      server.close();
    }
  });
});
