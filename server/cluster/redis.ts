/**
 * Redis connections (ioredis). Each role gets its own: a subscriber cannot send other
 * commands, the rate limiter must fail fast when Redis is away (its insurance limiter
 * takes over) while the publisher queues until Redis is back.
 */
import { Redis, type RedisOptions } from "ioredis";

export type RedisRole = "subscriber" | "publisher" | "limiter";

/** Reconnect quickly (a bus outage must end within seconds of Redis returning). */
const retryStrategy = (attempt: number) => Math.min(100 * attempt, 1_000);

export function connectRedis(url: string, role: RedisRole): Redis {
  const options: RedisOptions = {
    connectionName: `arcan-${role}`,
    retryStrategy,
    connectTimeout: 2_000,
    lazyConnect: true,
    ...(role === "limiter" ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500 } : { maxRetriesPerRequest: null }),
  };
  const client = new Redis(url, options);
  // Errors surface through the calls (and the bus state); an unhandled 'error' event would crash the process.
  client.on("error", () => {});
  return client;
}

export type RedisState = "ok" | "down" | "not_configured";

export function redisState(client: Redis | null): RedisState {
  if (!client) return "not_configured";
  return client.status === "ready" ? "ok" : "down";
}
