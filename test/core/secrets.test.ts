// KV secrets over real HTTPS: versions, ?version=N, check-and-set, history, delete, list;
// values only as ciphertext in the store, and ciphertexts bound to their row (AAD).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertNamesField, assertProblem, createRealm, openRawStore, putSecret, rawStoreText, startCore, uid } from "../helpers/core";
import { STORES, type Reply, type TestServer } from "../helpers/server";

for (const store of STORES) {
  describe(`secrets (${store})`, () => {
    let s: TestServer;
    let realm: string;
    before(async () => {
      s = await startCore(store);
      realm = `kv-${uid()}`;
      await createRealm(s, realm);
    });
    after(() => s.cleanup());

    const url = (key: string, rest = "") => `/api/v1/realms/${realm}/secrets/${key}${rest}`;

    it("writes and reads versions, and ?version=N reads an old one", async () => {
      const first = await s.request("PUT", url("api-key"), { body: { value: "one" } });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.key, "api-key");
      assert.equal(first.body.version, 1);
      assert.equal(first.body.value, undefined, "the write answer carries no value");
      assert.equal(await putSecret(s, realm, "api-key", "two"), 2);
      assert.equal(await putSecret(s, realm, "api-key", ""), 3, "an empty value is a value");
      const current = await s.request("GET", url("api-key"));
      assert.equal(current.status, 200);
      assert.deepEqual({ key: current.body.key, value: current.body.value, version: current.body.version }, { key: "api-key", value: "", version: 3 });
      for (const field of ["created_at", "updated_at"]) assert.ok(!Number.isNaN(Date.parse(current.body[field])), field);
      assert.equal((await s.request("GET", url("api-key", "?version=1"))).body.value, "one");
      assert.equal((await s.request("GET", url("api-key", "?version=2"))).body.value, "two");
      assert.equal((await s.request("GET", url("api-key", "?version=2"))).body.version, 2);
      assertProblem(await s.request("GET", url("api-key", "?version=99")), 404, "secret_not_found");
      assertNamesField(await s.request("GET", url("api-key", "?version=0")), "version");
      assertNamesField(await s.request("GET", url("api-key", "?version=abc")), "version");
      const unicode = "pässwörd 🔑 \u0000 \"quoted\"\n";
      await putSecret(s, realm, "unicode", unicode);
      assert.equal((await s.request("GET", url("unicode"))).body.value, unicode);
    });

    it("check-and-set: 409 on a mismatch, cas 0 creates only", async () => {
      const key = `cas-${uid()}`;
      assert.equal((await s.request("PUT", url(key), { body: { value: "v1", cas: 0 } })).status, 200);
      assertProblem(await s.request("PUT", url(key), { body: { value: "again", cas: 0 } }), 409, "cas_mismatch");
      assertProblem(await s.request("PUT", url(key), { body: { value: "stale", cas: 2 } }), 409, "cas_mismatch");
      assert.deepEqual(
        { value: (await s.request("GET", url(key))).body.value, version: (await s.request("GET", url(key))).body.version },
        { value: "v1", version: 1 },
        "failed writes changed nothing",
      );
      const ok = await s.request("PUT", url(key), { body: { value: "v2", cas: 1 } });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.version, 2);
      assertProblem(await s.request("PUT", url(`never-${uid()}`), { body: { value: "x", cas: 1 } }), 409, "cas_mismatch");
      assertNamesField(await s.request("PUT", url(key), { body: { value: "x", cas: -1 } }), "cas");
      assertNamesField(await s.request("PUT", url(key), { body: { value: "x", cas: "1" } }), "cas");
    });

    it("lists version history without values", async () => {
      const key = `hist-${uid()}`;
      for (const v of ["hist-value-a", "hist-value-b", "hist-value-c"]) await putSecret(s, realm, key, v);
      const r = await s.request("GET", url(key, "/versions"));
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(
        r.body.items.map((v: { version: number; current: boolean }) => [v.version, v.current]),
        [
          [3, true],
          [2, false],
          [1, false],
        ],
      );
      assert.ok(r.body.items.every((v: Record<string, unknown>) => !("value" in v) && typeof v.created_by === "string"));
      assert.doesNotMatch(r.text, /hist-value/);
      assertProblem(await s.request("GET", url("nothing-here", "/versions")), 404, "secret_not_found");
    });

    it("lists keys and metadata without values, with paging", async () => {
      const own = `list-${uid()}`;
      await createRealm(s, own);
      const keys = ["alpha", "beta", "delta", "gamma", "omega"];
      for (const k of keys) await putSecret(s, own, k, `listed-value-${k}`);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r: Reply = await s.request("GET", `/api/v1/realms/${own}/secrets?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        assert.equal(r.status, 200, r.text);
        assert.doesNotMatch(r.text, /listed-value/);
        assert.ok(r.body.items.every((i: Record<string, unknown>) => !("value" in i) && i.version === 1));
        seen.push(...r.body.items.map((i: { key: string }) => i.key));
        cursor = r.body.next_cursor;
      } while (cursor);
      assert.deepEqual(seen, keys);
    });

    it("deletes a secret and all its versions", async () => {
      const key = `gone-${uid()}`;
      await putSecret(s, realm, key, "a");
      await putSecret(s, realm, key, "b");
      assert.equal((await s.request("DELETE", url(key))).status, 204);
      assertProblem(await s.request("GET", url(key)), 404, "secret_not_found");
      assertProblem(await s.request("GET", url(key, "?version=1")), 404, "secret_not_found");
      assertProblem(await s.request("GET", url(key, "/versions")), 404, "secret_not_found");
      assertProblem(await s.request("DELETE", url(key)), 404, "secret_not_found");
      assert.equal(await putSecret(s, realm, key, "c"), 1, "a new secret under the same key starts over");
    });

    it("validates keys and values", async () => {
      for (const key of ["-lead", "sp%20ace", "a".repeat(129), "%C3%A9"]) assertNamesField(await s.request("PUT", url(key), { body: { value: "x" } }), "key");
      assertNamesField(await s.request("PUT", url("k"), { body: {} }), "value");
      assertNamesField(await s.request("PUT", url("k"), { body: { value: 42 } }), "value");
      assertNamesField(await s.request("PUT", url("k"), { body: { value: "x".repeat(600 * 1024) } }), "value");
    });

    it("keeps values only as ciphertext in the store", async () => {
      const marker = `PLAINTEXT-MARKER-${uid()}-${uid()}`;
      const key = `enc-${uid()}`;
      await putSecret(s, realm, key, marker);
      await putSecret(s, realm, key, `${marker}-v2`);
      assert.equal((await s.request("GET", url(key, "?version=1"))).body.value, marker);
      const raw = await rawStoreText(s);
      assert.ok(raw.includes(key), "the raw store was read (it holds the key name)");
      assert.ok(!raw.includes(marker), "no plaintext value in the raw store");
      assert.ok(!raw.includes(Buffer.from(marker).toString("base64").slice(0, 20)), "nor its base64");
      const db = await openRawStore(s);
      try {
        const rows = await db.query<{ ciphertext: string }>(
          `SELECT v."ciphertext" FROM "SecretVersion" v JOIN "Secret" x ON x."id" = v."secretId" WHERE x."key" = ?`,
          [key],
        );
        assert.equal(rows.length, 2);
        for (const r of rows) assert.ok(Buffer.from(r.ciphertext, "base64").length >= marker.length + 28, "iv + ciphertext + tag");
      } finally {
        await db.close();
      }
    });

    it("a ciphertext copied to another secret's row does not decrypt, and nothing leaks", async () => {
      const other = `aad-${uid()}`;
      await createRealm(s, other);
      const values = { source: `SOURCE-VALUE-${uid()}`, target: `TARGET-VALUE-${uid()}`, foreign: `FOREIGN-VALUE-${uid()}` };
      await putSecret(s, realm, "aad-source", values.source);
      await putSecret(s, realm, "aad-target", values.target);
      await putSecret(s, other, "aad-target", values.foreign);
      const db = await openRawStore(s);
      try {
        const copy = async (toRealm: string) => {
          const [src] = await db.query<{ ciphertext: string; keyVersion: number }>(
            `SELECT v."ciphertext", v."keyVersion" FROM "SecretVersion" v JOIN "Secret" x ON x."id" = v."secretId" JOIN "Realm" r ON r."id" = x."realmId" WHERE r."name" = ? AND x."key" = 'aad-source'`,
            [realm],
          );
          assert.ok(src);
          await db.exec(
            `UPDATE "SecretVersion" SET "ciphertext" = ? WHERE "secretId" = (SELECT x."id" FROM "Secret" x JOIN "Realm" r ON r."id" = x."realmId" WHERE r."name" = ? AND x."key" = 'aad-target')`,
            [src.ciphertext, toRealm],
          );
        };
        await copy(realm);
        await copy(other);
      } finally {
        await db.close();
      }
      for (const target of [url("aad-target"), `/api/v1/realms/${other}/secrets/aad-target`]) {
        const r = await s.request("GET", target);
        assert.ok(r.status >= 400, `a moved ciphertext must not decrypt: ${r.text}`);
        const problem = assertProblem(r, r.status);
        assert.doesNotMatch(problem.detail, /decrypt|auth|tag|cipher|aes|gcm/i, "the error reveals nothing about the crypto");
        for (const v of Object.values(values)) assert.ok(!r.text.includes(v), "no value in the error");
      }
      assert.equal((await s.request("GET", url("aad-source"))).body.value, values.source, "the source still reads");
      for (const v of Object.values(values)) assert.ok(!s.stderr().includes(v) && !s.stdout().includes(v), "no value in the logs");
    });
  });
}
