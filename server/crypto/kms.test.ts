// node --import tsx --test server/crypto/kms.test.ts
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { LocalKeyFileKms } from "./kms";

const root = mkdtempSync(path.join(tmpdir(), "arcan-kms-"));
after(() => rmSync(root, { recursive: true, force: true }));

describe("LocalKeyFileKms with [kms] key_file", () => {
  it("defaults to <data_dir>/kek.key and resolves key_file against data_dir", () => {
    const dataDir = path.join(root, "d1");
    assert.equal((LocalKeyFileKms.fromConfig({ data_dir: dataDir, kms: { key_file: "" } }) as unknown as { file: string }).file, path.join(dataDir, "kek.key"));
    assert.equal((LocalKeyFileKms.fromConfig({ data_dir: dataDir, kms: { key_file: "/run/kek" } }) as unknown as { file: string }).file, "/run/kek");
  });

  it("lets providers sharing one file (processes starting together) create it once and unwrap each other's keys", async () => {
    const file = path.join(root, "shared.key");
    const providers = Array.from({ length: 4 }, () => new LocalKeyFileKms(file));
    for (const p of providers) p.load();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(root).filter((f) => f.endsWith(".tmp")), [], "no temporary file is left behind");
    const wrapped = await providers[0]!.wrap(Buffer.alloc(32, 7), "realm:r1:v1");
    for (const p of providers) assert.deepEqual(await p.unwrap(wrapped, "realm:r1:v1"), Buffer.alloc(32, 7));
  });
});
