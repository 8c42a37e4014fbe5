/**
 * The plugin sandbox: QuickJS compiled to WebAssembly. Each plugin gets its own Wasm
 * module instance (a trap in one cannot corrupt another's memory); every call gets a
 * fresh runtime and context, so nothing survives between calls or realms. The guest sees
 * only the standard ECMAScript globals plus the `ctx` the host builds: no process,
 * require, fetch, timers or file system exist in QuickJS to begin with.
 *
 * Host functions are async on the host and promises in the guest: the host settles the
 * guest's promise, then runs the pending jobs. The time limit counts only the guest's own
 * execution (all of it, including code after an awaited host call), enforced by the
 * interrupt handler.
 */
import { newQuickJSWASMModule, RELEASE_SYNC, type QuickJSContext, type QuickJSDeferredPromise, type QuickJSHandle, type QuickJSRuntime, type QuickJSWASMModule } from "quickjs-emscripten";
import type { PluginLimit } from "./schemas";

export const MAX_STACK_BYTES = 256 * 1024;

export interface SandboxLimits {
  memoryBytes: number;
  timeoutMs: number;
  hostCalls: number;
}

/** A host function: gets the guest's JSON arguments, returns JSON-serialisable data. */
export type HostCall = (name: string, args: unknown[]) => Promise<unknown>;

export interface SandboxCall {
  /** The module's source (an ES module). */
  source: string;
  filename: string;
  /** Exported function to call with (ctx, argument). */
  exportName: string;
  argument: unknown;
  /** Every host-function name the guest may try; `declared` says which it may use. */
  declared: ReadonlySet<string>;
  /** `ctx.config` (already without write-only values). */
  config: unknown;
  host: HostCall;
  limits: SandboxLimits;
}

/** A call that broke a limit, threw, or returned garbage (502 plugin_failed). */
export class GuestFailure extends Error {
  constructor(
    readonly limit: PluginLimit,
    detail: string,
  ) {
    super(detail);
  }
}

/** The guest called a host function its manifest does not declare (501). */
export class UndeclaredHostCall extends Error {
  constructor(readonly hostFunction: string) {
    super(`host function ${hostFunction} is not declared in the manifest`);
  }
}

/** A host function refused or failed (its own error, e.g. an SSRF refusal); rethrown as is. */
export class HostCallError extends Error {
  constructor(
    message: string,
    readonly original: unknown,
  ) {
    super(message);
  }
}

/**
 * Builds `ctx` from one raw bridge function, then hides the bridge: the prelude's result
 * is the only way to reach it. Undeclared names are getters that report the violation,
 * so `ctx.sql(...)` or reading `ctx.config` both end as a 501, never as a TypeError.
 */
const PRELUDE = `(function (bridge, declared, configJson) {
  const call = (name, args) => bridge(name, JSON.stringify(args)).then((r) => (r === undefined ? undefined : JSON.parse(r)));
  const ctx = {};
  const define = (name, value) => {
    if (declared.includes(name)) Object.defineProperty(ctx, name, { value, enumerable: true });
    else Object.defineProperty(ctx, name, { get() { bridge(name, "[]"); throw new Error("host function " + name + " is not declared"); }, enumerable: false });
  };
  define("sql", (text, params) => call("sql", [text, params === undefined ? [] : params]));
  define("http", (request) => call("http", [request]));
  define("storage", Object.freeze({
    get: (key) => call("storage.get", [key]),
    put: (key, value) => call("storage.put", [key, value]),
    delete: (key) => call("storage.delete", [key]),
  }));
  define("audit", (action, details) => call("audit", [action, details === undefined ? {} : details]));
  define("config", Object.freeze(JSON.parse(configJson)));
  Object.freeze(ctx);
  return (ns, exportName, argJson) => {
    if (exportName === "") return Promise.resolve(JSON.stringify(Object.keys(ns).filter((k) => typeof ns[k] === "function")));
    const fn = ns[exportName];
    if (typeof fn !== "function") throw new Error("the module does not export " + exportName);
    return Promise.resolve(fn(ctx, JSON.parse(argJson))).then((r) => (r === undefined ? "null" : JSON.stringify(r)));
  };
})`;

