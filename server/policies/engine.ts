/**
 * The Cedar policy engine (@cedar-policy/cedar-wasm). A policy version is split into its
 * rules once, keyed by their `@id`, and preparsed once per process (the wasm module keeps
 * preparsed sets in thread-local storage), so a decision costs one `statefulIsAuthorized`
 * with only the attributes the rules can read (attribute-paths.ts), or none when an equal
 * request was decided recently (decision-cache.ts).
 * Outcome (contract): a matching forbid → deny; else a matching review-lane permit →
 * review; else a matching permit → allow; nothing matches → deny.
 */
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import type { AuthorizationAnswer, CedarValueJson, PolicyJson } from "@cedar-policy/cedar-wasm/nodejs";
import { attributesRead, EVERYTHING, mergeReads, type AttributeTree, type ReadAttributes } from "./attribute-paths";
import { actionsNamed, cedarSchemaFor, isRequestDefinedAttributeError } from "./cedar-schema";
import { DecisionCache } from "./decision-cache";

export type Lane = "allow" | "review" | "deny";

export interface Rule {
  id: string;
  effect: "permit" | "forbid";
  lane: "review" | null;
  reason: string | null;
  text: string;
  /** The actions its scope admits; null when the scope says plain `action` (every action). */
  actions: string[] | null;
  /** The request attributes its conditions can read. */
  reads: ReadAttributes;
}

export interface ValidationIssue {
  policy_id: string | null;
  message: string;
}

export type Parsed = { ok: true; rules: Rule[]; actions: string[]; issues: ValidationIssue[] } | { ok: false; issues: ValidationIssue[] };

/** The composite identity as policies see it (`principal.user`, `.agent`, `.workload`). */
export interface CompositePrincipal {
  user: { id: string; email?: string; roles: string[]; groups: string[] } & Record<string, unknown>;
  agent: { id: string; name: string; trust_tier: number };
  workload: { sub: string; issuer: string; attested: boolean; network: string | null } | null;
}

export interface EvaluationRequest {
  principal: CompositePrincipal;
  action: string;
  resource: { type: string; id: string; attributes: Record<string, unknown> };
  /** The request context with the server's `task`, `scopes` and `network` already set. */
  context: Record<string, unknown>;
}

export interface Outcome {
  lane: Lane;
  /** The determining rule; null for default deny. */
  policyId: string | null;
  /** Every rule that matched (forbids when the outcome is a forbid deny, else permits). */
  matched: string[];
  reasons: string[];
  /** Rules skipped because they failed to evaluate (e.g. a missing attribute). */
  errors: string[];
}

const MAX_ID = 200;
export const REVIEW_POLICY_PREFIX = "review:";

/** Splits a document into rules and checks the annotations; syntax errors stop here. */
export function parsePolicyDocument(source: string): Parsed {
  const parts = cedar.policySetTextToParts(source);
  if (parts.type === "failure") return { ok: false, issues: parts.errors.map((e) => ({ policy_id: null, message: e.message })) };
  if (parts.policy_templates.length > 0) return { ok: false, issues: [{ policy_id: null, message: "templates are not supported; write static policies" }] };
  const rules: Rule[] = [];
  const issues: ValidationIssue[] = [];
  const actions = new Set<string>();
  const seen = new Set<string>();
  parts.policies.forEach((text, index) => {
    const json = cedar.policyToJson(text);
    if (json.type === "failure") {
      issues.push({ policy_id: `policy${index}`, message: json.errors.map((e) => e.message).join("; ") });
      return;
    }
    const annotations = json.json.annotations ?? {};
    let id = annotations.id;
    if (!id) {
      id = `policy${index}`;
      issues.push({ policy_id: id, message: 'every policy needs an @id("…") annotation (the rule name decisions report)' });
    } else if (id.length > MAX_ID || id.startsWith(REVIEW_POLICY_PREFIX)) {
      issues.push({ policy_id: id, message: `@id must be at most ${MAX_ID} characters and must not start with "${REVIEW_POLICY_PREFIX}"` });
    }
    // A duplicate keeps a distinct key so an invalid draft can still be simulated.
    const key = seen.has(id) ? `${id}#${index}` : id;
    if (seen.has(id)) issues.push({ policy_id: id, message: `@id("${id}") is used by more than one policy` });
    seen.add(id);
    const lane = annotations.lane;
    if (lane !== undefined && lane !== "review") issues.push({ policy_id: id, message: `@lane must be "review" (got "${lane}")` });
    if (lane === "review" && json.json.effect === "forbid") issues.push({ policy_id: id, message: '@lane("review") applies to permit policies only' });
    actionsNamed(json.json, actions);
    rules.push({ id: key, effect: json.json.effect, lane: lane === "review" ? "review" : null, reason: annotations.reason ?? null, text, actions: scopeActions(json.json.action), reads: attributesRead(json.json) });
  });
  return { ok: true, rules, actions: [...actions], issues };
}

