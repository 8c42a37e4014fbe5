import assert from "node:assert/strict";
import { test } from "node:test";
import { DecisionCache } from "./decision-cache";
import { PolicyEngine, type EvaluationRequest, type Outcome } from "./engine";

const SOURCE = `@id("keep.forbid") forbid(principal, action, resource) when { resource has keep && resource.keep == true };
@id("finance.allow") permit(principal, action == Arcan::Action::"doc.read", resource) when { principal.user.roles.contains("finance") };`;

const request = (over: { email?: string; roles?: string[]; keep?: boolean; task?: string } = {}): EvaluationRequest => ({
  principal: { user: { id: "u", email: over.email ?? "u@example.com", roles: over.roles ?? ["finance"], groups: [] }, agent: { id: "a", name: "a", trust_tier: 2 }, workload: null },
  action: "doc.read",
  resource: { type: "doc", id: "1", attributes: over.keep === undefined ? {} : { keep: over.keep } },
  context: { task: over.task ?? "t", scopes: [] },
});

test("requests that differ only in attributes no rule reads share one cached outcome", () => {
  const engine = new PolicyEngine();
  const first = engine.evaluate("pol_cache_1", SOURCE, request());
  assert.equal(first.lane, "allow");
  const other = engine.evaluate("pol_cache_1", SOURCE, request({ email: "someone@example.com", task: "another task" }));
  assert.deepEqual(other, first);
  assert.equal(engine.cachedOutcomes, 1);
});

test("attributes a rule reads are decided separately, never from another request's entry", () => {
  const engine = new PolicyEngine();
  const lanes = [request(), request({ keep: true }), request({ keep: false }), request({ roles: ["sales"] }), request({ keep: true })].map((r) => engine.evaluate("pol_cache_2", SOURCE, r));
  assert.deepEqual(lanes.map((o) => [o.lane, o.policyId]), [["allow", "finance.allow"], ["deny", "keep.forbid"], ["allow", "finance.allow"], ["deny", null], ["deny", "keep.forbid"]]);
  assert.equal(engine.cachedOutcomes, 4);
  // Another version of the rules never answers from this version's entries.
  assert.equal(engine.evaluate("pol_cache_3", `@id("none") forbid(principal, action, resource);`, request()).lane, "deny");
});

test("a cached outcome cannot be changed by a caller", () => {
  const engine = new PolicyEngine();
  const outcome = engine.evaluate("pol_cache_4", SOURCE, request());
  assert.throws(() => (outcome as { lane: string }).lane = "deny");
  assert.equal(engine.evaluate("pol_cache_4", SOURCE, request()).lane, "allow");
});

test("the cache keeps at most its capacity, dropping the least recently used", () => {
  const cache = new DecisionCache(2);
  const outcome = (lane: Outcome["lane"]): Outcome => ({ lane, policyId: null, matched: [], reasons: [], errors: [] });
  cache.set("a", outcome("allow"));
  cache.set("b", outcome("deny"));
  assert.equal(cache.get("a")?.lane, "allow"); // a is now the most recent
  cache.set("c", outcome("review"));
  assert.equal(cache.size, 2);
  assert.equal(cache.get("b"), undefined);
  assert.equal(cache.get("a")?.lane, "allow");
  assert.equal(cache.get("c")?.lane, "review");
  const off = new DecisionCache(0);
  off.set("a", outcome("allow"));
  assert.equal(off.get("a"), undefined);
});
