// The http-apikey plugin against a small real HTTP service: keys issued and revoked
// through ctx.http, the mount's admin header added by the host and never visible to the
// plugin, and the base_url / SSRF rules.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { publicKeyBase64, readPrivateKey, signDirectory } from "../../server/plugins/authoring";
import type { PluginEngineDriver } from "../../server/plugins/driver";
import { ROOT } from "../helpers/server";
import { buildPackage, CREATE_REQUEST, harness, type PluginHarness } from "./helpers";

const DEV_KEY = readPrivateKey(path.join(ROOT, "plugins/dev-keys/DEVELOPMENT-ONLY-NOT-FOR-PRODUCTION.ed25519.pem"));
const ADMIN_KEY = `admin-${randomBytes(12).toString("hex")}`;

/** The service: POST /api/keys, DELETE /api/keys/:id, GET /api/health; only with the admin key. */
function keyService() {
  const keys = new Map<string, { key: string; scopes: string[] }>();
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (req.headers["x-admin-key"] !== ADMIN_KEY) return void res.writeHead(401).end();
      if (req.method === "GET" && req.url === "/api/health") return void res.writeHead(200).end("ok");
      if (req.method === "POST" && req.url === "/api/keys") {
        const id = randomBytes(6).toString("hex");
        const entry = { key: `sk_${randomBytes(16).toString("hex")}`, scopes: (JSON.parse(body) as { scopes: string[] }).scopes };
        keys.set(id, entry);
        return void res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id, key: entry.key }));
      }
      const m = /^\/api\/keys\/([0-9a-f]+)$/.exec(req.url ?? "");
      if (req.method === "DELETE" && m) return void res.writeHead(keys.delete(m[1]!) ? 204 : 404).end();
      if (req.url === "/outside") return void res.writeHead(200).end("outside the base path");
      res.writeHead(404).end();
    });
  });
  return { server, keys, seen };
}

let h: PluginHarness;
let service: ReturnType<typeof keyService>;
let baseUrl: string;
let driver: PluginEngineDriver;

describe("http-apikey plugin", () => {
  before(async () => {
    service = keyService();
    await new Promise<void>((r) => service.server.listen(0, "127.0.0.1", r));
    baseUrl = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}/api/`;
    h = await harness({ ARCAN_PLUGINS_TRUSTED_KEYS: publicKeyBase64(DEV_KEY), ARCAN_PLUGINS_ALLOW_PRIVATE_NETWORKS: "true" });
    const pkg = signDirectory(path.join(ROOT, "plugins/http-apikey"), DEV_KEY);
    driver = h.plugins.runtime.activate(await h.plugins.runtime.load(pkg.envelope, pkg.files));
  });
  after(async () => {
    await h.close();
    service.server.close();
  });

  const config = () => ({ http: { base_url: baseUrl, headers: { "X-Admin-Key": ADMIN_KEY } }, key_prefix: "ci" });

  it("issues a key on the service and revokes it there", async () => {
    const checked = driver.validateConfig(config());
    assert.deepEqual(checked.writeOnly, ["http.headers"]);
    const mount = h.mount("http-apikey", config());
    await driver.verify(mount);
    const lease = await driver.create(mount, CREATE_REQUEST(driver.validateRole({ scopes: ["read"] })));
    const keyId = lease.credentials.key_id!;
    assert.equal(service.keys.get(keyId)?.key, lease.credentials.api_key);
    assert.deepEqual(service.keys.get(keyId)?.scopes, ["read"]);
    await driver.revoke(mount, lease.internal);
    assert.equal(service.keys.has(keyId), false);
    await driver.revoke(mount, lease.internal); // already gone: still revoked
  });

  it("never lets the plugin see the admin header, and the host's header wins over the plugin's", async () => {
    const source = `export async function create(ctx) {
        const res = await ctx.http({ method: "GET", path: "health", headers: { "X-Admin-Key": "forged" } });
        return { credentials: { view: JSON.stringify({ ctx, config: ctx.config, res }) } };
      }
      export async function revoke() {}`;
    const pkg = buildPackage(DEV_KEY, source, { name: "peeker", engine_type: "peeker", host_functions: ["http", "config"] });
    const peeker = h.plugins.runtime.activate(await h.plugins.runtime.load(pkg.envelope, pkg.files));
    service.seen.length = 0;
    const out = await peeker.create(h.mount("peeker", config()), CREATE_REQUEST());
    const view = out.credentials.view!;
    assert.equal(view.includes(ADMIN_KEY), false, "the admin key is nowhere in what the plugin saw");
    assert.equal((JSON.parse(view) as { config: { http: Record<string, unknown> } }).config.http.headers, undefined);
    assert.equal((JSON.parse(view) as { res: { status: number } }).res.status, 200, "the host's header reached the service");
    assert.equal(service.seen[0]!["x-admin-key"], ADMIN_KEY);
  });

  it("keeps ctx.http under the base path and refuses URLs", async () => {
    const source = `export async function create(ctx, { role }) {
        const res = await ctx.http({ method: "GET", path: role.options.path });
        return { credentials: { status: String(res.status) } };
      }
      export async function revoke() {}`;
    const pkg = buildPackage(DEV_KEY, source, { name: "wanderer", engine_type: "wanderer", host_functions: ["http"] });
    const wanderer = h.plugins.runtime.activate(await h.plugins.runtime.load(pkg.envelope, pkg.files));
    const mount = h.mount("wanderer", config());
    for (const p of ["../outside", "/../outside", "http://127.0.0.1:1/x", "//evil.example/x", "%2e%2e/outside"]) {
      await assert.rejects(wanderer.create(mount, CREATE_REQUEST({ path: p })), (err: { status?: number }) => err.status === 502, p);
    }
    assert.equal((await wanderer.create(mount, CREATE_REQUEST({ path: "health" }))).credentials.status, "200");
  });

  it("applies the webhook SSRF guard unless [plugins] allow_private_networks is set", async () => {
    const strict = await harness({ ARCAN_PLUGINS_TRUSTED_KEYS: publicKeyBase64(DEV_KEY) });
    try {
      const pkg = signDirectory(path.join(ROOT, "plugins/http-apikey"), DEV_KEY);
      const guarded = strict.plugins.runtime.activate(await strict.plugins.runtime.load(pkg.envelope, pkg.files));
      assert.throws(() => guarded.validateConfig(config()), /http.base_url/);
      assert.throws(() => guarded.validateConfig({ http: { base_url: "https://169.254.169.254/" } }), /metadata/);
      // A name that resolves to loopback is refused when the connection is made.
      const mount = strict.mount("http-apikey", { http: { base_url: "https://localhost:1/api/", headers: {} } });
      await assert.rejects(guarded.create(mount, CREATE_REQUEST()), (err: { status?: number; cause?: { code?: string } }) => err.status === 502 && err.cause?.code === "EBLOCKED");
    } finally {
      await strict.close();
    }
  });
});
