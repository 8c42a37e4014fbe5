// Bootstrap and forced recovery: ARCAN_BOOTSTRAP_TOKEN (≥ 32 characters), restarts that
// leave it alone, and ARCAN_FORCE_BOOTSTRAP adding `arcan-recovery` exactly once.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { createToken, NO_RATE_LIMITS } from "../helpers/core";
import { spawnArcan, startServer, STORES, type TestServer } from "../helpers/server";

const SHORT = "x".repeat(21) + "-31-chars-";
const value = (n = 40) => randomBytes(n).toString("base64url").slice(0, n);

interface TokenRow {
  id: string;
  name: string;
  is_admin: boolean;
  status: string;
}

async function tokens(s: TestServer, as: string): Promise<TokenRow[]> {
  const r = await s.request("GET", "/api/v1/auth/tokens?limit=500", { token: as });
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

describe("bootstrap token under 32 characters", () => {
  it("stops the server with a message saying so", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-boot-"));
    try {
      const err = await spawnArcan({ ARCAN_DATA_DIR: dataDir, ARCAN_BOOTSTRAP_TOKEN: SHORT }).then(
        () => assert.fail("the server started"),
        (e: { code: number; stderr: string }) => e,
      );
      assert.notEqual(err.code, 0);
      assert.match(err.stderr, /32/);
      assert.match(err.stderr, /bootstrap_token|BOOTSTRAP_TOKEN/);
      assert.ok(!err.stderr.includes(SHORT), "the rejected value is not echoed");
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

for (const store of STORES) {
  describe(`bootstrap (${store})`, () => {
    const servers: TestServer[] = [];
    after(async () => {
      for (const s of servers.reverse()) await s.cleanup();
    });

    // One store through four starts: chosen value, a restart with another value, and two forced recoveries.
    it("uses ARCAN_BOOTSTRAP_TOKEN once; ARCAN_FORCE_BOOTSTRAP adds arcan-recovery without removing others, idempotently", async () => {
      const chosen = value();
      let s = await startServer({ store, env: { ...NO_RATE_LIMITS, ARCAN_BOOTSTRAP_TOKEN: chosen } });
      servers.push(s);
      assert.ok(!s.stderr().includes(chosen), "the operator's value is not printed");
      assert.doesNotMatch(s.stderr(), /shown once/);
      const v = await s.request("GET", "/api/v1/auth/verify", { token: chosen });
      assert.equal(v.status, 200);
      assert.equal(v.body.token_info.is_admin, true);
      assert.equal((await tokens(s, chosen)).length, 1);
      const extra = await createToken(s, { capabilities: ["realms:read"] }, chosen);
      const before = await tokens(s, chosen);
      const ids = (rows: TokenRow[]) => rows.map((t) => t.id).sort();

      const other = value();
      s = await s.restart({ ARCAN_BOOTSTRAP_TOKEN: other });
      servers.push(s);
      assert.equal((await s.request("GET", "/api/v1/auth/verify", { token: other })).status, 401, "a new value on a non-empty store is ignored");
      assert.deepEqual(ids(await tokens(s, chosen)), ids(before), "restarts leave the tokens alone");

      const recovery = value(48);
      s = await s.restart({ ARCAN_BOOTSTRAP_TOKEN: recovery, ARCAN_FORCE_BOOTSTRAP: "true" });
      servers.push(s);
      const r = await s.request("GET", "/api/v1/auth/verify", { token: recovery });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.token_info.name, "arcan-recovery");
      assert.equal(r.body.token_info.is_admin, true);
      assert.ok(!s.stderr().includes(recovery), "the recovery value is not printed");
      const after1 = await tokens(s, recovery);
      assert.equal(after1.length, before.length + 1);
      for (const t of before) assert.ok(after1.some((a) => a.id === t.id && a.status === "active"), `${t.name} kept`);
      assert.equal((await s.request("GET", "/api/v1/realms", { token: extra.token })).status, 200, "other tokens still work");
      assert.equal((await s.request("GET", "/api/v1/auth/verify", { token: chosen })).status, 200);

      s = await s.restart({ ARCAN_BOOTSTRAP_TOKEN: recovery, ARCAN_FORCE_BOOTSTRAP: "true" });
      servers.push(s);
      const after2 = await tokens(s, recovery);
      assert.deepEqual(ids(after2), ids(after1), "a second forced start adds nothing");
      assert.equal(after2.filter((t) => t.name === "arcan-recovery").length, 1);
    });
  });
}
