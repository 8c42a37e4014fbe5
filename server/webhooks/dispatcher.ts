/**
 * The webhook dispatcher: a background loop, off every request path, that turns outbox
 * events into deliveries, claims due deliveries, sends them and records each attempt.
 * It is woken right after a commit that wrote events in this process, and otherwise
 * polls, so work from other processes and retries that come due are picked up too.
 * Every store step handles a batch (queue.ts); finished attempts are recorded together.
 * At most `concurrency` attempts run at once, and at most `perEndpointConcurrency` to one
 * endpoint, so a receiver that hangs until the timeout holds only its own share.
 */
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { KmsProvider } from "../crypto/kms";
import type { Outbox } from "../events/outbox";
import type { Db, Store } from "../store/client";
import { WebhookClient } from "./http-client";
import { PostgresDeliveryQueue } from "./pg-queue";
import type { AttemptOutcome, ClaimedDelivery, ClaimLimits, DeliveryQueue, RecordedAttempt } from "./queue";
import { signatureHeaders } from "./signing";
import { SqliteDeliveryQueue } from "./sqlite-queue";

export interface DispatcherOptions {
  /** Waits before each retry, in seconds ([webhooks] retry_schedule). */
  retrySchedule: readonly number[];
  allowPrivateNetworks: boolean;
  timeoutMs?: number;
  /** Attempts running at once in this process. */
  concurrency?: number;
  /** Attempts running at once to one endpoint, so a slow receiver cannot take every slot. */
  perEndpointConcurrency?: number;
  pollMs?: number;
}

const FAN_OUT_BATCH = 500;
const STOP_GRACE_MS = 5_000;
const RECORD_RETRY_MS = 250;

interface EndpointTarget {
  url: string;
  key: Buffer;
}

