// Repeated reads of a secret are served from rows kept since the store last changed
// (server/store/fast-path.ts): a write, a delete or a re-create in between must be seen
// by the very next read, current version and ?version=N alike.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertProblem, createRealm, putSecret, startCore, uid } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";

for (const store of STORES) {
  describe(`secret reads after writes (${store})`, () => {
    let s: TestServer;
    let realm: string;
    before(async () => {
      s = await startCore(store);
      realm = `rc-${uid()}`;
      await createRealm(s, realm);
    });
    after(() => s.cleanup());

    const url = (key: string, rest = "") => `/api/v1/realms/${realm}/secrets/${key}${rest}`;
    const read = async (key: string, rest = "") => {
      const r = await s.request("GET", url(key, rest));
      assert.equal(r.status, 200, r.text);
      return { value: r.body.value as string, version: r.body.version as number };
    };

    it("a read right after a write sees the new version", async () => {
      const key = `k-${uid()}`;
      await putSecret(s, realm, key, "one");
      assert.deepEqual(await read(key), { value: "one", version: 1 });
      assert.deepEqual(await read(key), { value: "one", version: 1 });
      await putSecret(s, realm, key, "two");
      assert.deepEqual(await read(key), { value: "two", version: 2 });
      assert.deepEqual(await read(key, "?version=1"), { value: "one", version: 1 });
    });

    it("a read right after a delete is a 404, and a re-created key reads its new value", async () => {
      const key = `k-${uid()}`;
      await putSecret(s, realm, key, "old");
      assert.deepEqual(await read(key), { value: "old", version: 1 });
      assert.deepEqual(await read(key, "?version=1"), { value: "old", version: 1 });
      assert.equal((await s.request("DELETE", url(key))).status, 204);
      assertProblem(await s.request("GET", url(key)), 404, "secret_not_found");
      assertProblem(await s.request("GET", url(key, "?version=1")), 404, "secret_not_found");
      await putSecret(s, realm, key, "new");
      assert.deepEqual(await read(key), { value: "new", version: 1 });
      assert.deepEqual(await read(key, "?version=1"), { value: "new", version: 1 });
    });
  });
}
