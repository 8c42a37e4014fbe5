// Agent authorization decisions over real HTTPS: Cedar policy versions (validate, activate),
// every lane, default deny, forbid wins, the token form's token_invalid deny, the decision
// log ("why"), replay, simulation deltas and shadow mode.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { allAudit, assertProblem, createToken, startCore } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";
import { activate, authorize, composite, createPolicy, decide, SEED_POLICY } from "./helpers";

const FREEZE_POLICY = `${SEED_POLICY}
@id("fin.freeze")
@reason("quarter-end freeze")
forbid(principal, action == Arcan::Action::"jira.read", resource) when { resource.id == "FIN-OPS" };
`;

for (const store of STORES) {
  describe(`agent authorization decisions (${store})`, () => {
    let s: TestServer;
    let seed: { id: string; version: number };
    before(async () => {
      s = await startCore(store);
    });
    after(() => s.cleanup());

    it("denies everything while no policy version is enforced (default deny)", async () => {
      const d = await decide(s, "jira.read", { type: "project", id: "FIN-OPS" });
      assert.equal(d.decision, "deny");
      assert.equal(d.policy_id, null);
      assert.equal(d.policy_version, null);
      assert.deepEqual(d.reasons, ["no_policy_active"]);
      assert.match(d.decision_id, /^dec_[0-9a-f]{32}$/);
    });

    it("creates numbered drafts, refuses syntax errors, and validates with every error's policy id", async () => {
      seed = await createPolicy(s, SEED_POLICY, "seed 003");
      const got = await s.request("GET", `/api/v1/policies/${seed.id}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.state, "draft");
      assert.equal(got.body.source, SEED_POLICY);
      assert.deepEqual(
        got.body.rules.map((r: { id: string; lane: string | null }) => [r.id, r.lane]),
        [["jira_finance.allow", null], ["jira.escalate.review", "review"], ["jira.delete.allow", null], ["jira.delete.forbid", null]],
      );
      assert.deepEqual((await s.request("POST", `/api/v1/policies/${seed.id}/validate`)).body, { valid: true, errors: [] });

      assertProblem(await s.request("POST", "/api/v1/policies", { body: { source: "permit(principal, action, resource" } }), 400, "policy_parse_error");

      const typed = await createPolicy(s, `@id("tier.typo")\npermit(principal, action == Arcan::Action::"x.y", resource) when { principal.agent.trust_tier > "2" };\n\npermit(principal, action, resource) when { principal.user.nickname == "x" };`);
      assert.equal(typed.version, seed.version + 1, "versions are numbered in order");
      const report = (await s.request("POST", `/api/v1/policies/${typed.id}/validate`)).body;
      assert.equal(report.valid, false);
      const ids = report.errors.map((e: { policy_id: string }) => e.policy_id);
      assert.ok(ids.includes("tier.typo"), `the type error names its policy: ${JSON.stringify(report.errors)}`);
      assert.ok(ids.includes("policy1"), "a policy without @id is reported by position");
      assert.ok(report.errors.some((e: { message: string }) => /@id/.test(e.message)));
      assertProblem(await s.request("POST", `/api/v1/policies/${typed.id}/activate`, { body: { mode: "enforce" } }), 400, "policy_invalid");

      const list = await s.request("GET", "/api/v1/policies");
      assert.deepEqual(list.body.items.map((v: { version: number }) => v.version), [typed.version, seed.version], "newest first");
      assertProblem(await s.request("GET", "/api/v1/policies/pol_00000000000000000000000000000000"), 404, "policy_not_found");
      const schema = await s.request("GET", "/api/v1/policies/schema");
      assert.match(schema.body.schema, /entity Composite/);
    });

    it("decides every lane once a version is enforced: allow, review, forbid wins, default deny", async () => {
      await activate(s, seed.id);
      const allow = await decide(s, "jira.read", { type: "project", id: "FIN-OPS" });
      assert.equal(allow.decision, "allow");
      assert.equal(allow.policy_id, "jira_finance.allow");
      assert.equal(allow.policy_version, seed.version);
      assert.equal(typeof allow.evaluated_in_us, "number");
      assert.ok(allow.evaluated_in_us >= 0 && allow.evaluated_in_us < 5_000_000);

      const other = await decide(s, "jira.read", { type: "project", id: "HR-1" });
      assert.deepEqual([other.decision, other.policy_id, other.reasons], ["deny", null, ["no_policy_matched"]], "nothing matches: default deny");
      const noRole = await decide(s, "jira.read", { type: "project", id: "FIN-OPS" }, composite({ roles: ["engineering"] }));
      assert.equal(noRole.decision, "deny");

      const forbid = await decide(s, "jira.delete", { type: "issue", id: "FIN-12" });
      assert.deepEqual([forbid.decision, forbid.policy_id, forbid.reasons], ["deny", "jira.delete.forbid", ["agents never delete issues"]], "a forbid beats a matching permit");

      const review = await decide(s, "jira.escalate", { type: "issue", id: "FIN-12" });
      assert.equal(review.decision, "review");
      assert.equal(review.policy_id, "jira.escalate.review");
      assert.deepEqual(review.reasons, ["escalations need a human"]);
      assert.match(review.review_id, /^rev_[0-9a-f]{32}$/);
      const lowTier = await decide(s, "jira.escalate", { type: "issue", id: "FIN-12" }, composite({ tier: 1 }));
      assert.equal(lowTier.decision, "deny", "the review rule's condition does not hold for tier 1");
      assert.equal(lowTier.review_id, undefined);
    });

    it("answers a garbage token with a 200 token_invalid deny, and checks the request", async () => {
      const r = await authorize(s, { token: "not-a-jwt", action: "jira.read", resource: { type: "project", id: "FIN-OPS" }, context: {} });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual([r.body.decision, r.body.policy_id, r.body.reasons], ["deny", null, ["token_invalid"]]);
      const why = await s.request("GET", `/api/v1/decisions/${r.body.decision_id}`);
      assert.equal(why.body.principal, null);
      assert.equal(why.body.source, "token");

      const both = await authorize(s, { token: "x", principal: composite(), action: "jira.read", resource: { type: "project", id: "FIN-OPS" } });
      assertProblem(both, 400, "validation_failed");
      assertProblem(await authorize(s, { action: "jira.read", resource: { type: "project", id: "FIN-OPS" } }), 400);
      assertProblem(await authorize(s, { principal: composite(), action: "jira read!", resource: { type: "project", id: "FIN-OPS" } }), 400);
      const reader = await createToken(s, { capabilities: ["audit:read"] });
      assertProblem(await authorize(s, { principal: composite(), action: "jira.read", resource: { type: "project", id: "FIN-OPS" } }, reader.token), 403, "missing_capability");
    });

    it("records every decision: the why trace, the audit entry, per-lane metrics", async () => {
      const d = await decide(s, "jira.read", { type: "project", id: "FIN-OPS", attributes: { owner: "finance" } }, composite(), { ticket: "FIN-77" });
      const why = await s.request("GET", `/api/v1/decisions/${d.decision_id}`);
      assert.equal(why.status, 200, why.text);
      const rec = why.body;
      assert.equal(rec.decision, "allow");
      assert.equal(rec.lane, "allow");
      assert.equal(rec.policy_id, "jira_finance.allow");
      assert.deepEqual(rec.matched, ["jira_finance.allow"]);
      assert.equal(rec.policy_version, seed.version);
      assert.equal(rec.principal.user.id, "u.olsen");
      assert.equal(rec.principal.agent.id, "pk-93f");
      assert.equal(rec.principal.workload.network, "corp-vpn");
      assert.equal(rec.task, "reconcile-invoices-q3");
      assert.deepEqual(rec.resource, { type: "project", id: "FIN-OPS", attributes: { owner: "finance" } });
      assert.equal(rec.context.ticket, "FIN-77");
      assert.equal(rec.context.network, "corp-vpn", "the workload's network is in the context");
      assert.equal(rec.evaluated_in_us, d.evaluated_in_us);
      assertProblem(await s.request("GET", "/api/v1/decisions/dec_00000000000000000000000000000000"), 404, "decision_not_found");

      const audit = await allAudit(s, "action=decision.evaluate");
      const entry = audit.find((a) => a.details.decision_id === d.decision_id);
      assert.ok(entry, "the decision is in the audit chain");
      assert.equal(entry.resource, "project/FIN-OPS");
      assert.equal(entry.details.policy_id, "jira_finance.allow");
      assert.equal(entry.details.composite, "composite/u.olsen|pk-93f|spiffe://corp/ns/sre/pod.sre-prod-4");
      assert.equal((await s.request("GET", "/api/v1/audit/verify")).body.valid, true);

      const metrics = (await s.request("GET", "/metrics", { token: null })).text;
      for (const lane of ["allow", "review", "deny"]) assert.match(metrics, new RegExp(`arcan_decisions_total\\{lane="${lane}"\\} [1-9]`), lane);
    });

    it("replays a recorded decision against the enforced or another version", async () => {
      const d = await decide(s, "jira.read", { type: "project", id: "FIN-OPS" });
      const same = await s.request("POST", `/api/v1/decisions/${d.decision_id}/replay`);
      assert.equal(same.status, 200, same.text);
      assert.equal(same.body.changed, false);
      assert.equal(same.body.after.decision, "allow");
      const freeze = await createPolicy(s, FREEZE_POLICY, "freeze FIN-OPS");
      const changed = await s.request("POST", `/api/v1/decisions/${d.decision_id}/replay`, { body: { policy_id: freeze.id } });
      assert.equal(changed.body.changed, true);
      assert.deepEqual([changed.body.before.decision, changed.body.after.decision, changed.body.after.policy_id, changed.body.after.policy_version], ["allow", "deny", "fin.freeze", freeze.version]);
      const garbage = await authorize(s, { token: "garbage", action: "jira.read", resource: { type: "project", id: "FIN-OPS" } });
      const replayedGarbage = await s.request("POST", `/api/v1/decisions/${garbage.body.decision_id}/replay`, { body: { policy_id: freeze.id } });
      assert.deepEqual(replayedGarbage.body.after.reasons, ["token_invalid"], "a token that did not verify stays denied");
    });

    it("simulates a draft against recorded decisions and reports the deltas", async () => {
      const freeze = await createPolicy(s, FREEZE_POLICY, "freeze again");
      const before = await s.request("POST", `/api/v1/policies/${freeze.id}/simulate`, { body: { limit: 10_000 } });
      assert.equal(before.status, 200, before.text);
      const finOpsAllows = (before.body.examples as { before: string; after: string; resource: string }[]).filter((e) => e.resource === "project/FIN-OPS");
      assert.ok(before.body.replayed >= 5);
      assert.ok(before.body.deltas["allow->deny"] >= 3, JSON.stringify(before.body));
      assert.equal(before.body.changed, before.body.deltas["allow->deny"], "only the FIN-OPS reads change");
      assert.ok(finOpsAllows.every((e) => e.before === "allow" && e.after === "deny"));
      assert.ok(before.body.examples.every((e: { policy_id_after: string }) => e.policy_id_after === "fin.freeze"));
      const none = await s.request("POST", `/api/v1/policies/${freeze.id}/simulate`, { body: { from: new Date(Date.now() + 60_000).toISOString() } });
      assert.deepEqual([none.body.replayed, none.body.changed, none.body.deltas], [0, 0, {}]);
      const window = await s.request("POST", `/api/v1/policies/${freeze.id}/simulate`, { body: { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 1000).toISOString(), limit: 10_000 } });
      assert.equal(window.body.replayed, before.body.replayed, "the last hour holds every decision so far");
      const self = await s.request("POST", `/api/v1/policies/${seed.id}/simulate`, {});
      assert.equal(self.body.changed, 0, "the enforced version changes nothing against its own decisions");
    });

    it("runs a shadow version beside the enforced one and lists the disagreements", async () => {
      const freeze = await createPolicy(s, FREEZE_POLICY, "shadow freeze");
      await activate(s, freeze.id, "shadow");
      const d = await decide(s, "jira.read", { type: "project", id: "FIN-OPS" });
      assert.equal(d.decision, "allow", "the enforced version still decides");
      assert.equal(d.policy_version, seed.version);
      await decide(s, "jira.read", { type: "project", id: "FIN-AP" });
      const report = await s.request("GET", `/api/v1/policies/${freeze.id}/shadow`);
      assert.equal(report.status, 200, report.text);
      assert.equal(report.body.state, "shadow");
      assert.equal(report.body.evaluated, 2);
      assert.equal(report.body.disagreements, 1);
      assert.deepEqual(report.body.deltas, { "allow->deny": 1 });
      assert.deepEqual([report.body.items[0].decision_id, report.body.items[0].shadow, report.body.items[0].policy_id_shadow], [d.decision_id, "deny", "fin.freeze"]);
      const why = await s.request("GET", `/api/v1/decisions/${d.decision_id}`);
      assert.deepEqual(why.body.shadow, { version: freeze.version, decision: "deny", policy_id: "fin.freeze" });

      await activate(s, freeze.id, "enforce");
      const now = await decide(s, "jira.read", { type: "project", id: "FIN-OPS" });
      assert.deepEqual([now.decision, now.policy_id, now.policy_version], ["deny", "fin.freeze", freeze.version]);
      const versions = (await s.request("GET", "/api/v1/policies")).body.items as { id: string; state: string }[];
      assert.equal(versions.filter((v) => v.state === "enforced").length, 1, "one enforced version at a time");
      assert.equal(versions.find((v) => v.id === seed.id)!.state, "retired");
      const events = await allAudit(s, "action=policy.activate");
      assert.ok(events.length >= 3);
    });
  });
}