/** Annotation checks plus Cedar's strict validation against the published schema. */
export function validatePolicyDocument(source: string): { valid: boolean; errors: ValidationIssue[] } {
  const parsed = parsePolicyDocument(source);
  if (!parsed.ok) return { valid: false, errors: parsed.issues };
  const errors = [...parsed.issues];
  const answer = cedar.validate({ schema: cedarSchemaFor(parsed.actions), policies: { staticPolicies: byId(parsed.rules) } });
  if (answer.type === "failure") {
    errors.push(...answer.errors.map((e) => ({ policy_id: null, message: e.message })));
  } else {
    for (const e of answer.validationErrors) {
      if (!isRequestDefinedAttributeError(e.error.message)) errors.push({ policy_id: e.policyId, message: e.error.message });
    }
  }
  return { valid: errors.length === 0, errors };
}

function byId(rules: readonly Rule[]): Record<string, string> {
  return Object.fromEntries(rules.map((r) => [r.id, r.text]));
}

/**
 * Cedar evaluates every policy of a set, so a version is preparsed as one subset per action
 * its scopes name (plus the rules whose scope admits every action): a policy whose scope
 * excludes the request's action cannot match it, so leaving it out changes no decision.
 * Each subset also knows which request attributes its rules can read (attribute-paths.ts).
 */
interface Prepared {
  versionId: string;
  rules: Map<string, Rule>;
  order: Map<string, number>;
  /** Action → preparsed subset; null when no rule can match that action. */
  subsets: Map<string, Subset | null>;
}

interface Subset {
  id: string;
  reads: ReadAttributes;
}

const ANY_ACTION_SUBSET = "\u0000any";

/** The action ids a policy scope admits (`==`, `in`), or null for every action. Actions have no groups here, so `in` is equality. */
function scopeActions(scope: PolicyJson["action"]): string[] | null {
  if (scope.op === "All") return null;
  const entities = "entities" in scope ? scope.entities : "entity" in scope ? [scope.entity] : [];
  return entities.map((e) => ("__entity" in e ? e.__entity : e)).filter((e) => e.type === "Arcan::Action").map((e) => e.id);
}

export interface PolicyEngineOptions {
  /**
   * Convert only the request attributes the rules can read (default true). False converts
   * every attribute, as a reference to compare decisions against.
   */
  pruneAttributes?: boolean;
  /** Outcomes kept for repeated requests (decision-cache.ts; default 10,000; 0 turns it off). */
  cacheSize?: number;
}

export class PolicyEngine {
  private readonly prepared = new Map<string, Prepared>();
  private readonly pruneAttributes: boolean;
  private readonly cache: DecisionCache;

  constructor(options: PolicyEngineOptions = {}) {
    this.pruneAttributes = options.pruneAttributes ?? true;
    this.cache = new DecisionCache(options.cacheSize ?? 10_000);
  }

  /** How many outcomes the decision cache holds. */
  get cachedOutcomes(): number {
    return this.cache.size;
  }

  /** Preparses a version once per process; later calls reuse it. Throws if it does not parse. */
  prepare(versionId: string, source: string): Prepared {
    const cached = this.prepared.get(versionId);
    if (cached) return cached;
    const parsed = parsePolicyDocument(source);
    if (!parsed.ok) throw new Error(`policy version ${versionId} does not parse: ${parsed.issues[0]?.message ?? "unknown error"}`);
    const named = new Set(parsed.rules.flatMap((r) => r.actions ?? []));
    const subsets = new Map<string, Subset | null>();
    for (const action of [ANY_ACTION_SUBSET, ...named]) {
      const rules = parsed.rules.filter((r) => r.actions === null || r.actions.includes(action));
      if (rules.length === 0) {
        subsets.set(action, null);
        continue;
      }
      const setId = `${versionId}|${action}`;
      const answer = cedar.preparsePolicySet(setId, { staticPolicies: byId(rules) });
      if (answer.type === "failure") throw new Error(`policy version ${versionId} could not be preparsed: ${answer.errors[0]?.message ?? "unknown error"}`);
      subsets.set(action, { id: setId, reads: this.pruneAttributes ? mergeReads(rules.map((r) => r.reads)) : EVERYTHING });
    }
    const prepared: Prepared = {
      versionId,
      rules: new Map(parsed.rules.map((r) => [r.id, r])),
      order: new Map(parsed.rules.map((r, i) => [r.id, i])),
      subsets,
    };
    this.prepared.set(versionId, prepared);
    return prepared;
  }

