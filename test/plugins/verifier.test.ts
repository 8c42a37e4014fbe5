// Guardian 5: a package loads only with a valid signature by a trusted key, and only
// when every file matches its signed hash and size.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AppError } from "../../server/errors";
import { keyIdOf, pae, trustedKey } from "../../server/plugins/dsse";
import { verifyPackage } from "../../server/plugins/package";
import { buildPackage, newSigningKey } from "./helpers";

const trusted = newSigningKey();
const stranger = newSigningKey();
const keys = [trustedKey(trusted.publicBase64)];
const SOURCE = "export async function create() { return { credentials: { a: 'b' } }; }\nexport async function revoke() {}\n";

function refused(fn: () => unknown, detail: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AppError);
    assert.equal(err.status, 400);
    assert.equal(err.code, "plugin_signature_invalid");
    assert.match(err.message, detail);
    return true;
  });
}

describe("plugin package verifier", () => {
  let pkg: ReturnType<typeof buildPackage>;
  before(() => {
    pkg = buildPackage(trusted.privateKey, SOURCE);
  });
  after(() => {});

  it("accepts a package signed by a trusted key and names the signer's key id", () => {
    const verified = verifyPackage(pkg.envelope, pkg.files, keys);
    assert.equal(verified.manifest.name, "test-plugin");
    assert.equal(verified.signerKeyId, keyIdOf(Buffer.from(trusted.publicBase64, "base64")));
    assert.match(verified.signerKeyId, /^ed25519:[0-9a-f]{16}$/);
  });

  it("uses DSSE's PAE: DSSEv1 SP len(type) SP type SP len(body) SP body", () => {
    assert.equal(pae("t/x", Buffer.from("hello")).toString(), "DSSEv1 3 t/x 5 hello");
  });

  it("refuses a tampered file (same size, different bytes) and a file of another size", () => {
    const tampered = Buffer.from(SOURCE.replace("'b'", "'c'"));
    refused(() => verifyPackage(pkg.envelope, { "plugin.js": tampered }, keys), /SHA-256/);
    refused(() => verifyPackage(pkg.envelope, { "plugin.js": Buffer.from(SOURCE + " ") }, keys), /bytes/);
    refused(() => verifyPackage(pkg.envelope, {}, keys), /missing/);
    refused(() => verifyPackage(pkg.envelope, { ...pkg.files, "extra.js": Buffer.from("x") }, keys), /not in the signed manifest/);
  });

  it("refuses a package signed by an untrusted key, and any package when no key is trusted", () => {
    const foreign = buildPackage(stranger.privateKey, SOURCE);
    refused(() => verifyPackage(foreign.envelope, foreign.files, keys), /no signature verifies/);
    refused(() => verifyPackage(pkg.envelope, pkg.files, []), /no trusted keys/);
  });

  it("fails closed on a stripped signature (GHSA-g2pf-6v5v-qcc8: a bundle with its signature removed was accepted)", () => {
    const { signatures: _dropped, ...withoutField } = pkg.envelope;
    refused(() => verifyPackage(withoutField, pkg.files, keys), /no signature/);
    refused(() => verifyPackage({ ...pkg.envelope, signatures: [] }, pkg.files, keys), /no signature/);
    refused(() => verifyPackage({ ...pkg.envelope, signatures: [{ keyid: pkg.envelope.signatures![0]!.keyid!, sig: "" }] }, pkg.files, keys), /no signature verifies/);
  });

  it("refuses a manifest swapped under a valid signature, and a signature moved to another payload type", () => {
    const other = buildPackage(trusted.privateKey, SOURCE, { version: "9.9.9" });
    refused(() => verifyPackage({ ...pkg.envelope, payload: other.envelope.payload }, pkg.files, keys), /no signature verifies/);
    refused(() => verifyPackage({ ...pkg.envelope, payloadType: "application/json" }, pkg.files, keys), /payloadType/);
  });
});
