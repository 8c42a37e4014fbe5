from __future__ import annotations

import unittest
from typing import List

from arcan import TOKEN_TYPE_JWT

from ._server import ServerTestCase, client, server
from .test_lease import raw

FIN_OPS = {"type": "project", "id": "FIN-OPS"}


def has_reason(reasons: List[str], want: str) -> bool:
    return any(want in r for r in reasons)


class AuthorizeTest(ServerTestCase):
    def test_authorize_with_a_principal(self) -> None:
        c = client()
        principal = {
            "user": {"id": "user:u.olsen", "roles": ["finance"], "groups": []},
            "agent": {"id": "agt_pk93f", "name": "pk-93f", "trust_tier": 2},
            "workload": {"sub": "spiffe://corp/pod.sre-prod-4", "issuer": "k8s-prod", "attested": True, "network": "corp-vpn"},
        }
        decision = c.authorize("jira.delete", FIN_OPS, principal=principal, context={"ticket": "FIN-1"})
        # No policy permits jira.delete: default deny, still a recorded decision.
        self.assertEqual(decision.decision, "deny")
        self.assertTrue(decision.decision_id.startswith("dec_"))
        reader = client(c.tokens.create("caps", capabilities=["secrets:read"]).token)
        self.problem(403, None, reader.authorize, "jira.read", FIN_OPS, token="x")

    def test_sts_exchange_then_authorize(self) -> None:
        c = client()

        err = self.problem(400, None, c.sts.exchange, subject_token="x", actor_token="y", scope=["jira.read:project/FIN-OPS"], task="probe")
        self.assertEqual(err.oauth_error, "invalid_request")

        agent = raw(c, "POST", "/api/v1/agents", {"name": "invoice-reconciler", "trust_tier": 2, "allowed_scopes": ["jira.read:project/FIN-*"]})
        self.assertTrue(agent["credential"].startswith("agt_"))
        issued = c.sts.exchange(subject_token=server().token, actor_token=agent["credential"], scope=["jira.read:project/FIN-OPS"], task="reconcile-invoices-q3")
        self.assertEqual(issued.access_token.count("."), 2)
        self.assertEqual((issued.token_type, issued.issued_token_type, issued.scope), ("Bearer", TOKEN_TYPE_JWT, "jira.read:project/FIN-OPS"))
        self.assertTrue(0 < issued.expires_in <= 900)
        err = self.problem(400, None, c.sts.exchange, subject_token=server().token, actor_token=agent["credential"], scope=["confluence.write:space/FIN-OPS"], task="t")
        self.assertEqual(err.oauth_error, "invalid_scope")

        outside = c.authorize("jira.write", FIN_OPS, token=issued.access_token)
        self.assertEqual(outside.decision, "deny")
        self.assertTrue(has_reason(outside.reasons, "outside_task_scope"), outside.reasons)
        bad = c.authorize("jira.read", FIN_OPS, token=issued.access_token + "x")
        self.assertEqual(bad.decision, "deny")
        self.assertTrue(has_reason(bad.reasons, "token_invalid"), bad.reasons)


if __name__ == "__main__":
    unittest.main()
