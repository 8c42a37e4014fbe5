// Scope intersection as properties (fast-check): what the STS grants is always a subset of
// the requested scopes and is covered by every layer (agent, user issuer, workload issuer),
// never more; a layer that does not narrow (null) changes nothing; and coverage between
// scopes agrees with coverage of concrete actions on resources.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { intersectScopes, isScope, scopeCovers, scopeCoversScope } from "../../server/agents/scopes";

const segment = fc.constantFrom("jira", "confluence", "github", "FIN", "FIN-OPS", "FIN-A", "x");
const action = fc.tuple(fc.constantFrom("jira", "github"), fc.constantFrom("read", "write")).map(([a, b]) => `${a}.${b}`);
const resource = fc.tuple(fc.constantFrom("project", "space", "repo"), segment).map(([t, id]) => `${t}/${id}`);
const concrete = fc.tuple(action, resource).map(([a, r]) => `${a}:${r}`);
/** A concrete scope, or a wildcard made by cutting one anywhere and adding `*`. */
const scope = fc.oneof(concrete, fc.tuple(concrete, fc.nat()).map(([c, n]) => `${c.slice(0, n % (c.length + 1))}*`));
const layer = fc.option(fc.array(scope, { maxLength: 6 }), { nil: null, freq: 4 });

describe("scope intersection", () => {
  it("grants only requested scopes that every layer covers", () => {
    fc.assert(
      fc.property(fc.array(scope, { maxLength: 8 }), fc.array(layer, { minLength: 1, maxLength: 3 }), (requested, layers) => {
        const granted = intersectScopes(requested, layers);
        for (const g of granted) {
          assert.ok(requested.includes(g), "granted ⊆ requested");
          for (const l of layers) if (l !== null) assert.ok(l.some((a) => scopeCoversScope(a, g)), "granted ⊆ each layer");
        }
        for (const r of requested) {
          const everyLayer = layers.every((l) => l === null || l.some((a) => scopeCoversScope(a, r)));
          assert.equal(granted.includes(r), everyLayer, "nothing coverable is dropped");
        }
        assert.equal(new Set(granted).size, granted.length, "no duplicates");
      }),
      { numRuns: 500 },
    );
  });

  it("never grants an action on a resource that some layer does not allow", () => {
    fc.assert(
      fc.property(fc.array(scope, { maxLength: 6 }), fc.array(layer, { minLength: 1, maxLength: 3 }), action, resource, (requested, layers, a, r) => {
        const granted = intersectScopes(requested, layers);
        if (granted.some((g) => scopeCovers(g, a, r))) {
          for (const l of layers) if (l !== null) assert.ok(l.some((s) => scopeCovers(s, a, r)), `${a} on ${r} is allowed by every layer`);
          assert.ok(requested.some((s) => scopeCovers(s, a, r)), "and was requested");
        }
      }),
      { numRuns: 500 },
    );
  });

  it("scope-over-scope coverage implies coverage of every action the narrower one covers", () => {
    fc.assert(
      fc.property(scope, scope, action, resource, (wide, narrow, a, r) => {
        if (scopeCoversScope(wide, narrow) && scopeCovers(narrow, a, r)) assert.ok(scopeCovers(wide, a, r));
      }),
      { numRuns: 2000 },
    );
  });

  it("matches the contract's examples", () => {
    assert.ok(scopeCovers("jira.read:project/FIN-*", "jira.read", "project/FIN-OPS"));
    assert.ok(!scopeCovers("jira.read:project/FIN-*", "jira.write", "project/FIN-OPS"));
    assert.ok(!scopeCovers("jira.read:project/FIN-*", "jira.read", "project/HR-1"));
    assert.ok(scopeCovers("confluence.write:space/FIN-OPS", "confluence.write", "space/FIN-OPS"));
    assert.ok(!scopeCovers("confluence.write:space/FIN-OPS", "confluence.write", "space/FIN-OPS-2"));
    assert.ok(scopeCoversScope("jira.read:project/*", "jira.read:project/FIN-*"));
    assert.ok(!scopeCoversScope("jira.read:project/FIN-*", "jira.read:project/*"), "a wider request is not covered");
    assert.deepEqual(intersectScopes(["jira.read:project/FIN-OPS", "github.read:repo/x"], [["jira.read:project/FIN-*"], null]), ["jira.read:project/FIN-OPS"]);
    for (const good of ["jira.read:project/FIN-*", "a.b:c/d", "jira.*", "*"]) assert.ok(isScope(good), good);
    for (const bad of ["", "jira read:project/x", "a:b/c*d", "jira.read", "a:b/**"]) assert.ok(!isScope(bad), bad);
  });
});
