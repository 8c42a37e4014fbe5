/**
 * Event names and subscription patterns. An event is "<category>.<name>"; an endpoint
 * subscribes to exact names, "<category>.*" or "*". Categories follow the contract
 * ("Events and webhook delivery"); names inside a category may grow as features arrive.
 */

export const EVENT_CATEGORIES = ["secret", "lease", "policy", "engine", "auth", "plugin", "decision", "realm"] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

/** Events the server emits today, plus the contract's named ones still to come. */
export const EVENT_TYPES = [
  "secret.set",
  "secret.deleted",
  "secret.rotated",
  "auth.login",
  "auth.token_created",
  "auth.token_rotated",
  "auth.token_revoked",
  "auth.token_deleted",
  "policy.role_created",
  "policy.role_updated",
  "policy.role_deleted",
  "policy.binding_created",
  "policy.binding_deleted",
  "realm.created",
  "realm.updated",
  "realm.deleted",
  "lease.created",
  "lease.renewed",
  "lease.expiring",
  "lease.expired",
  "lease.revoked",
  "plugin.installed",
  "plugin.upgraded",
  "plugin.crashed",
  "plugin.removed",
  "policy.created",
  "policy.activated",
  "decision.denied",
  "decision.review_requested",
  "decision.review_approved",
  "decision.review_denied",
  "lease.revoke_failed",
  "engine.mounted",
  "engine.updated",
  "engine.deleted",
  "engine.root_rotated",
  "engine.health_changed",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Sent only by POST /webhooks/:id/test, to that endpoint, whatever it subscribes to. */
export const PING_EVENT = "ping";

const NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Why a subscription pattern is not acceptable, or null when it is. */
export function patternProblem(pattern: string): string | null {
  if (pattern === "*") return null;
  const [category, name, ...rest] = pattern.split(".");
  if (rest.length > 0 || name === undefined) return `"${pattern}" is not "<category>.<event>", "<category>.*" or "*"`;
  if (!(EVENT_CATEGORIES as readonly string[]).includes(category!)) {
    return `"${category}" is not an event category (${EVENT_CATEGORIES.join(", ")})`;
  }
  if (name !== "*" && !NAME.test(name)) return `"${name}" is not an event name`;
  return null;
}

/** Whether an event name is covered by any of the patterns. */
export function matchesAny(patterns: readonly string[], event: string): boolean {
  const category = event.slice(0, event.indexOf("."));
  return patterns.some((p) => p === "*" || p === event || p === `${category}.*`);
}

/** An event as domain services emit it. Never put secret or token values in `data`. */
export interface DomainEvent {
  type: EventType;
  realm: string | null;
  data: Record<string, unknown>;
}
