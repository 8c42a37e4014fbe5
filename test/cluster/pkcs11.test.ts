// Two processes on one PostgreSQL database whose key-encryption key lives in an HSM
// (SoftHSM2 through PKCS#11): a secret written through A is read through B, and no key
// file is created in either data directory.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { TestServer } from "../helpers/server";
import { as, startCluster, type Cluster } from "./helpers";

const MODULE = "/usr/lib/softhsm/libsofthsm2.so";
const available = existsSync(MODULE) && existsSync("/usr/bin/softhsm2-util");

describe("[kms] provider = pkcs11 (SoftHSM2) shared by two processes", { skip: available ? false : "softhsm2 is not installed" }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "arcan-hsm-"));
  let cluster: Cluster;

  before(async () => {
    mkdirSync(path.join(dir, "tokens"));
    const conf = path.join(dir, "softhsm2.conf");
    writeFileSync(conf, `directories.tokendir = ${path.join(dir, "tokens")}\nobjectstore.backend = file\n`);
    execFileSync("softhsm2-util", ["--init-token", "--free", "--label", "arcan", "--pin", "hsm-pin-7781", "--so-pin", "hsm-so-0001"], { stdio: "ignore", env: { ...process.env, SOFTHSM2_CONF: conf } });
    cluster = await startCluster(2, { SOFTHSM2_CONF: conf, ARCAN_KMS_PROVIDER: "pkcs11", ARCAN_KMS_PKCS11_MODULE: MODULE, ARCAN_KMS_TOKEN_LABEL: "arcan", ARCAN_KMS_PIN: "hsm-pin-7781" });
  });
  after(async () => {
    await cluster?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("encrypts through A, decrypts through B, keeps no key file, and reports the HSM on /ready", async () => {
    const [a, b] = cluster.nodes as [TestServer, TestServer];
    const admin = as(cluster.adminToken);
    assert.equal((await admin(a, "POST", "/api/v1/realms", { body: { name: "hsm" } })).status, 201);
    assert.equal((await admin(a, "PUT", "/api/v1/realms/hsm/secrets/api-key", { body: { value: "sealed-by-the-hsm" } })).status, 200);
    const r = await admin(b, "GET", "/api/v1/realms/hsm/secrets/api-key");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.value, "sealed-by-the-hsm");
    for (const s of [a, b]) {
      assert.ok(!readdirSync(s.dataDir).includes("kek.key"), "no key-encryption key on disk");
      assert.equal((await s.request("GET", "/ready", { token: null })).body.checks.kms, true);
    }
    const keys = await cluster.sql<{ kekId: string }>(`SELECT DISTINCT "kekId" FROM "RealmKey"`);
    assert.deepEqual(keys, [{ kekId: "pkcs11:arcan/arcan-kek" }], "realm keys are wrapped by the HSM's key");
  });
});
