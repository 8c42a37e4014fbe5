// node --import tsx --test server/store/audit-chain.test.ts
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createHash } from "node:crypto";
import { canonicalJson, chainHash, GENESIS_HASH, hashCanonical, type ChainFields } from "./audit-chain";
import { decodeLines, encodeLine } from "./audit-log";

const record: ChainFields = {
  id: "aud_1",
  time: new Date("2026-01-02T03:04:05.678Z"),
  requestId: "req_1",
  actor: "token:tok_1",
  action: "secret.write",
  realm: "prod",
  resource: "secret:db",
  outcome: "success",
  status: 200,
  capability: null,
  reason: null,
  ip: "127.0.0.1",
  details: '{"version":1}',
};

describe("audit hash chain", () => {
  it("is a deterministic SHA-256 over the previous hash and the fields", () => {
    const h = chainHash(GENESIS_HASH, record);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(chainHash(GENESIS_HASH, { ...record, time: new Date(record.time.getTime()) }), h);
    assert.equal(GENESIS_HASH, "0".repeat(64));
  });

  it("changes when any field or the previous hash changes", () => {
    const h = chainHash(GENESIS_HASH, record);
    const edits: Partial<ChainFields>[] = [
      { id: "aud_2" },
      { time: new Date(record.time.getTime() + 1) },
      { requestId: "req_2" },
      { actor: "token:tok_2" },
      { action: "secret.read" },
      { realm: null },
      { realm: "prod2" },
      { resource: "secret:db2" },
      { outcome: "denied" },
      { status: 403 },
      { capability: "secrets:write" },
      { reason: "x" },
      { ip: null },
      { details: '{"version":2}' },
    ];
    for (const edit of edits) assert.notEqual(chainHash(GENESIS_HASH, { ...record, ...edit }), h, JSON.stringify(edit));
    assert.notEqual(chainHash("1".repeat(64), record), h);
  });

  it("cannot be fooled by moving text between fields", () => {
    const a = chainHash(GENESIS_HASH, { ...record, realm: "ab", resource: "c" });
    const b = chainHash(GENESIS_HASH, { ...record, realm: "a", resource: "bc" });
    assert.notEqual(a, b);
    assert.notEqual(chainHash(GENESIS_HASH, { ...record, reason: null }), chainHash(GENESIS_HASH, { ...record, reason: "null" }));
  });
});

describe("audit log lines", () => {
  it("hash as SHA-256 of the previous hash, a newline and the canonical JSON (the format stored chains were made with)", () => {
    const canonical = canonicalJson(record);
    const expected = createHash("sha256").update(GENESIS_HASH).update("\n").update(canonical).digest("hex");
    assert.equal(hashCanonical(GENESIS_HASH, canonical), expected);
  });

  it("read back as the record they were built from, whatever its text holds", () => {
    const tricky: ChainFields = { ...record, actor: 'user:"ana"\n', resource: "secret:ключ/🔑", reason: "a,b]\\", details: '{"note":"tab\\t and \\"quotes\\""}' };
    const canonical = canonicalJson(tricky);
    const hash = chainHash(GENESIS_HASH, tricky);
    const line = encodeLine(7, canonical, GENESIS_HASH, hash);
    assert.equal(line.split("\n").length, 2, "one record is one line");
    const [decoded] = decodeLines(line);
    assert.deepEqual(decoded, { ...tricky, time: tricky.time.toISOString(), seq: 7, prevHash: GENESIS_HASH, hash });
  });
});