export class PluginSandbox {
  private constructor(private readonly module: QuickJSWASMModule) {}

  /** A new Wasm module instance (one per plugin). */
  static async create(): Promise<PluginSandbox> {
    return new PluginSandbox(await newQuickJSWASMModule(RELEASE_SYNC));
  }

  /** A fresh module instance in place of this one (after a trap left it unusable). */
  replace(): Promise<PluginSandbox> {
    return PluginSandbox.create();
  }

  /** Runs one export in a fresh runtime; resolves with its JSON result or throws GuestFailure / UndeclaredHostCall / HostCallError. */
  async call(spec: SandboxCall): Promise<unknown> {
    const runtime = this.module.newRuntime();
    const run = new GuestRun(runtime, spec);
    try {
      return await run.execute();
    } finally {
      run.dispose();
    }
  }
}

class GuestRun {
  private readonly context: QuickJSContext;
  private readonly handles: QuickJSHandle[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private guestMs = 0;
  private sliceStart = 0;
  private interrupted = false;
  private hostCalls = 0;
  private violation: UndeclaredHostCall | GuestFailure | HostCallError | null = null;
  private disposed = false;
  private readonly deferreds = new Set<QuickJSDeferredPromise>();
  /** The most recent host error, so an uncaught one surfaces with its own kind. */
  private lastHostError: HostCallError | null = null;

  constructor(
    private readonly runtime: QuickJSRuntime,
    private readonly spec: SandboxCall,
  ) {
    runtime.setMemoryLimit(spec.limits.memoryBytes);
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    runtime.setInterruptHandler(() => {
      if (this.guestMs + (performance.now() - this.sliceStart) > this.spec.limits.timeoutMs) this.interrupted = true;
      return this.interrupted;
    });
    this.context = runtime.newContext();
  }

  /** Runs guest code, counting its time against the limit. */
  private guest<T>(fn: () => T): T {
    this.sliceStart = performance.now();
    try {
      return fn();
    } finally {
      this.guestMs += performance.now() - this.sliceStart;
    }
  }

  private keep(handle: QuickJSHandle): QuickJSHandle {
    this.handles.push(handle);
    return handle;
  }

  async execute(): Promise<unknown> {
    const { context, spec } = this;
    const bridge = this.keep(context.newFunction("bridge", (nameHandle, argsHandle) => this.bridge(context.getString(nameHandle), argsHandle ? context.getString(argsHandle) : "[]")));
    const factory = this.keep(this.unwrap(this.guest(() => context.evalCode(PRELUDE, "arcan-prelude.js", { type: "global", strict: true }))));
    const declared = this.keep(this.unwrap(context.evalCode(JSON.stringify([...spec.declared]))));
    const configJson = this.keep(context.newString(JSON.stringify(spec.config ?? {})));
    const invoker = this.keep(this.unwrap(this.guest(() => context.callFunction(factory, context.undefined, bridge, declared, configJson))));

    const moduleResult = this.keep(this.unwrap(this.guest(() => context.evalCode(spec.source, spec.filename, { type: "module", strict: true }))));
    const namespace = this.keep(await this.settle(moduleResult));
    const exportName = this.keep(context.newString(spec.exportName));
    const argJson = this.keep(context.newString(JSON.stringify(spec.argument ?? {})));
    const promise = this.keep(this.unwrap(this.guest(() => context.callFunction(invoker, context.undefined, namespace, exportName, argJson))));
    const result = this.keep(await this.settle(promise));
    if (this.violation) throw this.violation;
    const text = context.getString(result);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new GuestFailure("invalid_result", "the plugin returned something that is not JSON");
    }
  }