export class WebhookDispatcher {
  private queue: DeliveryQueue | null = null;
  /** Emits "attempt" with a RecordedAttempt after each attempt is stored (live delivery log). */
  readonly attempts = new EventEmitter();
  private readonly client: WebhookClient;
  private readonly retryDelaysMs: number[];
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly perEndpoint: number;
  private readonly pollMs: number;
  private readonly inFlightTo = new Map<string, number>();
  private readonly keys = new Map<string, Buffer>();
  private inFlight = 0;
  private ticking = false;
  private again = false;
  private started = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private outcomes: AttemptOutcome[] = [];
  private flushing: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly provider: Store["provider"],
    private readonly kms: KmsProvider,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
    options: DispatcherOptions,
  ) {
    this.retryDelaysMs = options.retrySchedule.map((s) => Math.round(s * 1000));
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.concurrency = options.concurrency ?? 512;
    this.perEndpoint = Math.min(this.concurrency, options.perEndpointConcurrency ?? 128);
    this.pollMs = options.pollMs ?? (provider === "postgresql" ? 250 : 1_000);
    this.client = new WebhookClient({ allowPrivateNetworks: options.allowPrivateNetworks, timeoutMs: this.timeoutMs });
    this.attempts.setMaxListeners(0);
  }

  /** Starts the loop; resumes whatever the store says is owed (after a restart or crash). */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.outbox.onCommit(() => this.wake());
    void this.openQueue()
      .then(async (queue) => {
        if (this.stopped) return queue.close();
        this.queue = queue;
        // Claims left by a SQLite process that died are this store's only claims: free them.
        if (this.provider === "sqlite") await queue.releaseAllClaims();
      })
      .catch((err: unknown) => this.logger.error({ err: (err as Error).message.split("\n")[0] }, "webhook dispatcher: could not open the delivery queue"))
      .then(() => {
        if (!this.queue || this.stopped) return;
        this.started = true;
        this.wake();
      });
  }

  /** Stops claiming work and waits (briefly) for running attempts to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    const deadline = Date.now() + STOP_GRACE_MS;
    while ((this.inFlight > 0 || this.flushing || this.ticking) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.client.close();
    this.queue?.close();
    this.queue = null;
  }

  /** SQLite: a connection of the queue's own on Prisma's file; PostgreSQL: Prisma's raw statements. */
  private async openQueue(): Promise<DeliveryQueue> {
    if (this.provider === "postgresql") return new PostgresDeliveryQueue(this.db);
    const [main] = await this.db.$queryRawUnsafe<{ file: string }[]>("SELECT file FROM pragma_database_list WHERE name = 'main'");
    if (!main?.file) throw new Error("the SQLite store has no file");
    return new SqliteDeliveryQueue(main.file);
  }

  private limits(): ClaimLimits {
    return { total: this.concurrency - this.inFlight, perEndpoint: this.perEndpoint, inFlight: this.inFlightTo };
  }

  wake(): void {
    if (!this.started || this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.tick();
  }

  /** Forgets a cached signing key (the endpoint changed or was deleted). */
  forgetKey(endpointId: string): void {
    for (const k of this.keys.keys()) if (k.startsWith(`${endpointId}:`)) this.keys.delete(k);
  }

  private async tick(): Promise<void> {
    this.ticking = true;
    let delay = this.pollMs;
    try {
      do {
        const queue = this.queue!;
        this.again = false;
        const lease = this.timeoutMs + 5_000;
        const fresh = await queue.fanOut(FAN_OUT_BATCH, this.limits(), lease);
        if (fresh.claimed.length > 0) await this.launch(fresh.claimed);
        const capacity = this.concurrency - this.inFlight;
        const claimed = await queue.claimDue(this.limits(), lease);
        if (claimed.length > 0) await this.launch(claimed);
        if (fresh.events === FAN_OUT_BATCH || (capacity > 0 && claimed.length === capacity)) this.again = true;
        // SQLite answers synchronously: let requests and finished attempts in between batches.
        if (this.again) await new Promise((r) => setImmediate(r));
      } while (this.again && !this.stopped);
      const due = await this.queue!.nextDue();
      // At capacity, finishing attempts wake the loop; otherwise sleep until the next one is due.
      if (due && this.inFlight < this.concurrency) delay = Math.min(this.pollMs, Math.max(5, due.getTime() - Date.now()));
    } catch (err) {
      this.logger.error({ err: (err as Error).message.split("\n")[0] }, "webhook dispatcher: store error; retrying");
    } finally {
      this.ticking = false;
    }
    if (this.stopped) return;
    if (this.again) return this.wake();
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }

  private async launch(claimed: ClaimedDelivery[]): Promise<void> {
    const targets = await this.targets([...new Set(claimed.map((d) => d.endpointId))]);
    for (const delivery of claimed) {
      const target = targets.get(delivery.endpointId);
      if (!target) continue; // deleted meanwhile; its deliveries went with it
      this.inFlight++;
      this.inFlightTo.set(delivery.endpointId, (this.inFlightTo.get(delivery.endpointId) ?? 0) + 1);
      void this.send(delivery, target);
    }
  }

  private async send(delivery: ClaimedDelivery, target: EndpointTarget): Promise<void> {
    const startedAt = new Date();
    const headers = signatureHeaders(target.key, delivery.id, Math.floor(startedAt.getTime() / 1000), delivery.payload);
    const result = await this.client.post(target.url, headers, delivery.payload);
    this.outcomes.push({ delivery, startedAt, ...result });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.outcomes.splice(0);
    if (!this.queue) {
      // stop() gave up waiting: these attempts run again after their claims end (at-least-once).
      this.flushing = null;
      return;
    }
    let recordedOk = false;
    try {
      const recorded = await this.queue.record(batch, this.retryDelaysMs);
      recordedOk = true;
      for (const r of recorded) this.attempts.emit("attempt", r satisfies RecordedAttempt);
    } catch (err) {
      // Keep the outcomes and try again shortly; if this process dies first, the
      // attempts run again once their claims end (at-least-once).
      this.logger.error({ err: (err as Error).message.split("\n")[0], attempts: batch.length }, "webhook dispatcher: could not record attempts; retrying");
      this.outcomes.unshift(...batch);
    } finally {
      if (recordedOk) {
        this.inFlight -= batch.length;
        for (const o of batch) {
          const left = (this.inFlightTo.get(o.delivery.endpointId) ?? 1) - 1;
          if (left > 0) this.inFlightTo.set(o.delivery.endpointId, left);
          else this.inFlightTo.delete(o.delivery.endpointId);
        }
      }
      this.flushing = null;
      if (this.outcomes.length > 0) {
        if (recordedOk) this.scheduleFlush();
        else if (!this.stopped || this.inFlight > 0) setTimeout(() => this.scheduleFlush(), RECORD_RETRY_MS).unref();
      }
      this.wake();
    }
  }

  private async targets(ids: string[]): Promise<Map<string, EndpointTarget>> {
    const rows = await this.queue!.endpoints(ids);
    const out = new Map<string, EndpointTarget>();
    for (const row of rows) {
      const cacheKey = `${row.id}:${row.updatedAt.getTime()}`;
      let key = this.keys.get(cacheKey);
      if (!key) {
        key = await this.kms.unwrap(row.secretWrapped, signingKeyContext(row.id));
        this.forgetKey(row.id);
        this.keys.set(cacheKey, key);
      }
      out.set(row.id, { url: row.url, key });
    }
    return out;
  }
}

/** The KMS context a signing key is wrapped under, binding it to its endpoint. */
export function signingKeyContext(endpointId: string): string {
  return `webhook:${endpointId}`;
}
