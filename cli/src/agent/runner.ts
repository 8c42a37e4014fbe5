/**
 * The `arcan agent` loop: fetch every value (secrets and leases), publish it (file, child
 * process) when it changed, and refresh on the interval. While Arcan is unreachable it keeps
 * the last good values, says so on stderr and retries with backoff. It never logs a value.
 */
import { ArcanError, type ArcanClient } from "#sdk";
import { Supervisor, type OnChange } from "./child.js";
import type { LeaseKeeper } from "./leases.js";
import { render, writeAtomically, type OutputFormat } from "./output.js";

export interface AgentConfig {
  client: ArcanClient;
  realm: string;
  inject: string[];
  leases: LeaseKeeper[];
  /** NAME → text with {{OTHER}} placeholders over the other values. */
  templates: Map<string, string>;
  refreshMs: number;
  out: string | null;
  format: OutputFormat;
  exec: string[] | null;
  onChange: OnChange;
}

const FIRST_BACKOFF_MS = 1000;

export class AgentRunner {
  private values = new Map<string, string>();
  private published: string | null = null;
  private everFetched = false;
  private failingSince: number | null = null;
  private failures = 0;
  private nextWaitMs = 0;
  private stopping = false;
  private wake: (() => void) | null = null;
  readonly supervisor: Supervisor | null;

  constructor(
    private readonly config: AgentConfig,
    private readonly log: (line: string) => void,
    onChildExit: (code: number) => void,
  ) {
    this.supervisor = config.exec ? new Supervisor(config.exec, onChildExit, log) : null;
  }

  notReadyReason(): string | null {
    if (!this.everFetched) return "values not fetched yet";
    if (this.failingSince !== null && Date.now() - this.failingSince > this.config.refreshMs) return "refresh failing for longer than the refresh interval";
    return null;
  }

  /** The first fetch: a refusal (bad token, unknown realm or key) is fatal; unreachable is retried. */
  async start(): Promise<void> {
    for (;;) {
      try {
        await this.refresh();
        return;
      } catch (err) {
        if (isRefusal(err) || this.stopping) throw err;
        await this.sleep(this.failed(err));
      }
    }
  }

  /** Refreshes until stop(): on the interval, at each lease's renewal time, or with backoff after a failure. */
  async loop(): Promise<void> {
    while (!this.stopping) {
      const leaseDue = Math.min(...this.config.leases.map((l) => l.dueAt), Number.POSITIVE_INFINITY);
      // While failing, the backoff decides; otherwise the earlier of the interval and a lease's renewal.
      const wait = this.failingSince !== null ? this.nextWaitMs : Math.min(this.nextWaitMs, leaseDue - Date.now());
      await this.sleep(Math.max(0, wait));
      if (this.stopping) break;
      try {
        await this.refresh();
      } catch (err) {
        this.nextWaitMs = this.failed(err);
      }
    }
  }

  /** Triggers a refresh now (SIGHUP without a child). */
  poke(): void {
    this.wake?.();
  }

  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  async revokeLeases(): Promise<void> {
    for (const lease of this.config.leases) {
      const err = await lease.revoke();
      if (err) this.log(`could not revoke the lease for ${lease.spec.name} (${describe(err)}); it expires on its own`);
    }
  }

  private async refresh(): Promise<void> {
    const fresh = new Map<string, string>();
    for (const key of this.config.inject) fresh.set(key, await this.config.client.kv.get(key, { realm: this.config.realm }));
    for (const lease of this.config.leases) {
      await lease.maintain();
      for (const [k, v] of lease.values()) fresh.set(k, v);
    }
    for (const [name, template] of this.config.templates) fresh.set(name, template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, ref: string) => fresh.get(ref) ?? ""));
    if (this.failingSince !== null) this.log("Arcan is reachable again; values refreshed");
    this.failingSince = null;
    this.failures = 0;
    this.nextWaitMs = this.config.refreshMs;
    this.everFetched = true;
    await this.publish(fresh);
  }

  private async publish(fresh: Map<string, string>): Promise<void> {
    const rendered = render(fresh, this.config.format);
    if (rendered === this.published) return;
    const first = this.published === null;
    this.values = fresh;
    this.published = rendered;
    if (this.config.out) writeAtomically(this.config.out, rendered);
    if (!this.supervisor) {
      if (!first) this.log(`values changed: ${this.config.out ? `rewrote ${this.config.out}` : "published"}`);
      return;
    }
    if (first) this.supervisor.start(this.childEnv());
    else {
      if (this.config.onChange === "none" || this.config.onChange === "sighup") this.log(`values changed${this.config.onChange === "sighup" ? ": sent SIGHUP to the command" : ""}`);
      await this.supervisor.changed(this.childEnv(), this.config.onChange);
    }
  }

  /** The command's environment: the agent's, without its Arcan token, plus the values. */
  private childEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.ARCAN_TOKEN;
    for (const [k, v] of this.values) env[k] = v;
    return env;
  }

  /** Records a failed refresh and returns how long to wait before the next try. */
  private failed(err: unknown): number {
    this.failures += 1;
    this.failingSince ??= Date.now();
    const wait = Math.min(this.config.refreshMs, FIRST_BACKOFF_MS * 2 ** Math.min(this.failures - 1, 16));
    const keeping = this.everFetched ? "serving the last good values" : "no values yet";
    this.log(`refresh failed: ${describe(err)}; ${keeping}; retrying in ${Math.round(wait / 100) / 10}s`);
    return wait;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}

/** A 4xx other than 429: retrying will not help (bad token, missing capability, unknown realm or key). */
function isRefusal(err: unknown): boolean {
  return err instanceof ArcanError && err.status >= 400 && err.status < 500 && err.status !== 429;
}

/** The error's title and code, never a value: SDK errors carry the server's problem text only. */
function describe(err: unknown): string {
  if (err instanceof ArcanError) return err.status === 0 ? `Arcan unreachable (${err.detail})` : `${err.title}: ${err.detail} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}
