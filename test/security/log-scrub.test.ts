// With [auth] query_param_token on, a token in the query authenticates however the name
// `p` is spelled (`%70` decodes to `p`), and no log line ever holds it: scrubbing works on
// the decoded parameters, and on any parameter that looks like a token.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startCore } from "../helpers/core";
import { stderrAfterStart } from "../helpers/framing";
import type { TestServer } from "../helpers/server";

describe("query-parameter tokens never reach the log", () => {
  let s: TestServer;
  before(async () => {
    s = await startCore("sqlite", { ARCAN_AUTH_QUERY_PARAM_TOKEN: "true", ARCAN_LOG_LEVEL: "info" });
  });
  after(() => s.cleanup());

  it("authenticates ?p= and ?%70= and logs neither value", async () => {
    const admin = s.adminToken;
    const spellings = [`p=${admin}`, `%70=${admin}`, `p=${encodeURIComponent(admin)}`, `%70=${encodeURIComponent(admin).replace("a", "%61")}`];
    for (const query of spellings) {
      const r = await s.request("GET", `/api/v1/realms?${query}`, { token: null });
      assert.equal(r.status, 200, `${query}: ${r.text}`);
    }
    // Tokens sent where the server does not look for them: refused or ignored, and still scrubbed.
    assert.equal((await s.request("GET", `/api/v1/realms?token=${admin}`, { token: null })).status, 401);
    assert.equal((await s.request("GET", `/api/v1/audit?actor=${admin}`)).status, 200);
    assert.equal((await s.request("GET", `/api/v1/realms/${admin}`)).status, 400);
    assert.equal((await s.request("GET", `/health?${admin}`, { token: null })).status, 200);

    assert.equal(await s.stop(), 0);
    const log = s.stdout();
    const requests = log.split("\n").filter((l) => l.includes('"msg":"request"'));
    assert.ok(requests.length >= spellings.length + 4, `every request was logged:\n${log}`);
    const body = admin.slice(4);
    assert.ok(!log.includes(body) && !log.includes(encodeURIComponent(admin)), `the token appears in the log:\n${log}`);
    assert.ok(!stderrAfterStart(s).includes(body), "nor on stderr after the start-up banner");
    assert.match(log, /"url":"\/api\/v1\/realms\?%70=\[redacted\]"/);
  });
});
