// Inputs a schema must refuse before they reach a query: cursors and numbers past what the
// store can hold (Prisma's Int is 32-bit), and text holding U+0000 (PostgreSQL cannot store
// it; a secret's value, kept only as ciphertext, may hold it). Each gets a 400 naming the
// field, on both stores, and never a 500.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertNamesField, assertProblem, createRealm, putSecret, startCore, uid } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";

/** Spellings of numbers no 32-bit column holds, and of things that are not numbers at all. */
// ("0x10" and "1e2" are in range: a query number may be spelled as JavaScript reads it.)
const OUT_OF_RANGE = ["99999999999999999999", "9223372036854775808", "9223372036854775807", "2147483648", "1e300", "-1", "-9223372036854775809", "0", "1.5", "NaN", "Infinity", "", "%20", "1%00"];

for (const store of STORES) {
  describe(`numeric and cursor parameters are range-checked (${store})`, () => {
    let s: TestServer;
    let realm: string;
    before(async () => {
      s = await startCore(store);
      realm = `rng-${uid()}`;
      await createRealm(s, realm);
      await putSecret(s, realm, "k", "v");
    });
    after(() => s.cleanup());

    it("GET /api/v1/audit refuses a cursor past int32, in any spelling, naming cursor", async () => {
      for (const cursor of OUT_OF_RANGE) assertNamesField(await s.request("GET", `/api/v1/audit?cursor=${cursor}`), "cursor");
      assertNamesField(await s.request("GET", "/api/v1/audit?cursor=abc"), "cursor");
      const last = await s.request("GET", "/api/v1/audit?cursor=2147483647&limit=1");
      assert.equal(last.status, 200, last.text);
      assert.equal(last.body.items.length, 1, "the largest cursor is a valid one");
    });

    it("follows the audit cursors it hands out", async () => {
      const first = await s.request("GET", "/api/v1/audit?limit=1");
      assert.equal(first.status, 200, first.text);
      const next = await s.request("GET", `/api/v1/audit?limit=1&cursor=${first.body.next_cursor}`);
      assert.equal(next.status, 200, next.text);
      assert.ok(next.body.items[0].seq < first.body.items[0].seq);
    });

    it("refuses out-of-range limits on every list, naming limit", async () => {
      for (const list of ["/api/v1/audit", "/api/v1/auth/tokens", `/api/v1/realms/${realm}/secrets`]) {
        for (const limit of [...OUT_OF_RANGE, "501"]) assertNamesField(await s.request("GET", `${list}?limit=${limit}`), "limit");
      }
    });

    it("refuses a secret version past int32, naming version", async () => {
      for (const version of OUT_OF_RANGE) assertNamesField(await s.request("GET", `/api/v1/realms/${realm}/secrets/k?version=${version}`), "version");
      assertProblem(await s.request("GET", `/api/v1/realms/${realm}/secrets/k?version=2147483647`), 404, "secret_not_found");
      assert.equal((await s.request("GET", `/api/v1/realms/${realm}/secrets/k?version=1`)).status, 200);
    });

    it("refuses a check-and-set version past int32, naming cas", async () => {
      for (const cas of [2147483648, 9007199254740991, 1e300, -1, 1.5]) {
        assertNamesField(await s.request("PUT", `/api/v1/realms/${realm}/secrets/k`, { body: { value: "x", cas } }), "cas");
      }
      assertProblem(await s.request("PUT", `/api/v1/realms/${realm}/secrets/k`, { body: { value: "x", cas: 2147483647 } }), 409, "cas_mismatch");
    });

    it("answers concurrent creates of one name with one 201 and 409s, never a 500", async () => {
      for (let round = 0; round < 3; round++) {
        const name = `race-${uid()}`;
        const replies = await Promise.all(Array.from({ length: 6 }, () => s.request("POST", "/api/v1/realms", { body: { name } })));
        assert.deepEqual(replies.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409], replies.map((r) => r.text).join("\n"));
        for (const r of replies.filter((x) => x.status === 409)) assertProblem(r, 409);
      }
    });

    it("refuses U+0000 in path, query and body text, naming the field", async () => {
      assertNamesField(await s.request("GET", "/api/v1/auth/tokens?cursor=tok%00"), "cursor");
      assertNamesField(await s.request("GET", `/api/v1/realms/${realm}/secrets?cursor=a%00b`), "cursor");
      assertNamesField(await s.request("GET", "/api/v1/audit?actor=%00"), "actor");
      assertNamesField(await s.request("GET", `/api/v1/realms/${realm}/secrets/a%00b`), "key");
      assertNamesField(await s.request("POST", "/api/v1/auth/tokens", { body: { name: "nul\u0000name" } }), "name");
      assertNamesField(await s.request("PATCH", `/api/v1/realms/${realm}`, { body: { description: "a\u0000b" } }), "description");
      assertNamesField(await s.request("POST", "/api/v1/roles", { body: { name: `r-${uid()}`, capabilities: ["secrets:read\u0000"] } }), "capabilities.0");
      assertNamesField(await s.request("POST", "/api/v1/realms", { body: { ["na\u0000me"]: "x" } }), "na\u0000me");
      assert.equal((await s.request("GET", `/api/v1/realms/${realm}/secrets/k`)).body.value, "v", "nothing was written");
      // A secret's value is stored only as ciphertext, so it may hold any character.
      assert.equal((await s.request("PUT", `/api/v1/realms/${realm}/secrets/nul`, { body: { value: "x\u0000y" } })).status, 200);
      assert.equal((await s.request("GET", `/api/v1/realms/${realm}/secrets/nul`)).body.value, "x\u0000y");
    });
  });
}