  evaluate(versionId: string, source: string, request: EvaluationRequest): Outcome {
    const set = this.prepare(versionId, source);
    const subset = set.subsets.has(request.action) ? set.subsets.get(request.action)! : set.subsets.get(ANY_ACTION_SUBSET)!;
    if (subset === null) return { lane: "deny", policyId: null, matched: [], reasons: ["no_policy_matched"], errors: [] };
    const principalUid = { type: "Arcan::Composite", id: compositeId(request.principal) };
    const resourceUid = { type: "Arcan::Resource", id: `${request.resource.type}/${request.resource.id}` };
    const { workload } = request.principal;
    const { reads } = subset;
    const principalAttrs = cedarRecord(
      {
        user: request.principal.user,
        agent: request.principal.agent,
        ...(workload ? { workload: { sub: workload.sub, issuer: workload.issuer, attested: workload.attested, ...(workload.network ? { network: workload.network } : {}) } } : {}),
      },
      reads.principal,
    );
    const resourceAttrs = cedarRecord({ ...request.resource.attributes, type: request.resource.type, id: request.resource.id }, reads.resource);
    const context = cedarRecord(request.context, reads.context);
    const key = JSON.stringify([subset.id, principalUid.id, resourceUid.id, request.action, principalAttrs, resourceAttrs, context]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const answer = cedar.statefulIsAuthorized({
      principal: principalUid,
      action: { type: "Arcan::Action", id: request.action },
      resource: resourceUid,
      context,
      preparsedPolicySetId: subset.id,
      entities: [
        { uid: principalUid, attrs: principalAttrs, parents: [] },
        { uid: resourceUid, attrs: resourceAttrs, parents: [] },
      ],
    });
    const outcome = this.outcomeOf(set, answer);
    this.cache.set(key, outcome);
    return outcome;
  }

  private outcomeOf(set: Prepared, answer: AuthorizationAnswer): Outcome {
    if (answer.type === "failure") {
      return { lane: "deny", policyId: null, matched: [], reasons: ["evaluation_error"], errors: answer.errors.map((e) => e.message) };
    }
    const { decision, diagnostics } = answer.response;
    // Cedar reports both lists in no fixed order (it varies between calls); rule order makes outcomes repeatable.
    const byRuleOrder = (a: string, b: string) => (set.order.get(a) ?? 0) - (set.order.get(b) ?? 0);
    const matched = [...diagnostics.reason].sort(byRuleOrder);
    const errors = diagnostics.errors.map((e) => e.policyId).sort(byRuleOrder);
    const rules = matched.map((id) => set.rules.get(id)).filter((r): r is Rule => r !== undefined);
    if (decision === "deny") {
      if (rules.length === 0) return { lane: "deny", policyId: null, matched: [], reasons: ["no_policy_matched"], errors };
      return { lane: "deny", policyId: rules[0]!.id, matched, reasons: reasonsOf(rules), errors };
    }
    const review = rules.find((r) => r.lane === "review");
    if (review) return { lane: "review", policyId: review.id, matched, reasons: reasonsOf(rules.filter((r) => r.lane === "review")), errors };
    return { lane: "allow", policyId: rules[0]?.id ?? null, matched, reasons: reasonsOf(rules), errors };
  }
}

export function compositeId(p: CompositePrincipal): string {
  return `composite/${p.user.id}|${p.agent.id}|${p.workload?.sub ?? "-"}`;
}

function reasonsOf(rules: readonly Rule[]): string[] {
  return rules.map((r) => r.reason ?? `matched ${r.id}`);
}

/**
 * JSON → Cedar values: arrays are sets, objects records. Cedar has no null and no
 * fractions (nulls are dropped, fractions become strings), and keys starting with "__"
 * would be read as entity or extension escapes, so they are dropped too.
 */
function cedarValue(value: unknown): CedarValueJson | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(cedarValue).filter((v): v is CedarValueJson => v !== undefined);
  if (typeof value === "object") return cedarRecord(value as Record<string, unknown>);
  return undefined;
}

/** A record's Cedar form, with only the keys `tree` keeps (the same values wherever a rule can look). */
function cedarRecord(record: Record<string, unknown>, tree: AttributeTree = "all"): Record<string, CedarValueJson> {
  const out: Record<string, CedarValueJson> = {};
  const keys = tree === "all" ? Object.keys(record) : [...tree.keys()].filter((key) => Object.prototype.propertyIsEnumerable.call(record, key));
  for (const key of keys) {
    if (key.startsWith("__")) continue;
    const below = tree === "all" ? "all" : tree.get(key)!;
    const value = record[key];
    const converted = below !== "all" && isPlainObject(value) ? cedarRecord(value, below) : cedarValue(value);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
