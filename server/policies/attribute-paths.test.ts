// node --import tsx --test server/policies/attribute-paths.test.ts
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { attributesRead, mergeReads, type AttributeTree, type ReadAttributes } from "./attribute-paths";
import { PolicyEngine, type EvaluationRequest, type Outcome } from "./engine";

type Plain = "all" | { [key: string]: Plain };
const plain = (tree: AttributeTree): Plain => (tree === "all" ? "all" : Object.fromEntries([...tree].map(([k, v]) => [k, plain(v)])));
const readsPlain = (reads: ReadAttributes) => ({ principal: plain(reads.principal), resource: plain(reads.resource), context: plain(reads.context) });

function readsOf(text: string) {
  const json = cedar.policyToJson(text);
  if (json.type !== "success") throw new Error(`does not parse: ${text}`);
  return readsPlain(attributesRead(json.json));
}

describe("attributesRead", () => {
  it("follows nested paths and keeps only what they reach", () => {
    assert.deepEqual(readsOf(`permit(principal, action, resource) when { principal.user.roles.contains("x") && resource.meta.owner.team == "blue" && context.ticket.state like "op*" };`), {
      principal: { user: { roles: "all" } },
      resource: { meta: { owner: { team: "all" } } },
      context: { ticket: { state: "all" } },
    });
  });

  it("keeps the keys `has` asks about, without their contents", () => {
    assert.deepEqual(readsOf(`permit(principal, action, resource) when { resource has meta.owner && context has ticket && principal has workload };`), {
      principal: { workload: {} },
      resource: { meta: { owner: {} } },
      context: { ticket: {} },
    });
  });

  it("keeps a whole record that is compared or looked up as a value", () => {
    assert.deepEqual(readsOf(`permit(principal, action, resource) when { principal.agent == {id: "a", name: "n", trust_tier: 1} && [{team: "b"}].contains(resource.meta.owner) && resource.meta.size > 1 };`), {
      principal: { agent: "all" },
      resource: { meta: { owner: "all", size: "all" } },
      context: {},
    });
  });

  it("keeps all of the context when it is used whole", () => {
    assert.deepEqual(readsOf(`permit(principal, action, resource) when { context == {task: "t"} };`).context, "all");
    assert.deepEqual(readsOf(`permit(principal, action, resource) when { {c: context}.c.task == "t" };`).context, "all");
  });

  it("needs nothing for plain scopes and entity comparisons", () => {
    assert.deepEqual(readsOf(`permit(principal, action, resource);`), { principal: {}, resource: {}, context: {} });
    assert.deepEqual(readsOf(`permit(principal, action, resource) when { action == Arcan::Action::"x" && principal != resource && resource is Arcan::Resource };`), { principal: {}, resource: {}, context: {} });
  });

  it("keeps every entity attribute when a lookup does not start at a variable", () => {
    const literal = readsOf(`permit(principal, action, resource) when { Arcan::Resource::"doc/1".owner == "u" && context.a == 1 };`);
    assert.deepEqual(literal, { principal: "all", resource: "all", context: { a: "all" } });
    const chosen = readsOf(`permit(principal, action, resource) when { (if context.flag then principal else resource).id == "x" };`);
    assert.deepEqual(chosen, { principal: "all", resource: "all", context: { flag: "all" } });
  });

  it("merges the reads of a set's rules", () => {
    const a = cedar.policyToJson(`permit(principal, action, resource) when { resource has meta.owner && principal.user.id == "u" };`);
    const b = cedar.policyToJson(`permit(principal, action, resource) when { resource.meta == {} && principal.user.email like "*@x" };`);
    assert.ok(a.type === "success" && b.type === "success");
    assert.deepEqual(readsPlain(mergeReads([attributesRead(a.json), attributesRead(b.json)])), {
      principal: { user: { id: "all", email: "all" } },
      resource: { meta: "all" },
      context: {},
    });
  });
});

