/**
 * The contract's scope grammar: `<action>:<resource type>/<resource id>`, where a trailing
 * `*` matches any rest (`jira.read:project/FIN-*`, or `jira.*` for every jira action).
 * A scope covers an action on a resource when it matches both the action and the
 * resource's `type/id`, i.e. the whole string `<action>:<type>/<id>`.
 */
export function scopeCovers(scope: string, action: string, resource: string /* "type/id" */): boolean {
  const target = `${action}:${resource}`;
  return scope.endsWith("*") ? target.startsWith(scope.slice(0, -1)) : scope === target;
}
