// `arcan plugin sign` and `arcan plugin verify` as an author runs them (offline), and the
// server accepting what the CLI signed (same format, byte for byte rules).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, describe, it } from "node:test";
import { trustedKey } from "../../server/plugins/dsse";
import { verifyPackage } from "../../server/plugins/package";
import { ROOT } from "../helpers/server";
import { newSigningKey } from "./helpers";

const run = (args: string[]) => promisify(execFile)(process.execPath, ["--conditions=arcan-source", "--import", "tsx", path.join(ROOT, "cli/src/arcan.ts"), ...args], { cwd: ROOT, env: { ...process.env, ARCAN_PLUGINS_TRUSTED_KEYS: "" } });

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
