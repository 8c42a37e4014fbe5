from __future__ import annotations

import time
import unittest
from datetime import datetime, timezone

from ._server import ServerTestCase, client, new_realm


class TokensTest(ServerTestCase):
    def test_capabilities_verification_rotation_and_revocation(self) -> None:
        c = client()
        realm, other = new_realm(c, "tok"), new_realm(c, "other")
        c.kv.put("API_KEY", "k1", realm=realm)
        created = c.tokens.create("ci-pipeline", ttl="90d", capabilities=["secrets:read", "leases:create"], realms=[realm])
        self.assertTrue(created.token.startswith("arc_"))
        self.assertEqual(created.capabilities, ["secrets:read", "leases:create"])
        assert created.expires_at is not None
        expires = datetime.fromisoformat(created.expires_at.replace("Z", "+00:00"))
        self.assertLess(abs((expires - datetime.now(timezone.utc)).total_seconds() - 90 * 86400), 60)

        ci = client(created.token, realm=realm)
        self.assertEqual(ci.kv.get("API_KEY"), "k1")
        denied = self.problem(403, "missing_capability", ci.kv.put, "API_KEY", "k2")
        self.assertTrue(denied.is_forbidden)
        self.assertIn("secrets:write", denied.detail)
        self.problem(404, "realm_not_found", ci.kv.get, "API_KEY", realm=other)

        verification = ci.tokens.verify()
        self.assertTrue(verification.valid)
        assert verification.token_info is not None
        self.assertEqual(verification.token_info.name, "ci-pipeline")
        self.assertFalse(client("").tokens.verify().valid)
        self.assertEqual(c.tokens.get(created.id).name, "ci-pipeline")
        self.assertIn(created.id, [t.id for t in c.tokens.list(limit=500).items])

        rotated = c.tokens.rotate(created.id)
        self.assertEqual(rotated.id, created.id)
        self.assertNotEqual(rotated.token, created.token)
        self.assertTrue(self.problem(401, None, ci.kv.get, "API_KEY").is_unauthorized)
        self.assertEqual(c.tokens.revoke(created.id).status, "revoked")
        self.problem(401, "token_revoked", client(rotated.token, realm=realm).kv.get, "API_KEY")
        c.tokens.delete(created.id)
        self.problem(404, None, c.tokens.get, created.id)

    def test_rate_limit_with_retry_after(self) -> None:
        c = client()
        realm = new_realm(c, "rl")
        c.kv.put("K", "v", realm=realm)
        slow = c.tokens.create("one-per-second", capabilities=["secrets:read"], realms=[realm], rate_limit=1)
        plain = client(slow.token, realm=realm)
        limited = None
        for _ in range(5):
            try:
                plain.kv.get("K")
            except Exception as err:  # the assertion below names what it must be
                limited = err
                break
        self.assertIsNotNone(limited, "five reads at once exceed 1/s")
        self.assertEqual((getattr(limited, "status", None), getattr(limited, "code", None)), (429, "rate_limited"))
        self.assertGreaterEqual(getattr(limited, "retry_after", 0), 1)

        patient = client(slow.token, realm=realm, retries=3, max_retry_wait=5)
        start = time.monotonic()
        for _ in range(3):
            self.assertEqual(patient.kv.get("K"), "v")
        self.assertGreaterEqual(time.monotonic() - start, 1.0, "three reads at 1/s wait for Retry-After")


if __name__ == "__main__":
    unittest.main()
