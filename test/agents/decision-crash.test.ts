// Crash test for the decision log: SIGKILL during concurrent POST /api/v1/authorize calls;
// after a restart on the same store every answered decision is in the decision log with
// the answer it was given, its audit entry explains it, and the audit chain verifies.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { allAudit, killMidLoad, startCore } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";
import { activate, authorize, composite, createPolicy, SEED_POLICY } from "./helpers";

const CALLERS = 8;

interface Answered {
  id: string;
  decision: string;
  policyId: string | null;
  action: string;
}

for (const store of STORES) {
  describe(`crash during decisions (${store})`, () => {
    const servers: TestServer[] = [];
    after(async () => {
      for (const s of servers.reverse()) await s.cleanup();
    });

    it("keeps every answered decision and its audit entry after SIGKILL", async () => {
      const s = await startCore(store);
      servers.push(s);
      const seed = await createPolicy(s, SEED_POLICY);
      await activate(s, seed.id);

      const { acks: answered, interrupted } = await killMidLoad<Answered>(s, {
        callers: CALLERS,
        enough: 150,
        call: async (c, i) => {
          // Half allowed by jira_finance.allow, half denied by default.
          const action = i % 2 === 0 ? "jira.read" : "jira.archive";
          const reply = await authorize(s, { principal: composite(), action, resource: { type: "project", id: "FIN-OPS" }, context: { task: `crash-${c}` } });
          return { reply, ack: { id: reply.body?.decision_id, decision: reply.body?.decision, policyId: reply.body?.policy_id, action } };
        },
      });
      assert.ok(interrupted > 0, "the kill interrupted decisions in flight");
      assert.ok(answered.some((a) => a.decision === "allow") && answered.some((a) => a.decision === "deny"));

      const back = await s.restart();
      servers.push(back);
      for (const a of answered) {
        const r = await back.request("GET", `/api/v1/decisions/${a.id}`);
        assert.equal(r.status, 200, `${a.id}: ${r.text}`);
        assert.equal(r.body.decision, a.decision, a.id);
        assert.equal(r.body.policy_id, a.policyId, a.id);
        assert.equal(r.body.action, a.action, a.id);
        assert.equal(r.body.principal.agent.id, "pk-93f");
      }
      const audited = new Map((await allAudit(back, "action=decision.evaluate")).map((e) => [e.details.decision_id, e]));
      for (const a of answered) {
        const entry = audited.get(a.id);
        assert.ok(entry, `audit entry of ${a.id}`);
        assert.equal(entry.details.decision, a.decision);
        assert.equal((entry.details.record as { id?: string } | undefined)?.id, a.id, "the audit entry carries the whole decision");
      }
      const verify = await back.request("GET", "/api/v1/audit/verify");
      assert.equal(verify.status, 200, verify.text);
      assert.equal(verify.body.valid, true, JSON.stringify(verify.body));
    });
  });
}
