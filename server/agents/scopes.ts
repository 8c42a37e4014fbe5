/**
 * Task scopes: `<action>:<resource type>/<resource id>`, where a trailing `*` matches any
 * rest (`jira.read:project/FIN-*`). One scope covers an action on a resource when it
 * matches the string `<action>:<type>/<id>`; a layer's scope covers a requested scope when
 * everything the requested one matches, it matches too. Composite tokens get the
 * intersection of every layer, never the union.
 */
import { z } from "zod";

export const SCOPE_PATTERN = /^(?:[A-Za-z0-9._-]+:[A-Za-z0-9._-]+\/[^\s*]*\*?|[A-Za-z0-9._:/-]*\*)$/;

export const ZScope = z
  .string()
  .max(200)
  .regex(SCOPE_PATTERN, 'a scope looks like "jira.read:project/FIN-OPS" (a trailing * matches any rest)')
  .meta({ examples: ["jira.read:project/FIN-*"] });

/** Whether a scope string is well formed. */
export function isScope(value: string): boolean {
  return value.length <= 200 && SCOPE_PATTERN.test(value);
}

function matches(scope: string, target: string): boolean {
  if (scope.endsWith("*")) return target.startsWith(scope.slice(0, -1));
  return scope === target;
}

/** Whether `scope` allows `action` on the resource `type/id` (e.g. "project/FIN-OPS"). */
export function scopeCovers(scope: string, action: string, resourceTypeSlashId: string): boolean {
  return matches(scope, `${action}:${resourceTypeSlashId}`);
}

/**
 * Whether `layer` covers all of `requested`: equal, or `layer` ends in `*` and `requested`
 * (itself possibly a wildcard, then only a narrower one) starts with the layer's prefix.
 */
export function scopeCoversScope(layer: string, requested: string): boolean {
  return matches(layer, requested);
}

/**
 * The granted scopes: each requested scope, as requested, when every layer has a scope
 * that covers it. A layer of `null` does not narrow (an issuer without allowed_scopes).
 */
export function intersectScopes(requested: readonly string[], layers: readonly (readonly string[] | null)[]): string[] {
  const granted: string[] = [];
  for (const scope of requested) {
    if (granted.includes(scope)) continue;
    if (layers.every((layer) => layer === null || layer.some((allowed) => scopeCoversScope(allowed, scope)))) granted.push(scope);
  }
  return granted;
}
