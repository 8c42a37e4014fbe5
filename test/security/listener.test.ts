// The listener itself: request targets neither app can route (asterisk-form, absolute-form
// for another host, not a path) and every framing error Node's parser reports get a
// problem+json answer over TLS, the broken connection is closed, and nothing reaches stderr.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { startCore } from "../helpers/core";
import { assertRawAnswer, FRAMING_CASES, stderrAfterStart } from "../helpers/framing";
import { rawExchange } from "../helpers/raw-tls";
import type { TestServer } from "../helpers/server";

describe("the listener answers unroutable targets and framing errors as problem+json", () => {
  let s: TestServer;
  let ca: Buffer;
  before(async () => {
    s = await startCore("sqlite", { ARCAN_LOG_LEVEL: "info" });
    ca = readFileSync(path.join(s.dataDir, "tls.crt"));
  });
  after(() => s.cleanup());

  for (const c of FRAMING_CASES) {
    it(c.name, async () => {
      assertRawAnswer(c, await rawExchange(s.port, ca, c.bytes(`localhost:${s.port}`, s.adminToken)));
    });
  }

  it("keeps serving, logs no 5xx or stack trace, and writes nothing to stderr", async () => {
    assert.equal((await s.request("GET", "/health", { token: null })).status, 200);
    assert.equal(await s.stop(), 0, "clean shutdown");
    assert.equal(stderrAfterStart(s), "");
    const lines = s.stdout().trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { level: number; status?: number; msg: string });
    assert.ok(lines.some((l) => l.msg === "request"), "requests were logged");
    for (const line of lines) {
      assert.ok(line.level < 50 && (line.status ?? 0) < 500, `log line: ${JSON.stringify(line)}`);
      assert.doesNotMatch(JSON.stringify(line), /\n\s+at |Error:/);
    }
  });
});
