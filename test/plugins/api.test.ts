// /api/v1/plugins end to end on the real server: install from a file:// registry and by
// upload, signature refusals, registry rollback and expiry, upgrade, remove, and plugins
// surviving a restart (and a package tampered with in the store being disabled).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { writeRegistry } from "../../server/plugins/authoring";
import { assertProblem, startCore } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";
import { buildPackage, newSigningKey } from "./helpers";

const key = newSigningKey();
const registryKey = newSigningKey();
const source = (tag: string) => `export async function create() { return { credentials: { v: "${tag}" } }; }\nexport async function revoke() {}\nexport async function health() { return { ok: true }; }\n`;
const pkg = (version: string, extra: Record<string, unknown> = {}) =>
  buildPackage(key.privateKey, source(version), { name: "echo", engine_type: "echo", version, host_functions: ["audit"], ...extra });

for (const store of STORES) {
  describe(`plugins API (${store})`, () => {
    let server: TestServer;
    let registryDir: string;
    const publish = (version: number, packages = [pkg("1.0.0"), pkg("1.1.0")], expires = new Date(Date.now() + 86_400_000)) =>
      writeRegistry(registryDir, packages, { key: registryKey.privateKey, version, expires });

    before(async () => {
      registryDir = mkdtempSync(path.join(tmpdir(), "arcan-registry-"));
      const url = publish(5);
      server = await startCore(store, { ARCAN_PLUGINS_TRUSTED_KEYS: key.publicBase64, ARCAN_PLUGINS_REGISTRY_KEYS: registryKey.publicBase64, ARCAN_PLUGINS_REGISTRY_URL: url });
    });
    after(async () => {
      await server?.cleanup();
      rmSync(registryDir, { recursive: true, force: true });
    });

    it("installs from the registry and lists state, version, signer key id and host functions", async () => {
      const reply = await server.request("POST", "/api/v1/plugins", { body: { name: "echo", version: "1.0.0" } });
      assert.equal(reply.status, 201, reply.text);
      assert.equal(reply.body.engine_type, "echo");
      const list = await server.request("GET", "/api/v1/plugins");
      assert.equal(list.status, 200);
      const echo = list.body.items.find((p: { name: string }) => p.name === "echo");
      assert.equal(echo.version, "1.0.0");
      assert.equal(echo.state, "active");
      assert.deepEqual(echo.host_functions, ["audit"]);
      assert.match(echo.signer_key_id, /^ed25519:[0-9a-f]{16}$/);
      assertProblem(await server.request("POST", "/api/v1/plugins", { body: { name: "echo", version: "1.0.0" } }), 409, "plugin_exists");
    });

    it("refuses uploads with no signature, an untrusted key or a tampered file, and installs nothing", async () => {
      const good = buildPackage(key.privateKey, source("u"), { name: "upload", engine_type: "upload" });
      const files = { "plugin.js": good.files["plugin.js"]!.toString("base64") };
      const { signatures: _stripped, ...stripped } = good.envelope;
      assertProblem(await server.request("POST", "/api/v1/plugins", { body: { envelope: stripped, files } }), 400, "plugin_signature_invalid");
      const foreign = buildPackage(newSigningKey().privateKey, source("u"), { name: "upload", engine_type: "upload" });
      assertProblem(await server.request("POST", "/api/v1/plugins", { body: { envelope: foreign.envelope, files } }), 400, "plugin_signature_invalid");
      const tampered = { "plugin.js": Buffer.from(source("X")).toString("base64") };
      assertProblem(await server.request("POST", "/api/v1/plugins", { body: { envelope: good.envelope, files: tampered } }), 400, "plugin_signature_invalid");
      const list = await server.request("GET", "/api/v1/plugins");
      assert.equal(list.body.items.some((p: { name: string }) => p.name === "upload"), false);
      const ok = await server.request("POST", "/api/v1/plugins", { body: { envelope: good.envelope, files } });
      assert.equal(ok.status, 201, ok.text);
    });

    it("refuses a rolled-back or expired registry index", async () => {
      publish(4);
      assertProblem(await server.request("POST", "/api/v1/plugins/echo/upgrade", { body: { version: "1.1.0" } }), 400, "plugin_signature_invalid");
      publish(6, undefined, new Date(Date.now() - 1000));
      const expired = assertProblem(await server.request("POST", "/api/v1/plugins/echo/upgrade", { body: { version: "1.1.0" } }), 400, "plugin_signature_invalid");
      assert.match(expired.detail, /expired/);
      publish(7, [pkg("1.0.0"), pkg("1.1.0")]);
      const rogue = newSigningKey();
      writeRegistry(registryDir, [pkg("1.1.0")], { key: rogue.privateKey, version: 8, expires: new Date(Date.now() + 86_400_000) });
      assertProblem(await server.request("POST", "/api/v1/plugins/echo/upgrade", { body: { version: "1.1.0" } }), 400, "plugin_signature_invalid");
      publish(9);
    });

    it("upgrades, keeps the plugin across a restart, and disables a package tampered with in the store", async () => {
      const up = await server.request("POST", "/api/v1/plugins/echo/upgrade", { body: { version: "1.1.0" } });
      assert.equal(up.status, 200, up.text);
      assert.equal(up.body.version, "1.1.0");
      server = await server.restart();
      let list = await server.request("GET", "/api/v1/plugins");
      const echo = list.body.items.find((p: { name: string }) => p.name === "echo");
      assert.equal(echo.version, "1.1.0");
      assert.equal(echo.state, "active");
      if (store === "sqlite") {
        // Change the stored file behind the server's back: the next load refuses it.
        await server.stop();
        const db = new Database(path.join(server.dataDir, "arcan.db"));
        const row = db.prepare(`SELECT files FROM "Plugin" WHERE name = 'echo'`).get() as { files: string };
        const files = JSON.parse(row.files) as Record<string, string>;
        files["plugin.js"] = Buffer.from(source("EVIL").padEnd(Buffer.from(files["plugin.js"]!, "base64").length)).toString("base64");
        db.prepare(`UPDATE "Plugin" SET files = ? WHERE name = 'echo'`).run(JSON.stringify(files));
        db.close();
        server = await server.restart();
        list = await server.request("GET", "/api/v1/plugins");
        assert.equal(list.body.items.find((p: { name: string }) => p.name === "echo").state, "disabled");
      }
    });

    it("removes a plugin; unknown ones are 404; the capability is checked", async () => {
      assert.equal((await server.request("DELETE", "/api/v1/plugins/upload")).status, 204);
      assertProblem(await server.request("DELETE", "/api/v1/plugins/upload"), 404, "plugin_not_found");
      assertProblem(await server.request("GET", "/api/v1/plugins", { token: null }), 401);
    });
  });
}