const POLICIES = [
  `@id("read.role") permit(principal, action == Arcan::Action::"doc.read", resource) when { principal.user.roles.contains("reader") && resource.type == "doc" };`,
  `@id("owner") permit(principal, action, resource) when { resource has owner && resource.owner == principal.user.id };`,
  `@id("email") permit(principal, action == Arcan::Action::"doc.read", resource) when { principal.user has email && principal.user.email like "*@corp.example" };`,
  `@id("agent.exact") permit(principal, action in [Arcan::Action::"doc.read", Arcan::Action::"doc.edit"], resource) when { principal.agent == {id: "a1", name: "bot", trust_tier: 2} };`,
  `@id("share.review") @lane("review") @reason("sharing needs a person") permit(principal, action == Arcan::Action::"doc.share", resource) when { principal.agent.trust_tier >= 1 };`,
  `@id("nested") permit(principal, action == Arcan::Action::"doc.edit", resource) when { resource.meta.owner.team == "blue" && context.ticket.state == "open" };`,
  `@id("labels") forbid(principal, action, resource) when { resource has labels && resource.labels.contains("secret") && !principal.user.groups.contains("cleared") };`,
  `@id("unattested") forbid(principal, action == Arcan::Action::"doc.edit", resource) when { principal has workload && !principal.workload.attested };`,
  `@id("urgent") @reason("urgent share") permit(principal, action == Arcan::Action::"doc.share", resource) when { if context has urgent then context.urgent == true else principal.user.roles.contains("admin") };`,
  `@id("red.meta") forbid(principal, action, resource) when { resource has meta && resource.meta has owner && resource.meta.owner == {team: "red"} };`,
  `@id("blue.owner") permit(principal, action == Arcan::Action::"doc.share", resource) when { [{team: "blue"}, {team: "blue", name: "b"}].contains(resource.meta.owner) };`,
  `@id("exact.context") permit(principal, action == Arcan::Action::"doc.read", resource) when { context == {task: "t", scopes: []} };`,
  `@id("night") forbid(principal, action, resource) when { context has after_hours && context.after_hours };`,
  `@id("level") permit(principal, action == Arcan::Action::"doc.edit", resource) when { principal.user.level > 3 };`,
  `@id("project") @lane("review") permit(principal, action, resource) when { resource.id like "P-*" && resource.kind == "project" && principal.workload.network == "corp" };`,
].join("\n");

const KEYS = ["owner", "meta", "labels", "kind", "team", "name", "state", "ticket", "urgent", "after_hours", "level", "extra", "__entity"];
const leaf = fc.oneof(fc.constantFrom("blue", "red", "u1", "u2", "secret", "open", "project", "corp", ""), fc.integer({ min: -2, max: 6 }), fc.boolean(), fc.constant(null), fc.constant(1.5));
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, fc.array(tie("json"), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...KEYS), tie("json"), { maxKeys: 4 })),
}));
const attributes = fc.dictionary(fc.constantFrom(...KEYS), json, { maxKeys: 5 }) as fc.Arbitrary<Record<string, unknown>>;
const pick = <T>(values: readonly T[]) => fc.subarray([...values]);

const requests: fc.Arbitrary<EvaluationRequest> = fc.record({
  principal: fc.record({
    user: fc
      .tuple(fc.constantFrom("u1", "u2"), fc.option(fc.constantFrom("a@corp.example", "b@else.org"), { nil: undefined }), pick(["reader", "admin", "x"]), pick(["cleared", "blue"]), attributes)
      .map(([id, email, roles, groups, extra]) => ({ ...extra, id, roles, groups, ...(email === undefined ? {} : { email }) })),
    agent: fc.record({ id: fc.constantFrom("a1", "a2"), name: fc.constantFrom("bot", "x"), trust_tier: fc.integer({ min: 0, max: 3 }) }),
    workload: fc.option(fc.record({ sub: fc.constantFrom("spiffe://w/1"), issuer: fc.constantFrom("https://spire"), attested: fc.boolean(), network: fc.constantFrom("corp", "home", null) }), { nil: null }),
  }),
  action: fc.constantFrom("doc.read", "doc.edit", "doc.share", "doc.other"),
  resource: fc.record({ type: fc.constantFrom("doc", "project"), id: fc.constantFrom("1", "P-1", "P-2"), attributes }),
  context: fc.oneof(fc.constant({ task: "t", scopes: [] }), attributes),
});

describe("attribute pruning", () => {
  it("decides every request exactly as converting every attribute does", () => {
    const pruned = new PolicyEngine();
    const full = new PolicyEngine({ pruneAttributes: false });
    const seen = new Set<string>();
    const note = (o: Outcome) => {
      seen.add(o.lane);
      if (o.errors.length > 0) seen.add("errors");
    };
    fc.assert(
      fc.property(requests, (request) => {
        const expected = full.evaluate("pol_prune", POLICIES, request);
        note(expected);
        assert.deepEqual(pruned.evaluate("pol_prune", POLICIES, request), expected);
      }),
      { numRuns: 1500 },
    );
    assert.deepEqual([...seen].sort(), ["allow", "deny", "errors", "review"], "the requests reach every lane and some rule errors");
  });
});
