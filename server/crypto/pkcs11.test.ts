// node --import tsx --test server/crypto/pkcs11.test.ts   (needs Debian's softhsm2; skipped without it)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Pkcs11Kms } from "./pkcs11";

const MODULE = "/usr/lib/softhsm/libsofthsm2.so";
const available = existsSync(MODULE) && existsSync("/usr/bin/softhsm2-util");

describe("Pkcs11Kms on SoftHSM2", { skip: available ? false : "softhsm2 is not installed" }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "arcan-softhsm-"));
  const opts = { module: MODULE, tokenLabel: "arcan-test", pin: "4321-test-pin", keyLabel: "arcan-kek" };
  let kms: Pkcs11Kms;

  before(async () => {
    mkdirSync(path.join(dir, "tokens"));
    writeFileSync(path.join(dir, "softhsm2.conf"), `directories.tokendir = ${path.join(dir, "tokens")}\nobjectstore.backend = file\n`);
    process.env.SOFTHSM2_CONF = path.join(dir, "softhsm2.conf");
    execFileSync("softhsm2-util", ["--init-token", "--free", "--label", opts.tokenLabel, "--pin", opts.pin, "--so-pin", "0000-so"], { stdio: "ignore" });
    kms = await Pkcs11Kms.open(opts);
  });
  after(() => {
    kms?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("wraps and unwraps data keys with an AES key created inside the HSM, sensitive and not extractable", async () => {
    const dataKey = Buffer.alloc(32, 9);
    const wrapped = await kms.wrap(dataKey, "realm:rlm_1:v1");
    assert.ok(!Buffer.from(wrapped, "base64").includes(dataKey), "the wrapped form does not hold the key");
    assert.deepEqual(await kms.unwrap(wrapped, "realm:rlm_1:v1"), dataKey);
    await assert.rejects(kms.unwrap(wrapped, "realm:rlm_2:v1"), "bound to its context");
    assert.deepEqual(kms.keyAttributes(), { sensitive: true, extractable: false });
    assert.equal(kms.keyId, "pkcs11:arcan-test/arcan-kek");
    assert.equal(await kms.healthy(), true);
  });

  it("finds the same key again by its label (a restart, another session)", async () => {
    const wrapped = await kms.wrap(Buffer.alloc(32, 3), "realm:r:v2");
    kms.close();
    kms = await Pkcs11Kms.open(opts);
    assert.deepEqual(await kms.unwrap(wrapped, "realm:r:v2"), Buffer.alloc(32, 3));
  });

  it("refuses a wrong PIN and an unknown token", async () => {
    kms.close();
    await assert.rejects(Pkcs11Kms.open({ ...opts, pin: "wrong-pin" }), /PIN/);
    await assert.rejects(Pkcs11Kms.open({ ...opts, tokenLabel: "nope" }), /no PKCS#11 token labelled "nope"/);
    kms = await Pkcs11Kms.open(opts);
  });
});