  /** Drives a guest promise to completion: pending jobs, then host calls, until it settles. */
  private async settle(handle: QuickJSHandle): Promise<QuickJSHandle> {
    for (;;) {
      const jobs = this.guest(() => this.runtime.executePendingJobs());
      if (jobs.error) {
        const error = jobs.error;
        this.handles.push(error);
        throw this.failure(error);
      }
      const state = this.context.getPromiseState(handle);
      if (state.type === "fulfilled") return state.value;
      if (state.type === "rejected") {
        this.handles.push(state.error);
        throw this.failure(state.error);
      }
      if (this.violation) throw this.violation;
      if (this.inflight.size === 0) throw new GuestFailure("never_settled", "the plugin awaited something that never settles");
      await Promise.race(this.inflight);
    }
  }

  /** The bridge: one guest promise per host call, settled by the host's answer. */
  private bridge(name: string, argsJson: string): QuickJSHandle {
    const base = name.split(".")[0]!;
    if (!this.spec.declared.has(base)) {
      this.violation ??= new UndeclaredHostCall(base);
      return this.context.undefined;
    }
    this.hostCalls += 1;
    if (this.hostCalls > this.spec.limits.hostCalls) {
      this.violation ??= new GuestFailure("host_calls", `more than ${this.spec.limits.hostCalls} host calls in one invocation`);
      return this.context.undefined;
    }
    const deferred = this.context.newPromise();
    this.deferreds.add(deferred);
    let args: unknown[];
    try {
      args = JSON.parse(argsJson) as unknown[];
    } catch {
      args = [];
    }
    const task = this.spec
      .host(name, args)
      .then(
        (value) => {
          if (this.disposed) return;
          const text = this.context.newString(JSON.stringify(value ?? null));
          deferred.resolve(text);
          text.dispose();
        },
        (err: unknown) => {
          if (this.disposed) return;
          if (err instanceof UndeclaredHostCall || err instanceof GuestFailure) this.violation ??= err;
          // The guest sees only a short message; the host keeps the original for the caller.
          const message = err instanceof HostCallError ? err.message : `${name} failed`;
          const error = this.context.newError({ name: "HostError", message });
          deferred.reject(error);
          error.dispose();
          if (err instanceof HostCallError) this.lastHostError = err;
        },
      )
      .finally(() => {
        this.inflight.delete(task);
        if (this.disposed) return;
        this.deferreds.delete(deferred);
        deferred.dispose();
      });
    this.inflight.add(task);
    return deferred.handle;
  }

  private unwrap(result: { error?: QuickJSHandle; value?: QuickJSHandle } & ({ error: QuickJSHandle } | { value: QuickJSHandle })): QuickJSHandle {
    if ("error" in result && result.error) {
      this.handles.push(result.error);
      throw this.failure(result.error);
    }
    return (result as { value: QuickJSHandle }).value;
  }

  /** Names the limit behind a guest error. */
  private failure(errorHandle: QuickJSHandle): Error {
    if (this.violation) return this.violation;
    if (this.interrupted) return new GuestFailure("time", `the plugin ran longer than ${this.spec.limits.timeoutMs} ms`);
    let message: string;
    try {
      const dumped = this.context.dump(errorHandle) as unknown;
      message = typeof dumped === "object" && dumped !== null ? String((dumped as { message?: unknown }).message ?? "") : String(dumped);
    } catch {
      message = "(the error could not be read)";
    }
    if (/out of memory/i.test(message)) return new GuestFailure("memory", `the plugin used more than ${Math.round(this.spec.limits.memoryBytes / 1048576)} MiB`);
    if (/stack overflow/i.test(message)) return new GuestFailure("stack", "the plugin overflowed its stack");
    if (this.lastHostError && message === this.lastHostError.message) return this.lastHostError;
    return new GuestFailure("exception", `the plugin threw: ${message.slice(0, 200) || "an error"}`);
  }

  dispose(): void {
    this.disposed = true;
    // Host calls still running when the guest failed: their guest promises go first.
    for (const deferred of this.deferreds) if (deferred.alive) deferred.dispose();
    for (const handle of this.handles.reverse()) if (handle.alive) handle.dispose();
    try {
      this.context.dispose();
      this.runtime.dispose();
    } catch {
      // A runtime stopped mid-allocation can keep objects alive; the module stays usable.
    }
  }
}
