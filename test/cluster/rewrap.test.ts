// Switching the key-encryption-key provider on a store that holds secrets: a start with
// `[kms] rewrap_from` re-wraps every realm key (key file → SoftHSM2 token → another key
// file), the secrets stay readable, and the old key is no longer needed afterwards.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { spawnArcan, startServer, type TestServer } from "../helpers/server";

const MODULE = "/usr/lib/softhsm/libsofthsm2.so";
const available = existsSync(MODULE) && existsSync("/usr/bin/softhsm2-util");

describe("[kms] rewrap_from moves realm keys between providers", { skip: available ? false : "softhsm2 is not installed" }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "arcan-rewrap-"));
  const conf = path.join(dir, "softhsm2.conf");
  const hsm = { SOFTHSM2_CONF: conf, ARCAN_KMS_PKCS11_MODULE: MODULE, ARCAN_KMS_TOKEN_LABEL: "rewrap", ARCAN_KMS_PIN: "hsm-pin-4410" };
  let server: TestServer;

  const realmKeys = (dataDir: string): { kekId: string; wrappedKey: string }[] => {
    const db = new Database(path.join(dataDir, "arcan.db"), { readonly: true });
    try {
      return db.prepare(`SELECT "kekId", "wrappedKey" FROM "RealmKey" ORDER BY "realmId", "version"`).all() as { kekId: string; wrappedKey: string }[];
    } finally {
      db.close();
    }
  };
  const kekIds = (dataDir: string): string[] => [...new Set(realmKeys(dataDir).map((k) => k.kekId))];
  const readBoth = async (s: TestServer) => {
    for (const [realm, value] of [["alpha", "alpha-secret-1"], ["beta", "beta-secret-2"]] as const) {
      const r = await s.request("GET", `/api/v1/realms/${realm}/secrets/db-password`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.value, value);
    }
  };

  before(async () => {
    mkdirSync(path.join(dir, "tokens"));
    writeFileSync(conf, `directories.tokendir = ${path.join(dir, "tokens")}\nobjectstore.backend = file\n`);
    execFileSync("softhsm2-util", ["--init-token", "--free", "--label", "rewrap", "--pin", "hsm-pin-4410", "--so-pin", "hsm-so-4410"], { stdio: "ignore", env: { ...process.env, SOFTHSM2_CONF: conf } });
    server = await startServer();
    for (const [realm, value] of [["alpha", "alpha-secret-1"], ["beta", "beta-secret-2"]] as const) {
      assert.equal((await server.request("POST", "/api/v1/realms", { body: { name: realm } })).status, 201);
      assert.equal((await server.request("PUT", `/api/v1/realms/${realm}/secrets/db-password`, { body: { value } })).status, 200);
    }
  });
  after(async () => {
    await server?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("re-wraps from the key file into the HSM; the key file is then not needed", async () => {
    assert.deepEqual(kekIds(server.dataDir), ["local:kek-1"]);
    server = await server.restart({ ...hsm, ARCAN_KMS_PROVIDER: "pkcs11", ARCAN_KMS_REWRAP_FROM: "local" });
    assert.deepEqual(kekIds(server.dataDir), ["pkcs11:rewrap/arcan-kek"]);
    await readBoth(server);

    rmSync(path.join(server.dataDir, "kek.key"));
    server = await server.restart({ ...hsm, ARCAN_KMS_PROVIDER: "pkcs11", ARCAN_KMS_REWRAP_FROM: "" });
    await readBoth(server);
  });

  it("re-wraps from the HSM into a new key file, and a second start has nothing left to do", async () => {
    const env = { ...hsm, ARCAN_KMS_PROVIDER: "local", ARCAN_KMS_KEY_FILE: path.join(dir, "new-kek.key"), ARCAN_KMS_REWRAP_FROM: "pkcs11" };
    server = await server.restart(env);
    assert.deepEqual(kekIds(server.dataDir), ["local:kek-1"]);
    await readBoth(server);
    const wrapped = realmKeys(server.dataDir);
    assert.equal(wrapped.length, 2);
    server = await server.restart(env);
    assert.deepEqual(realmKeys(server.dataDir), wrapped, "keys already under the current key are left as they are");
    server = await server.restart({ ARCAN_KMS_PROVIDER: "local", ARCAN_KMS_KEY_FILE: path.join(dir, "new-kek.key"), ARCAN_KMS_REWRAP_FROM: "" });
    await readBoth(server);
  });

  it("refuses to start with a previous key that opens nothing, and changes nothing", async () => {
    await server.stop();
    const stray = path.join(dir, "stray.key");
    writeFileSync(stray, Buffer.alloc(32, 7).toString("base64") + "\n", { mode: 0o600 });
    const env = { ARCAN_DATA_DIR: server.dataDir, ARCAN_KMS_PROVIDER: "local", ARCAN_KMS_KEY_FILE: path.join(dir, "other.key"), ARCAN_KMS_REWRAP_FROM: "local", ARCAN_KMS_REWRAP_FROM_KEY_FILE: stray };
    await assert.rejects(spawnArcan(env), (err: Error & { stderr?: string }) => {
      assert.match(err.stderr ?? "", /opens with neither \[kms\] rewrap_from nor the current provider/);
      assert.doesNotMatch(err.stderr ?? "", /at \S+ \(/, "no stack trace");
      return true;
    });
    server = await server.restart({ ARCAN_KMS_PROVIDER: "local", ARCAN_KMS_KEY_FILE: path.join(dir, "new-kek.key"), ARCAN_KMS_REWRAP_FROM: "" });
    await readBoth(server);
  });
});
