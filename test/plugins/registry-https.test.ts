// The registry client over https:// with a configured CA: it verifies the index and
// fetches envelopes and blobs, only ever with GET; an untrusted certificate is refused.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { loadTls } from "../../server/http/tls";
import { writeRegistry } from "../../server/plugins/authoring";
import { trustedKey } from "../../server/plugins/dsse";
import { verifyPackage } from "../../server/plugins/package";
import { RegistryClient } from "../../server/plugins/registry";
import { openStore, type Store } from "../../server/store/client";
import { buildPackage, newSigningKey } from "./helpers";

const key = newSigningKey();
const SOURCE = "export async function create() { return { credentials: { a: 'b' } }; }\nexport async function revoke() {}\n";

describe("https registry", () => {
  let dir: string;
  let store: Store;
  let server: https.Server;
  let url: string;
  let ca: Buffer;
  const methods: string[] = [];
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "arcan-https-registry-"));
    const root = path.join(dir, "registry");
    writeRegistry(root, [buildPackage(key.privateKey, SOURCE, { name: "remote", engine_type: "remote" })], { key: key.privateKey, version: 3, expires: new Date(Date.now() + 3_600_000) });
    const tls = await loadTls({ certFile: "", keyFile: "", dataDir: dir });
    ca = Buffer.from(tls.cert);
    server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      methods.push(req.method ?? "");
      const file = path.join(root, decodeURIComponent((req.url ?? "/").replace(/^\/r\//, "")));
      if (!file.startsWith(root)) return void res.writeHead(403).end();
      try {
        res.writeHead(200).end(readFileSync(file));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `https://localhost:${(server.address() as AddressInfo).port}/r/`;
    store = await openStore({ dataDir: dir });
  });
  after(async () => {
    server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("fetches a package through the configured CA, read-only", async () => {
    const client = new RegistryClient(store.db, { url, keys: [trustedKey(key.publicBase64)], ca });
    const pkg = await client.fetchPackage("remote", "1.0.0");
    assert.equal(verifyPackage(pkg.envelope, pkg.files, [trustedKey(key.publicBase64)]).manifest.name, "remote");
    assert.ok(methods.length >= 3 && methods.every((m) => m === "GET"), `only GETs: ${methods.join(",")}`);
    assert.equal((await store.db.pluginRegistryState.findUnique({ where: { url } }))?.version, 3, "the index version is remembered");
  });

  it("refuses a registry whose certificate is not trusted", async () => {
    const client = new RegistryClient(store.db, { url, keys: [trustedKey(key.publicBase64)] });
    await assert.rejects(client.index(), (err: { status?: number; code?: string }) => err.status === 503 && err.code === "registry_unavailable");
  });
});
