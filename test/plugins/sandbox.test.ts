// Guardian 4: a plugin runs only with its declared host functions, within its limits,
// and a failing plugin fails only its own call.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AppError } from "../../server/errors";
import { buildPackage, CREATE_REQUEST, harness, newSigningKey, type PluginHarness } from "./helpers";

const key = newSigningKey();
let h: PluginHarness;

async function install(name: string, source: string, manifest: Record<string, unknown> = {}) {
  const pkg = buildPackage(key.privateKey, source, { name, engine_type: name, ...manifest });
  const loaded = await h.plugins.runtime.load(pkg.envelope, pkg.files);
  await h.store.db.plugin.create({
    data: { name, version: "1.0.0", engineType: name, state: "active", signerKeyId: loaded.signerKeyId, hostFunctions: "[]", envelope: JSON.stringify(pkg.envelope), files: "{}" },
  });
  return h.plugins.runtime.activate(loaded);
}

const body = (create: string, extra = "") => `export async function create(ctx, args) { ${create} }\nexport async function revoke() {}\n${extra}`;

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => assert.fail("the call should fail"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, `an AppError, got ${String(err)}`);
  return err;
}

describe("plugin sandbox", () => {
  before(async () => {
    h = await harness({ ARCAN_PLUGINS_TRUSTED_KEYS: key.publicBase64, ARCAN_PLUGINS_CRASH_THRESHOLD: "3" });
  });
  after(() => h.close());

  it("stops an infinite loop at the time limit with 502 plugin_failed naming the plugin and the limit", async () => {
    const driver = await install("looper", body("for (;;) {}"), { limits: { timeout_ms: 50 } });
    const started = performance.now();
    const err = await failure(driver.create(h.mount("looper"), CREATE_REQUEST()));
    assert.equal(err.status, 502);
    assert.equal(err.code, "plugin_failed");
    assert.match(err.message, /looper/);
    assert.match(err.message, /limit: time/);
    assert.ok(performance.now() - started < 2000, "stopped near its 50 ms limit");
  });

  it("counts the time of code running after an awaited host call", async () => {
    const driver = await install("late-looper", body(`await ctx.storage.put("k", 1); for (;;) {}`), { host_functions: ["storage"], limits: { timeout_ms: 50 } });
    const err = await failure(driver.create(h.mount("late-looper"), CREATE_REQUEST()));
    assert.match(err.message, /limit: time/);
  });

  it("fails a memory bomb at the memory limit and keeps serving", async () => {
    const driver = await install("bomb", body(`if (args.role.options.bomb) { const big = "x".repeat(64 * 1024 * 1024); return { credentials: { a: big } }; } return { credentials: { a: "fine" } };`), { limits: { memory_mb: 8 } });
    const err = await failure(driver.create(h.mount("bomb"), CREATE_REQUEST({ bomb: true })));
    assert.equal(err.status, 502);
    assert.match(err.message, /limit: memory/);
    // The same plugin's Wasm instance still serves the next call.
    assert.deepEqual((await driver.create(h.mount("bomb"), CREATE_REQUEST({ bomb: false }))).credentials, { a: "fine" });
    const grower = await install("grower", body(`const a = []; for (;;) a.push(new Uint8Array(1 << 20));`), { limits: { memory_mb: 8 } });
    assert.match((await failure(grower.create(h.mount("grower"), CREATE_REQUEST()))).message, /limit: (memory|time)/);
  });

  it("has no process, require, fetch, timers or file system; globals do not survive between calls", async () => {
    const probe = `globalThis.counter = (globalThis.counter ?? 0) + 1;
      return { credentials: { seen: JSON.stringify({ process: typeof process, require: typeof require, fetch: typeof fetch, setTimeout: typeof setTimeout,
        setInterval: typeof setInterval, queueMicrotask: typeof queueMicrotask, std: typeof std, os: typeof os, importFn: typeof __import, counter: globalThis.counter,
        ctxKeys: Object.keys(ctx) }) } };`;
    const driver = await install("prober", body(probe));
    const first = await driver.create(h.mount("prober"), CREATE_REQUEST());
    const second = await driver.create(h.mount("prober"), CREATE_REQUEST());
    const seen = JSON.parse(first.credentials.seen!) as Record<string, unknown>;
    for (const name of ["process", "require", "fetch", "setTimeout", "setInterval", "std", "os"]) assert.equal(seen[name], "undefined", `${name} is absent`);
    assert.equal(seen.counter, 1);
    assert.equal(JSON.parse(second.credentials.seen!).counter, 1, "a fresh runtime per call");
    assert.deepEqual(seen.ctxKeys, [], "no host function is declared, so ctx shows none");
  });

  it("answers 501 host_function_not_declared for a host function the manifest does not declare", async () => {
    const driver = await install("sneaky", body(`await ctx.sql("SELECT 1"); return { credentials: { a: "b" } };`), { host_functions: ["audit"] });
    const err = await failure(driver.create(h.mount("sneaky"), CREATE_REQUEST()));
    assert.equal(err.status, 501);
    assert.equal(err.code, "host_function_not_declared");
    assert.match(err.message, /sql/);
    // Catching the error inside the plugin does not turn the call into a success.
    const catcher = await install("catcher", body(`try { ctx.http; } catch (e) {} return { credentials: { a: "b" } };`));
    assert.equal((await failure(catcher.create(h.mount("catcher"), CREATE_REQUEST()))).status, 501);
  });

  it("enforces the host-call budget per invocation", async () => {
    const driver = await install("chatty", body(`for (let i = 0; i < 50; i++) await ctx.storage.get("k"); return { credentials: { a: "b" } };`), { host_functions: ["storage"], limits: { host_calls: 10 } });
    const err = await failure(driver.create(h.mount("chatty"), CREATE_REQUEST()));
    assert.match(err.message, /limit: host_calls/);
  });

  it("turns a throw, garbage, a stack overflow and a never-settling promise into 502s", async () => {
    const cases: [string, string, RegExp][] = [
      ["thrower", `throw new Error("boom")`, /limit: exception.*boom/],
      ["garbage", `return 42`, /limit: invalid_result/],
      ["recursive", `const f = () => f() + 1; return f();`, /limit: stack/],
      ["waiter", `await new Promise(() => {})`, /limit: never_settled/],
    ];
    for (const [name, code, pattern] of cases) {
      const driver = await install(name, body(code));
      const err = await failure(driver.create(h.mount(name), CREATE_REQUEST()));
      assert.equal(err.status, 502, name);
      assert.match(err.message, pattern, name);
    }
  });

  it("keeps other plugins working while one crashes; repeated crashes mark it failed and emit plugin.crashed", async () => {
    const bad = await install("crasher", body(`throw new Error("always")`));
    const good = await install("steady", body(`return { credentials: { ok: "yes" } };`));
    for (let i = 0; i < 3; i++) {
      await failure(bad.create(h.mount("crasher"), CREATE_REQUEST()));
      assert.deepEqual((await good.create(h.mount("steady"), CREATE_REQUEST())).credentials, { ok: "yes" });
    }
    assert.equal(h.plugins.runtime.state("crasher"), "failed");
    assert.equal(h.plugins.runtime.state("steady"), "active");
    const refused = await failure(bad.create(h.mount("crasher"), CREATE_REQUEST()));
    assert.match(refused.message, /failed after repeated crashes/);
    // Crash records and events are written asynchronously; wait for them.
    for (let i = 0; i < 50 && (await h.store.db.plugin.findUnique({ where: { name: "crasher" } }))?.state !== "failed"; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await h.store.db.plugin.findUnique({ where: { name: "crasher" } }))?.state, "failed");
    const crashes = await h.store.db.pluginCrash.findMany({ where: { plugin: "crasher" } });
    assert.equal(crashes.length, 3);
    const crashedEvents = async () => (await h.store.db.outboxEvent.findMany({ where: { type: "plugin.crashed" } })).filter((e) => e.data.includes('"crasher"')).length;
    for (let i = 0; i < 50 && (await crashedEvents()) < 3; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await crashedEvents(), 3, "plugin.crashed emitted per crash");
  });
});
