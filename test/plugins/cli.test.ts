// `arcan plugin sign` and `arcan plugin verify` as an author runs them (offline), the
// server accepting what the CLI signed (same format, byte for byte rules), and
// `arcan plugin install|list|upgrade|remove` as an operator runs them against a server.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, describe, it } from "node:test";
import { writeRegistry } from "../../server/plugins/authoring";
import { trustedKey } from "../../server/plugins/dsse";
import { verifyPackage } from "../../server/plugins/package";
import { startCore } from "../helpers/core";
import { ROOT, type TestServer } from "../helpers/server";
import { buildPackage, newSigningKey } from "./helpers";

const run = (args: string[], env: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, ["--conditions=arcan-source", "--import", "tsx", path.join(ROOT, "cli/src/arcan.ts"), ...args], { cwd: ROOT, env: { ...process.env, ARCAN_PLUGINS_TRUSTED_KEYS: "", ...env } });

describe("arcan plugin sign / verify", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "arcan-plugin-src-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("signs a plugin directory that the CLI and the server verify; a changed file is refused", async () => {
    cpSync(path.join(ROOT, "plugins/mariadb"), dir, { recursive: true });
    const key = newSigningKey();
    const keyFile = path.join(dir, "key.pem");
    writeFileSync(keyFile, key.privateKey.export({ format: "pem", type: "pkcs8" }));
    const signed = await run(["plugin", "sign", "--key", keyFile, dir]);
    assert.match(signed.stdout, /signed by ed25519:[0-9a-f]{16}/);
    const envelopeFile = path.join(dir, "envelope.json");
    const ok = await run(["plugin", "verify", "--trusted-key", key.publicBase64, envelopeFile]);
    assert.match(ok.stdout, /ok: mariadb 1\.0\.0/);
    const envelope = JSON.parse(readFileSync(envelopeFile, "utf8"));
    assert.equal(verifyPackage(envelope, { "plugin.js": readFileSync(path.join(dir, "plugin.js")) }, [trustedKey(key.publicBase64)]).manifest.name, "mariadb");
    await assert.rejects(run(["plugin", "verify", "--trusted-key", newSigningKey().publicBase64, envelopeFile]), /No signature verifies/);
    writeFileSync(path.join(dir, "plugin.js"), `${readFileSync(path.join(dir, "plugin.js"), "utf8")}\n`);
    await assert.rejects(run(["plugin", "verify", "--trusted-key", key.publicBase64, envelopeFile]), /does not match/);
  });
});

describe("arcan plugin install / list / upgrade / remove", () => {
  const key = newSigningKey();
  const registryKey = newSigningKey();
  const source = `export async function create() { return { credentials: { v: "1" } }; }\nexport async function revoke() {}\nexport async function health() { return { ok: true }; }\n`;
  const pkg = (version: string) => buildPackage(key.privateKey, source, { name: "echo", engine_type: "echo", version });
  const registryDir = mkdtempSync(path.join(tmpdir(), "arcan-cli-registry-"));
  let server: TestServer;
  let env: Record<string, string>;
  after(async () => {
    await server?.cleanup();
    rmSync(registryDir, { recursive: true, force: true });
  });

  it("installs from the server's registry, lists, upgrades and removes; a missing version is a plain error", async () => {
    const url = writeRegistry(registryDir, [pkg("1.0.0"), pkg("1.1.0")], { key: registryKey.privateKey, version: 1, expires: new Date(Date.now() + 86_400_000) });
    server = await startCore("sqlite", { ARCAN_PLUGINS_TRUSTED_KEYS: key.publicBase64, ARCAN_PLUGINS_REGISTRY_KEYS: registryKey.publicBase64, ARCAN_PLUGINS_REGISTRY_URL: url });
    env = { ARCAN_ADDR: server.url, ARCAN_TOKEN: server.adminToken, ARCAN_CACERT: path.join(server.dataDir, "tls.crt") };
    assert.match((await run(["plugin", "install", "echo", "1.0.0"], env)).stdout, /installed echo 1\.0\.0 \(engine type echo, signed by ed25519:[0-9a-f]{16}\)/);
    const listed = await run(["plugin", "list", "--json"], env);
    assert.deepEqual(JSON.parse(listed.stdout).map((p: { name: string; version: string; state: string }) => [p.name, p.version, p.state]), [["echo", "1.0.0", "active"]]);
    const missing = await run(["plugin", "upgrade", "echo", "9.9.9"], env).then(() => null, (err: { stderr: string; code: number }) => err);
    assert.ok(missing && missing.code !== 0, "a version the registry lacks fails");
    assert.doesNotMatch(missing.stderr, /\n\s+at /, "a message, not a stack trace");
    assert.match((await run(["plugin", "upgrade", "echo", "1.1.0"], env)).stdout, /upgraded echo to 1\.1\.0/);
    assert.match((await run(["plugin", "remove", "echo"], env)).stdout, /removed echo/);
    assert.deepEqual(JSON.parse((await run(["plugin", "list", "--json"], env)).stdout), []);
  });
});

