import assert from "node:assert/strict";
import { test } from "node:test";
import { PolicyEngine, parsePolicyDocument, validatePolicyDocument, type EvaluationRequest } from "./engine";

const request = (action: string, attributes: Record<string, unknown> = {}): EvaluationRequest => ({
  principal: { user: { id: "u", roles: ["finance"], groups: [] }, agent: { id: "a", name: "a", trust_tier: 2 }, workload: null },
  action,
  resource: { type: "doc", id: "1", attributes },
  context: { task: "t", scopes: [] },
});

test("annotation problems are reported with the rule's id", () => {
  const parsed = parsePolicyDocument(`@id("x") @lane("fast") permit(principal, action, resource);\n@id("x") permit(principal, action, resource);\n@id("f") @lane("review") forbid(principal, action, resource);`);
  assert.ok(parsed.ok);
  const messages = parsed.issues.map((i) => `${i.policy_id}: ${i.message}`);
  assert.ok(messages.some((m) => m.startsWith("x: @lane must be")));
  assert.ok(messages.some((m) => m.startsWith('x: @id("x") is used by more than one policy')));
  assert.ok(messages.some((m) => m.startsWith("f: @lane(\"review\") applies to permit")));
  assert.deepEqual(parsed.rules.map((r) => r.id), ["x", "x#1", "f"], "a duplicate keeps its own key");
});

test("validation types request-independent attributes and leaves request-defined ones alone", () => {
  assert.deepEqual(validatePolicyDocument(`@id("ok") permit(principal, action, resource) when { resource has owner && resource.owner == "x" && context.ticket == "y" };`), { valid: true, errors: [] });
  const typo = validatePolicyDocument(`@id("typo") permit(principal, action, resource) when { principal.agent.trust_tier == "2" };`);
  assert.equal(typo.valid, false);
  assert.equal(typo.errors[0]!.policy_id, "typo");
  assert.equal(validatePolicyDocument(`@id("u") permit(principal, action, resource) when { principal.user.nickname == "x" };`).valid, false);
});

test("forbid wins, review beats allow, nothing matching is a deny", () => {
  const engine = new PolicyEngine();
  const source = `@id("p") permit(principal, action, resource);\n@id("r") @lane("review") @reason("ask") permit(principal, action == Arcan::Action::"doc.share", resource);\n@id("f") forbid(principal, action == Arcan::Action::"doc.delete", resource) unless { resource has keep && resource.keep == false };`;
  const id = "pol_unit_1";
  assert.deepEqual([engine.evaluate(id, source, request("doc.read")).lane, engine.evaluate(id, source, request("doc.read")).policyId], ["allow", "p"]);
  const share = engine.evaluate(id, source, request("doc.share"));
  assert.deepEqual([share.lane, share.policyId, share.reasons], ["review", "r", ["ask"]]);
  assert.deepEqual([engine.evaluate(id, source, request("doc.delete")).lane, engine.evaluate(id, source, request("doc.delete")).policyId], ["deny", "f"]);
  assert.equal(engine.evaluate(id, source, request("doc.delete", { keep: false })).lane, "allow");
  const none = engine.evaluate("pol_unit_2", `@id("only") permit(principal, action == Arcan::Action::"x", resource);`, request("doc.read"));
  assert.deepEqual([none.lane, none.policyId, none.reasons], ["deny", null, ["no_policy_matched"]]);
});

test("request values that Cedar cannot hold are converted, and escapes are dropped", () => {
  const engine = new PolicyEngine();
  const source = `@id("p") permit(principal, action, resource) when { resource.size == "1.5" && !(resource has gone) && resource.ref == {} };`;
  assert.equal(engine.evaluate("pol_unit_3", source, request("doc.read", { size: 1.5, gone: null, ref: { __entity: { type: "Arcan::Resource", id: "x" } } })).lane, "allow");
});

test("per-action subsets decide exactly as the whole set does", async () => {
  const cedar = await import("@cedar-policy/cedar-wasm/nodejs");
  const source = [
    `@id("any") permit(principal, action, resource) when { resource.id == "open" };`,
    `@id("read") permit(principal, action == Arcan::Action::"doc.read", resource);`,
    `@id("two") permit(principal, action in [Arcan::Action::"doc.share", Arcan::Action::"doc.move"], resource) when { principal.agent.trust_tier > 1 };`,
    `@id("nope") forbid(principal, action in Arcan::Action::"doc.move", resource) when { resource.id == "locked" };`,
    `@id("cond") forbid(principal, action, resource) when { action == Arcan::Action::"doc.read" && resource.id == "locked" };`,
  ].join("\n");
  const engine = new PolicyEngine();
  for (const action of ["doc.read", "doc.share", "doc.move", "doc.other"]) {
    for (const id of ["1", "open", "locked"]) {
      const req = { ...request(action), resource: { type: "doc", id, attributes: {} } };
      const ours = engine.evaluate("pol_unit_4", source, req);
      const whole = cedar.isAuthorized({
        principal: { type: "Arcan::Composite", id: "p" },
        action: { type: "Arcan::Action", id: action },
        resource: { type: "Arcan::Resource", id: `doc/${id}` },
        context: {},
        policies: { staticPolicies: Object.fromEntries(source.split("\n").map((t) => [/@id\("([^"]+)"\)/.exec(t)![1]!, t])) },
        entities: [
          { uid: { type: "Arcan::Composite", id: "p" }, attrs: { user: { id: "u", roles: ["finance"], groups: [] }, agent: { id: "a", name: "a", trust_tier: 2 } }, parents: [] },
          { uid: { type: "Arcan::Resource", id: `doc/${id}` }, attrs: { type: "doc", id }, parents: [] },
        ],
      });
      assert.equal(whole.type, "success");
      if (whole.type !== "success") continue;
      assert.deepEqual([...ours.matched].sort(), [...whole.response.diagnostics.reason].sort(), `${action} on ${id}`);
      assert.equal(ours.lane === "deny" ? "deny" : "allow", whole.response.decision, `${action} on ${id}`);
    }
  }
});
