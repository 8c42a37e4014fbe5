// The fuzz suite, on both stores: every operation in the SERVED OpenAPI document gets
// generated requests (see test/helpers/openapi-fuzz.ts) as the admin, a weak token, a
// garbage token and no token, on rows that exist; then raw framing cases over TLS. No
// answer may be a 5xx, every 4xx is problem+json, no body leaks a stack, SQL or Prisma
// text, and the server's stderr and log stay free of stack traces. ARCAN_FUZZ_RUNS sets
// the random requests per operation (default 12; CI runs on 2 cores).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { createRealm, createToken, openRawStore, putSecret, startCore, uid } from "../helpers/core";
import { assertRawAnswer, FRAMING_CASES, stderrAfterStart } from "../helpers/framing";
import { edgeRequests, operationsOf, requestFor, ValuePool, type FuzzRequest, type Operation } from "../helpers/openapi-fuzz";
import { rawExchange } from "../helpers/raw-tls";
import { STORES, type Reply, type TestServer } from "../helpers/server";

const RUNS_PER_OPERATION = Number(process.env.ARCAN_FUZZ_RUNS ?? 12);
/** What no error body may contain: stack frames, source locations, SQL, driver or Prisma text. */
const LEAK = /\bat \S+ \(|\.(?:ts|js|mjs|cjs):\d+|prisma|SQLITE_|SqliteError|PostgreSQL|pg_catalog|SQLSTATE|\bSELECT\s|\bINSERT\s|DELETE FROM|syntax error|invalid byte sequence|constraint|TypeError|RangeError|ReferenceError|ECONNREFUSED/i;

for (const store of STORES) {
  describe(`fuzz: every documented operation (${store})`, () => {
    let s: TestServer;
    let ca: Buffer;
    let doc: Record<string, unknown>;
    let ops: Operation[];
    let pool: ValuePool;
    let weak: string;
    const seedRealm = `fuzz-${uid()}`;
    const statuses = new Map<number, number>();
    let started = 0;
    const ownTokens = new Set<string>();

    /** Rows the fuzz works on; put back when a generated request deleted them. */
    async function seed(): Promise<void> {
      await s.request("POST", "/api/v1/realms", { body: { name: seedRealm, description: "fuzz target" } });
      await s.request("PUT", `/api/v1/realms/${seedRealm}/secrets/DATABASE_URL`, { body: { value: "postgres-like value" } });
    }

    /** A generated request may revoke or rotate the tokens the fuzz itself uses (revoke-all, include_self): undo that in the store. */
    async function keepCredentials(): Promise<void> {
      const check = await s.request("GET", "/api/v1/auth/verify");
      if (check.status === 200 && (await s.request("GET", "/api/v1/auth/verify", { token: weak })).status === 200) return;
      const raw = await openRawStore(s);
      try {
        for (const id of ownTokens) await raw.exec(`UPDATE "Token" SET "revokedAt" = NULL, "expiresAt" = NULL, "rateLimit" = NULL WHERE id = ?`, [id]);
      } finally {
        await raw.close();
      }
      await s.request("POST", "/api/v1/auth/cache/invalidate");
    }

    before(async () => {
      started = Date.now();
      s = await startCore(store, { ARCAN_LOG_LEVEL: "info", ARCAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true", ARCAN_WEBHOOKS_RETRY_SCHEDULE: "0" });
      ca = readFileSync(path.join(s.dataDir, "tls.crt"));
      const served = await s.request("GET", "/api/v1/openapi.json", { token: null });
      assert.equal(served.status, 200);
      doc = served.body;
      ops = operationsOf(doc);
      const adminId = (await s.request("GET", "/api/v1/auth/verify")).body.token_info.id as string;
      await seed();
      const weakToken = await createToken(s, { capabilities: ["realms:read", "secrets:read"], realms: [seedRealm] });
      weak = weakToken.token;
      for (const id of [adminId, weakToken.id]) ownTokens.add(id);
      pool = new ValuePool(new Set([...ownTokens, s.adminToken, weak]));
      await createRealm(s, `${seedRealm}-b`);
      await putSecret(s, seedRealm, "api.key-2", "v2");
      await s.request("POST", "/api/v1/roles", { body: { name: `fuzz-role-${uid()}`, capabilities: ["secrets:read"] } });
      await s.request("POST", "/api/v1/bindings", { body: { subject: `token:${weakToken.id}`, role: "reader", realm: seedRealm } });
      // A closed local port: deliveries fail at once and become dead letters to redeliver.
      await s.request("POST", "/api/v1/webhooks", { body: { url: "https://127.0.0.1:9/hook", events: ["*"] } });
      // Harvest names and ids from every list a plain GET can read, twice so nested lists are reached too.
      for (let pass = 0; pass < 2; pass++) {
        for (const op of ops.filter((o) => o.method === "GET")) {
          for (const r of await Promise.all((await sampleRequests(op, 2, true)).map((req) => send(req, false)))) if (r.status < 300) pool.harvest(r.body);
        }
      }
    });
    after(async () => {
      await s.cleanup();
      const counts = [...statuses.entries()].sort(([a], [b]) => a - b).map(([k, v]) => `${k}: ${v}`);
      const total = [...statuses.values()].reduce((a, b) => a + b, 0);
      console.log(`fuzz (${store}): ${total} requests over ${ops.length} operations in ${Math.round((Date.now() - started) / 1000)} s — ${counts.join(", ")}`);
    });

    async function sampleRequests(op: Operation, n: number, admin: boolean): Promise<FuzzRequest[]> {
      return fc.sample(requestFor(op, doc, pool), n).map((r) => (admin ? { ...r, auth: "admin" as const, body: undefined, contentType: null } : r));
    }

    async function send(req: FuzzRequest, count = true): Promise<Reply> {
      const token = { admin: s.adminToken, none: null, weak, garbage: "arc_notARealTokenButWellFormed12345" }[req.auth];
      const headers: Record<string, string> = req.contentType ? { "Content-Type": req.contentType } : {};
      const r = await s.request(req.method, req.path, { token, headers, ...(req.body !== undefined ? { rawBody: req.body } : {}) });
      if (count) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      return r;
    }

    function check(op: Operation, req: FuzzRequest, r: Reply): void {
      const what = `${req.method} ${req.path.slice(0, 300)} auth=${req.auth} type=${req.contentType} body=${JSON.stringify(req.body?.slice(0, 300))} → ${r.status} ${r.text.slice(0, 500)}`;
      assert.ok(r.status >= 200 && r.status < 500, what);
      const own = op.documented[String(r.status)];
      if (r.status >= 400 && own) {
        assert.ok(own.some((type) => String(r.headers["content-type"]).startsWith(type)), `documented ${own.join(", ")}: ${what}`);
        assert.doesNotMatch(r.text, LEAK, what);
      } else if (r.status >= 400) {
        assert.match(String(r.headers["content-type"]), /^application\/problem\+json/, what);
        assert.equal(r.body?.status, r.status, what);
        for (const field of ["type", "title", "detail", "code", "request_id"]) assert.equal(typeof r.body?.[field], "string", `${field}: ${what}`);
        assert.doesNotMatch(r.text, LEAK, what);
      }
    }

    it("answers every operation's generated requests with a 2xx or a problem+json 4xx", async () => {
      assert.ok(ops.length >= 40, `the document lists ${ops.length} operations`);
      for (const op of ops) {
        await fc.assert(
          fc.asyncProperty(requestFor(op, doc, pool), async (req) => {
            const r = await send(req);
            if (r.status < 300) pool.harvest(r.body);
            check(op, req, r);
            if (req.method !== "GET" && r.status < 300) {
              await seed();
              await keepCredentials();
            }
          }),
          { numRuns: RUNS_PER_OPERATION, endOnFailure: true, includeErrorInReport: true },
        );
      }
    });

    it("answers every operation's one-field edge requests (NUL, past int32/int64, traversal) likewise", async () => {
      for (const [i, op] of ops.entries()) {
        const requests = edgeRequests(op, doc, pool, i);
        // Four at a time: the requests are independent, and the server has its own core.
        for (let at = 0; at < requests.length; at += 4) {
          const batch = requests.slice(at, at + 4);
          const replies = await Promise.all(batch.map((req) => send(req)));
          batch.forEach((req, j) => check(op, req, replies[j]!));
          if (op.method !== "GET" && replies.some((r) => r.status < 300)) {
            await seed();
            await keepCredentials();
          }
        }
      }
    });

    it("answers raw framing cases over TLS as the listener must", async () => {
      for (const c of FRAMING_CASES) {
        const r = await rawExchange(s.port, ca, c.bytes(`localhost:${s.port}`, s.adminToken));
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        assertRawAnswer(c, r);
      }
      // Generated request lines and headers: answered with a 4xx problem or served, never a 5xx or silence.
      const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("GET", "POST", "OPTIONS", "DELETE", "TRACE", "PRI", "get", "G\u00e9T"),
          fc.oneof(fc.constantFrom("*", "/", "//", "/api/v1/../../etc", "http://x/", "/api/v1/realms?%70=1", "/%", "/\u00ff"), fc.string({ unit: "binary-ascii", maxLength: 30 }).map((t) => `/${t.replace(/[\s]/g, "")}`)),
          fc.constantFrom("HTTP/1.1", "HTTP/1.0", "HTTP/0.9", "HTTP/1.1 extra", ""),
          fc.array(fc.tuple(token, fc.string({ unit: "binary-ascii", maxLength: 20 })), { maxLength: 4 }),
          async (method, target, version, extra) => {
            const head = `${method} ${target} ${version}\r\nHost: localhost:${s.port}\r\n${extra.map(([k, v]) => `${k}: ${v.replace(/[\r\n]/g, "")}\r\n`).join("")}Connection: close\r\n\r\n`;
            const r = await rawExchange(s.port, ca, Buffer.from(head, "latin1"), 5_000);
            statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
            const what = `${JSON.stringify(head)} → ${r.status} ${r.body}`;
            assert.ok(r.status >= 200 && r.status < 500, what);
            if (r.status >= 400) assert.match(r.headers["content-type"] ?? "", /^application\/problem\+json/, what);
          },
        ),
        { numRuns: RUNS_PER_OPERATION * 2, endOnFailure: true, includeErrorInReport: true },
      );
    });

    it("wrote no stack trace, 5xx or error to its log and stderr", async () => {
      assert.equal(await s.stop(), 0, "clean shutdown");
      assert.equal(stderrAfterStart(s), "", "stderr after start-up");
      for (const line of s.stdout().split("\n").filter(Boolean)) {
        const entry = JSON.parse(line) as { level: number; status?: number };
        assert.ok(entry.level < 50 && (entry.status ?? 0) < 500, line);
        assert.doesNotMatch(line, /\\n\s+at |\bat \S+ \(/, line);
      }
    });
  });
}
