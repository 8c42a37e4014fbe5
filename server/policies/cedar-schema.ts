/**
 * The published Cedar schema for the `Arcan::` entities (contract: "Agent authorization").
 * Actions are open-ended names chosen by enforcement points, so validation declares every
 * action a policy document names, each applying to Composite × Resource with the Context
 * shape below. Resource attributes beyond `type` and `id`, and context keys beyond `task`,
 * `scopes` and `network`, come from the request; the validator does not type them.
 */
export const CEDAR_SCHEMA_BASE = `namespace Arcan {
  type User = { id: String, email?: String, roles: Set<String>, groups: Set<String> };
  type Agent = { id: String, name: String, trust_tier: Long };
  type Workload = { sub: String, issuer: String, attested: Bool, network?: String };
  type Context = { task: String, scopes: Set<String>, network?: String };
  entity Composite = { user: User, agent: Agent, workload?: Workload };
  entity Resource = { type: String, id: String };
`;

const ACTION_TYPE = "Arcan::Action";
/** Always declared, so a policy whose scope names no action is still type-checked. */
const ANY_ACTION = "arcan:any-action";

/** One `action` declaration per name; JSON string escaping is valid Cedar string syntax. */
export function cedarSchemaFor(actions: readonly string[]): string {
  const declarations = [...new Set([ANY_ACTION, ...actions])]
    .sort()
    .map((name) => `  action ${JSON.stringify(name)} appliesTo { principal: [Composite], resource: [Resource], context: Context };\n`)
    .join("");
  return `${CEDAR_SCHEMA_BASE}${declarations}}\n`;
}

/** The schema as published (GET /api/v1/policies/schema), with one example action. */
export const PUBLISHED_CEDAR_SCHEMA = cedarSchemaFor(["jira.read"]);

/** Every `Arcan::Action::"…"` a policy's JSON form mentions (scope or conditions). */
export function actionsNamed(policyJson: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(policyJson)) {
    for (const item of policyJson) actionsNamed(item, into);
  } else if (policyJson && typeof policyJson === "object") {
    const record = policyJson as Record<string, unknown>;
    if (record.type === ACTION_TYPE && typeof record.id === "string") into.add(record.id);
    for (const value of Object.values(record)) actionsNamed(value, into);
  }
  return into;
}

/** Validator errors about request-defined attributes (see the module comment). */
const REQUEST_DEFINED = [/attribute `[^`.]+` on entity type `Arcan::Resource` not found/, /attribute `[^`.]+` in context for .+ not found/];

export function isRequestDefinedAttributeError(message: string): boolean {
  return REQUEST_DEFINED.some((pattern) => pattern.test(message));
}
