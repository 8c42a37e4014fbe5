/** The invalidation bus over Redis pub/sub (one channel per key prefix, so clusters sharing a Redis stay apart). */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { BusCore, PUBLISH_WAIT_MS, waitAtMost, type Invalidation } from "./bus";
import { connectRedis } from "./redis";

export class RedisBus extends BusCore {
  readonly transport = "redis" as const;
  private readonly channel: string;
  private readonly sub: Redis;
  private readonly pub: Redis;

  constructor(url: string, prefix: string, logger: Pick<Logger, "warn" | "info">) {
    super(logger);
    this.channel = `${prefix}:invalidate`;
    this.sub = connectRedis(url, "subscriber");
    this.pub = connectRedis(url, "publisher");
  }

  protected async open(): Promise<void> {
    this.sub.on("message", (channel: string, message: string) => {
      if (channel === this.channel) this.received(message);
    });
    this.sub.on("close", () => this.lost("redis connection closed"));
    // ioredis resubscribes by itself on reconnect; subscribing again confirms it before caches are trusted.
    this.sub.on("ready", () => {
      this.sub.subscribe(this.channel).then(
        () => this.connected(),
        () => this.lost("redis subscribe failed"),
      );
    });
    await Promise.all([this.sub.connect(), this.pub.connect()]).catch((err: unknown) => {
      this.logger.warn({ err: (err as Error).message }, "invalidation bus: Redis not reachable at start; retrying");
    });
  }

  async publish(event: Invalidation): Promise<void> {
    await waitAtMost(this.pub.publish(this.channel, this.encode(event)), PUBLISH_WAIT_MS);
  }

  async stop(): Promise<void> {
    this.sub.disconnect();
    await this.pub.quit().catch(() => this.pub.disconnect());
  }
}
