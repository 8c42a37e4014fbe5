// The data directory is private: the folder 0700 and every file in it 0600 (the SQLite
// file and its -wal/-shm, the key-encryption key, the TLS key and certificate). At start,
// files Arcan made that others can read are tightened, and a key file that group or others
// can read stops the server with a message naming the file and the fix.
import assert from "node:assert/strict";
import { chmodSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createRealm, putSecret, startCore, uid } from "../helpers/core";
import { spawnArcan, STORES, type TestServer } from "../helpers/server";

const mode = (file: string) => statSync(file).mode & 0o777;
const octal = (m: number) => m.toString(8).padStart(4, "0");

/** The folder and every folder in it (the audit segment log's) 0700, every file 0600. */
function assertPrivate(dir: string): void {
  assert.equal(octal(mode(dir)), "0700", dir);
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) assertPrivate(file);
    else assert.equal(octal(mode(file)), "0600", name);
  }
}

for (const store of STORES) {
  describe(`data directory modes (${store})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startCore(store);
      const realm = `dd-${uid()}`;
      await createRealm(s, realm);
      await putSecret(s, realm, "k", "v");
    });
    after(() => s.cleanup());

    it("creates the folder 0700 and every file 0600", () => {
      const names = readdirSync(s.dataDir);
      for (const expected of ["kek.key", "tls.key", "tls.crt", ...(store === "sqlite" ? ["arcan.db", "arcan.db-wal", "arcan.db-shm"] : [])]) {
        assert.ok(names.includes(expected), `${expected} in ${names.join(", ")}`);
      }
      assertPrivate(s.dataDir);
    });

    it("tightens files it made that others can read, at the next start", async () => {
      await s.stop();
      chmodSync(s.dataDir, 0o755);
      for (const name of readdirSync(s.dataDir)) {
        const file = path.join(s.dataDir, name);
        if (!name.endsWith(".key")) chmodSync(file, statSync(file).isDirectory() ? 0o755 : 0o644);
      }
      s = await s.restart();
      assertPrivate(s.dataDir);
      assert.equal((await s.request("GET", "/api/v1/realms")).status, 200);
    });

    // Store-independent: checked once, on SQLite.
    for (const [key, loose] of store === "sqlite" ? ([["kek.key", 0o644], ["tls.key", 0o640]] as const) : []) {
      it(`refuses to start when ${key} is readable by group or others (${octal(loose)})`, async () => {
        await s.stop();
        const file = path.join(s.dataDir, key);
        chmodSync(file, loose);
        const refused = await spawnArcan({ ARCAN_DATA_DIR: s.dataDir, ...(s.databaseUrl ? { ARCAN_DATABASE_URL: s.databaseUrl } : {}) }).then(
          ({ child }) => {
            child.kill("SIGKILL");
            return null;
          },
          (err: { code: number; stderr: string }) => err,
        );
        assert.ok(refused, `the server started with ${key} at ${octal(loose)}`);
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, new RegExp(`${key}.*mode ${octal(loose)}.*chmod 600 .*${key}`));
        assert.equal(mode(file), loose, "the file is left for the operator to inspect");
        chmodSync(file, 0o600);
        s = await s.restart();
        assert.equal((await s.request("GET", "/api/v1/realms")).status, 200);
      });
    }
  });
}
