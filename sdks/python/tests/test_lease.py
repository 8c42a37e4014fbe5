from __future__ import annotations

import os
import unittest
from datetime import datetime, timezone
from typing import Any, Optional
from unittest import mock

from arcan import ArcanClient, ArcanError
from arcan._operations import Operation

from ._server import ServerTestCase, client, new_realm, server


def raw(c: ArcanClient, method: str, path: str, body: Optional[Any] = None) -> Any:
    """An endpoint the facades do not wrap (engine mounts, agents), for test setup."""
    return c._transport.call(Operation(f"test {method} {path}", method, path), json_body=body)


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class LeaseTest(ServerTestCase):
    def mount_postgres(self, c: ArcanClient, realm: str) -> None:
        """The shared PostgreSQL (127.0.0.1:5432, trust authentication: any root password is
        accepted) as engine "postgres" with role "readonly" (contract: "Engines and leases")."""
        engine = {"name": "postgres", "type": "postgres", "config": {
            "connection_url": "postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres",
            "username": "postgres",
            "password": "trust-authentication-ignores-it",
            "max_open_connections": 2,
        }}
        raw(c, "POST", f"/api/v1/realms/{realm}/engines", engine)
        raw(c, "POST", f"/api/v1/realms/{realm}/engines/postgres/roles", {
            "name": "readonly",
            "creation_statements": ["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'"],
            "revocation_statements": [],
            "default_ttl": "1h",
            "max_ttl": "24h",
        })

    def test_create_renew_revoke(self) -> None:
        c = client()
        realm = new_realm(c, "lease")
        self.mount_postgres(c, realm)
        creds = c.lease.create("postgres", "readonly", ttl="1h", realm=realm)
        self.assertTrue(creds.lease_id.startswith("lea_"))
        self.assertEqual((creds.engine, creds.role, creds.renewable), ("postgres", "readonly", True))
        self.assertTrue(str(creds.credentials.get("username", "")).startswith("arcan_"))
        self.assertGreaterEqual(len(str(creds.credentials.get("password", ""))), 32)
        left = (parse_time(creds.expires_at) - datetime.now(timezone.utc)).total_seconds()
        self.assertTrue(3480 < left <= 3660, left)

        info = c.lease.get(creds.lease_id, realm=realm)
        self.assertEqual((info.lease_id, info.state), (creds.lease_id, "active"))
        renewed = c.lease.renew(creds.lease_id, increment="2h", realm=realm)
        self.assertGreater(parse_time(renewed.expires_at), parse_time(creds.expires_at))
        c.lease.revoke(creds.lease_id, realm=realm)
        self.assertEqual(c.lease.get(creds.lease_id, realm=realm).state, "revoked")
        with self.assertRaises(ArcanError) as caught:
            c.lease.create("postgres", "no-such-role", realm=realm)
        self.assertIn(caught.exception.status, (400, 404), "an unknown role is a problem")
        self.problem(404, None, c.lease.get, creds.lease_id, realm=new_realm(c, "elsewhere"))

    # Seed 000, Pattern B, unchanged apart from the URL and the token (ARCAN_REALM gives
    # lease.create its realm; SSL_CERT_FILE trusts the server's certificate).
    def test_the_seed_snippet(self) -> None:
        s, admin = server(), client()
        try:
            admin.realms.get("myapp")
        except ArcanError as err:
            if not err.is_not_found:
                raise
            admin.realms.create("myapp")
        admin.kv.put("DATABASE_URL", "postgres://app@db/app", realm="myapp")

        def snippet() -> Any:
            client = ArcanClient(url=s.url, token=s.token)
            secret = client.kv.get("DATABASE_URL", realm="myapp")
            self.assertEqual(secret, "postgres://app@db/app")
            creds = client.lease.create("postgres", "readonly", ttl="1h")
            return creds

        with mock.patch.dict(os.environ, {"ARCAN_REALM": "myapp", "SSL_CERT_FILE": s.ca_cert}):
            try:
                creds = snippet()
            except ArcanError:
                # No "postgres" engine in myapp yet: mount it, and run the snippet again.
                self.mount_postgres(admin, "myapp")
                creds = snippet()
        self.assertTrue(creds.lease_id.startswith("lea_"))
        admin.lease.revoke(creds.lease_id, realm="myapp")


if __name__ == "__main__":
    unittest.main()
