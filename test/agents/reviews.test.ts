// Step-up reviews over real HTTPS: a review-lane decision opens one; someone other than the
// delegating user approves (the same request then passes as review:<id>) or denies it;
// the delegating user gets 403 self_review; pending reviews expire; approvals end at ttl.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { allAudit, assertProblem, createToken, openRawStore, startCore, type CreatedToken } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";
import { activate, composite, createPolicy, decide, SEED_POLICY } from "./helpers";

const ESCALATE = { type: "issue", id: "FIN-12" };

for (const store of STORES) {
  describe(`step-up reviews (${store})`, () => {
    let s: TestServer;
    let reviewer: CreatedToken;
    before(async () => {
      s = await startCore(store, { ARCAN_REVIEWS_EXPIRE_AFTER: "4" });
      await activate(s, (await createPolicy(s, SEED_POLICY)).id);
      reviewer = await createToken(s, { capabilities: ["reviews:decide"] });
    });
    after(() => s.cleanup());

    it("opens a pending review with the composite identity; the same request joins it", async () => {
      const principal = composite({ user: "u.review-1" });
      const first = await decide(s, "jira.escalate", ESCALATE, principal);
      assert.equal(first.decision, "review");
      const again = await decide(s, "jira.escalate", ESCALATE, principal);
      assert.equal(again.review_id, first.review_id, "one pending review per request");
      const r = await s.request("GET", `/api/v1/reviews/${first.review_id}`, { token: reviewer.token });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.state, "pending");
      assert.equal(r.body.decision_id, first.decision_id);
      assert.equal(r.body.user.id, "u.review-1");
      assert.equal(r.body.agent.id, "pk-93f");
      assert.equal(r.body.workload.sub, "spiffe://corp/ns/sre/pod.sre-prod-4");
      assert.equal(r.body.task, "reconcile-invoices-q3");
      assert.equal(r.body.action, "jira.escalate");
      assert.deepEqual([r.body.resource.type, r.body.resource.id], ["issue", "FIN-12"]);
      assert.equal(r.body.policy_id, "jira.escalate.review");
      assert.ok(Date.parse(r.body.expires_at) > Date.parse(r.body.requested_at));
      const pending = await s.request("GET", "/api/v1/reviews?state=pending", { token: reviewer.token });
      assert.ok(pending.body.items.some((i: { id: string }) => i.id === first.review_id));
      assert.ok(pending.body.items.every((i: { state: string }) => i.state === "pending"));
      const outsider = await createToken(s, { capabilities: ["audit:read"] });
      assertProblem(await s.request("GET", "/api/v1/reviews", { token: outsider.token }), 403, "missing_capability");
    });

    it("refuses the delegating user's own decision with 403 self_review", async () => {
      const principal = composite({ user: reviewer.subject });
      const d = await decide(s, "jira.escalate", ESCALATE, principal);
      assertProblem(await s.request("POST", `/api/v1/reviews/${d.review_id}/approve`, { token: reviewer.token, body: {} }), 403, "self_review");
      assertProblem(await s.request("POST", `/api/v1/reviews/${d.review_id}/deny`, { token: reviewer.token, body: {} }), 403, "self_review");
      assert.equal((await s.request("GET", `/api/v1/reviews/${d.review_id}`)).body.state, "pending");
      const refused = await allAudit(s, "action=review.approve&outcome=denied");
      assert.ok(refused.some((a) => a.reason === "self_review" && a.resource === `review:${d.review_id}`));
    });

    it("after an approval the same request is allowed as review:<id>, and only that request", async () => {
      const principal = composite({ user: "u.review-2" });
      const d = await decide(s, "jira.escalate", ESCALATE, principal);
      const approved = await s.request("POST", `/api/v1/reviews/${d.review_id}/approve`, { token: reviewer.token, body: { note: "ticket FIN-1234" } });
      assert.equal(approved.status, 200, approved.text);
      assert.deepEqual([approved.body.state, approved.body.decided_by, approved.body.note], ["approved", reviewer.subject, "ticket FIN-1234"]);
      const ttl = Date.parse(approved.body.approved_until) - Date.parse(approved.body.decided_at);
      assert.ok(Math.abs(ttl - 15 * 60_000) < 2000, `default approval ttl is 15 minutes (${ttl} ms)`);
      assertProblem(await s.request("POST", `/api/v1/reviews/${d.review_id}/approve`, { token: reviewer.token, body: {} }), 409, "review_not_pending");

      const now = await decide(s, "jira.escalate", ESCALATE, principal);
      assert.deepEqual([now.decision, now.policy_id], ["allow", `review:${d.review_id}`]);
      const why = await s.request("GET", `/api/v1/decisions/${now.decision_id}`);
      assert.deepEqual([why.body.decision, why.body.lane], ["allow", "review"], "the log keeps what the policy said");
      const otherResource = await decide(s, "jira.escalate", { type: "issue", id: "FIN-13" }, principal);
      assert.equal(otherResource.decision, "review");
      const otherUser = await decide(s, "jira.escalate", ESCALATE, composite({ user: "u.review-3" }));
      assert.equal(otherUser.decision, "review");
      const otherAgent = await decide(s, "jira.escalate", ESCALATE, composite({ user: "u.review-2", agent: "other-agent" }));
      assert.equal(otherAgent.decision, "review");
    });

    it("a denied review stays denied; the same request asks again", async () => {
      const principal = composite({ user: "u.review-4" });
      const d = await decide(s, "jira.escalate", ESCALATE, principal);
      const denied = await s.request("POST", `/api/v1/reviews/${d.review_id}/deny`, { token: reviewer.token, body: { note: "not this quarter" } });
      assert.equal(denied.status, 200, denied.text);
      assert.equal(denied.body.state, "denied");
      assertProblem(await s.request("POST", `/api/v1/reviews/${d.review_id}/approve`, { token: reviewer.token, body: {} }), 409, "review_not_pending");
      const again = await decide(s, "jira.escalate", ESCALATE, principal);
      assert.equal(again.decision, "review");
      assert.notEqual(again.review_id, d.review_id);
      assert.equal((await s.request("GET", `/api/v1/reviews/${d.review_id}`)).body.state, "denied");
    });

    it("an approval ends at its ttl, and a pending review expires after expire_after", async () => {
      const principal = composite({ user: "u.review-5" });
      const d = await decide(s, "jira.escalate", ESCALATE, principal);
      assertProblem(await s.request("POST", `/api/v1/reviews/${d.review_id}/approve`, { token: reviewer.token, body: { ttl: "soon" } }), 400);
      const ok = await s.request("POST", `/api/v1/reviews/${d.review_id}/approve`, { token: reviewer.token, body: { ttl: 1 } });
      assert.equal(ok.status, 200, ok.text);
      assert.equal((await decide(s, "jira.escalate", ESCALATE, principal)).decision, "allow");
      const waiting = await decide(s, "jira.escalate", ESCALATE, composite({ user: "u.review-6" }));
      await sleep(4200);
      const later = await decide(s, "jira.escalate", ESCALATE, principal);
      assert.equal(later.decision, "review", "the approval has ended");
      const expired = await s.request("GET", `/api/v1/reviews/${waiting.review_id}`);
      assert.equal(expired.body.state, "expired");
      assertProblem(await s.request("POST", `/api/v1/reviews/${waiting.review_id}/approve`, { token: reviewer.token, body: {} }), 409, "review_not_pending");
      const list = await s.request("GET", "/api/v1/reviews?state=expired");
      assert.ok(list.body.items.some((i: { id: string }) => i.id === waiting.review_id));
    });

    it("emits decision.review_requested, _approved, _denied and decision.denied events", async () => {
      const raw = await openRawStore(s);
      try {
        const rows = await raw.query<{ type: string; data: string }>('SELECT "type", "data" FROM "OutboxEvent"');
        const types = new Set(rows.map((r) => r.type));
        for (const t of ["decision.review_requested", "decision.review_approved", "decision.review_denied", "policy.created", "policy.activated"]) assert.ok(types.has(t), t);
        const requested = rows.filter((r) => r.type === "decision.review_requested").map((r) => JSON.parse(r.data) as Record<string, unknown>);
        assert.ok(requested.every((d) => typeof d.review_id === "string" && d.action === "jira.escalate" && ["issue/FIN-12", "issue/FIN-13"].includes(String(d.resource))));
      } finally {
        await raw.close();
      }
      await decide(s, "jira.delete", { type: "issue", id: "FIN-1" });
      const raw2 = await openRawStore(s);
      try {
        const denied = await raw2.query<{ data: string }>(`SELECT "data" FROM "OutboxEvent" WHERE "type" = 'decision.denied'`);
        assert.ok(denied.some((r) => (JSON.parse(r.data) as { policy_id: string }).policy_id === "jira.delete.forbid"));
      } finally {
        await raw2.close();
      }
    });
  });
}
