/** Picks the invalidation bus's transport from the configuration (see bus.ts). */
import type { Logger } from "pino";
import { LocalBus, type InvalidationBus } from "./bus";
import { PgBus } from "./pg-bus";
import { RedisBus } from "./redis-bus";

export function createInvalidationBus(config: { redis_url: string; database_url: string; redis: { key_prefix: string } }, logger: Pick<Logger, "warn" | "info">): InvalidationBus {
  if (config.redis_url) return new RedisBus(config.redis_url, config.redis.key_prefix, logger);
  if (/^postgres(ql)?:\/\//.test(config.database_url)) return new PgBus(config.database_url, logger);
  return new LocalBus(logger);
}
