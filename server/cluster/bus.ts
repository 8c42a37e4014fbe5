/**
 * The invalidation bus: what one process changes that other processes hold in memory
 * (cached principals, realm ids, agent states, STS revocations, the active policy, loaded
 * plugins) is announced here, and every process drops the stale entries. Transports:
 * Redis pub/sub when `redis_url` is set, PostgreSQL LISTEN/NOTIFY otherwise, and an
 * in-process bus for the embedded SQLite store (one process). A subscriber that loses its
 * connection cannot know what it missed: it drops every cache when the outage starts and
 * again when it is back, and reports `degraded` meanwhile.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { z } from "zod";

export const invalidationSchema = z.discriminatedUnion("kind", [
  /** A token was revoked, rotated, deleted or changed. */
  z.object({ kind: z.literal("token"), id: z.string().min(1) }),
  /** Every cached principal (revoke-all, role, binding or user changes, cache invalidation). */
  z.object({ kind: z.literal("principals") }),
  z.object({ kind: z.literal("agent"), id: z.string().min(1) }),
  /** An STS token id revoked until `expires_at` (Unix milliseconds). */
  z.object({ kind: z.literal("sts_jti"), jti: z.string().min(1), expires_at: z.number() }),
  z.object({ kind: z.literal("realm"), name: z.string().min(1) }),
  z.object({ kind: z.literal("policy") }),
  z.object({ kind: z.literal("plugin"), name: z.string().min(1) }),
]);
export type Invalidation = z.infer<typeof invalidationSchema>;

const wireSchema = z.object({ o: z.string(), e: invalidationSchema });

/** What services see: they announce a change after it is committed. Never throws. */
export interface InvalidationPublisher {
  publish(event: Invalidation): Promise<void>;
}

export interface BusHandlers {
  /** Another process changed something this one may hold. */
  apply(event: Invalidation): void;
  /** The bus is down (messages may be lost from now on) or back (some may have been): drop everything. */
  dropAll(): void;
  /** While the bus is down, caches must not be trusted. */
  suspend(suspended: boolean): void;
}

export type BusState = "ok" | "degraded";
export type BusTransport = "redis" | "postgres" | "local";

export interface InvalidationBus extends InvalidationPublisher {
  readonly transport: BusTransport;
  state(): BusState;
  start(handlers: BusHandlers): Promise<void>;
  stop(): Promise<void>;
}

/** Longest a publish may hold up the request that made the change (the message still goes out later). */
export const PUBLISH_WAIT_MS = 500;

/** What the transports share: who this process is, parsing, and the ok/degraded bookkeeping. */
export abstract class BusCore implements InvalidationBus {
  abstract readonly transport: BusTransport;
  protected readonly origin = randomBytes(9).toString("base64url");
  private handlers: BusHandlers | null = null;
  private current: BusState = "degraded";
  private everConnected = false;

  constructor(protected readonly logger: Pick<Logger, "warn" | "info">) {}

  state(): BusState {
    return this.current;
  }

  async start(handlers: BusHandlers): Promise<void> {
    this.handlers = handlers;
    // Until the first connection, nothing tells this process about others' changes.
    handlers.suspend(true);
    await this.open();
  }

  abstract stop(): Promise<void>;
  abstract publish(event: Invalidation): Promise<void>;
  protected abstract open(): Promise<void>;

  protected encode(event: Invalidation): string {
    return JSON.stringify({ o: this.origin, e: event });
  }

  /** A message from the transport; this process's own were applied when it made the change. */
  protected received(raw: string): void {
    let parsed: z.infer<typeof wireSchema>;
    try {
      parsed = wireSchema.parse(JSON.parse(raw));
    } catch {
      this.logger.warn("invalidation bus: ignored a malformed message");
      return;
    }
    if (parsed.o === this.origin) return;
    this.handlers?.apply(parsed.e);
  }

  protected connected(): void {
    if (this.current === "ok") return;
    this.current = "ok";
    this.handlers?.dropAll();
    this.handlers?.suspend(false);
    if (this.everConnected) this.logger.info({ transport: this.transport }, "invalidation bus: reconnected; caches dropped");
    this.everConnected = true;
  }

  protected lost(reason: string): void {
    if (this.current === "degraded") return;
    this.current = "degraded";
    this.handlers?.dropAll();
    this.handlers?.suspend(true);
    this.logger.warn({ transport: this.transport, reason }, "invalidation bus: connection lost; caches dropped and bypassed until it is back");
  }
}

/** One process per store (embedded SQLite): its own changes are all there is. */
export class LocalBus extends BusCore {
  readonly transport = "local" as const;

  protected async open(): Promise<void> {
    this.connected();
  }

  async publish(): Promise<void> {}

  async stop(): Promise<void> {}
}

export function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
