from __future__ import annotations

import os
import unittest
from unittest import mock

from arcan import ArcanClient, ArcanError

from ._server import ServerTestCase, client, new_realm, server


class SecretsTest(ServerTestCase):
    def test_round_trip_with_versions_and_cas(self) -> None:
        c = client()
        realm = new_realm(c, "kv")
        self.assertEqual(c.kv.put("DATABASE_URL", "postgres://one", realm=realm).version, 1)
        self.assertEqual(c.kv.put("DATABASE_URL", "postgres://two", realm=realm, cas=1).version, 2)
        err = self.problem(409, "cas_mismatch", c.kv.put, "DATABASE_URL", "postgres://lost", realm=realm, cas=1)
        self.assertTrue(err.is_conflict)
        c.kv.put("NEW_KEY", "x", realm=realm, cas=0)
        self.problem(409, "cas_mismatch", c.kv.put, "NEW_KEY", "y", realm=realm, cas=0)

        self.assertEqual(c.kv.get("DATABASE_URL", realm=realm), "postgres://two")
        self.assertEqual(c.kv.get("DATABASE_URL", realm=realm, version=1), "postgres://one")
        secret = c.kv.read("DATABASE_URL", realm=realm)
        self.assertEqual((secret.key, secret.version), ("DATABASE_URL", 2))
        self.assertEqual([(v.version, v.current) for v in c.kv.versions("DATABASE_URL", realm=realm)], [(2, True), (1, False)])
        first = c.kv.list(realm=realm, limit=1)
        self.assertEqual(len(first.items), 1)
        self.assertIsNotNone(first.next_cursor)
        rest = c.kv.list(realm=realm, cursor=first.next_cursor)
        self.assertEqual(len(rest.items), 1)
        self.assertNotEqual(rest.items[0].key, first.items[0].key)
        self.assertFalse(hasattr(first.items[0], "value"), "lists never carry values")

        c.kv.delete("NEW_KEY", realm=realm)
        self.problem(404, "secret_not_found", c.kv.get, "NEW_KEY", realm=realm)
        err = self.problem(404, "realm_not_found", c.kv.get, "DATABASE_URL", realm="no-such-realm")
        self.assertTrue(err.is_not_found)

        self.assertEqual(client(realm=realm).kv.get("DATABASE_URL"), "postgres://two")
        with mock.patch.dict(os.environ, {"ARCAN_REALM": realm}):
            self.assertEqual(client().kv.get("DATABASE_URL"), "postgres://two", "ARCAN_REALM is the default realm")
        with mock.patch.dict(os.environ, {"ARCAN_REALM": ""}), self.assertRaisesRegex(ValueError, "realm is required"):
            client().kv.get("DATABASE_URL")

    def test_realms(self) -> None:
        c = client()
        name = new_realm(c, "realm")
        self.assertEqual(c.realms.update(name, description="payments").description, "payments")
        self.assertEqual(c.realms.get(name).description, "payments")
        self.assertIn(name, [r.name for r in c.realms.list()])
        self.problem(409, None, c.realms.create, name)
        err = self.problem(400, None, c.realms.create, "Not A Slug")
        self.assertEqual(err.errors[0]["field"], "name")
        c.realms.delete(name)
        self.problem(404, "realm_not_found", c.realms.get, name)


class TransportTest(ServerTestCase):
    def test_tls_options_and_connection_errors(self) -> None:
        s = server()
        untrusted = ArcanClient(url=s.url, token=s.token)
        err = self.problem(0, "connection_failed", untrusted.realms.list)
        self.assertRegex(err.detail, "(?i)certificate")
        self.assertIsNotNone(err.__cause__)
        self.assertIsInstance(ArcanClient(url=s.url + "/", token=s.token, verify=False).realms.list(), list)
        self.problem(0, "connection_failed", ArcanClient(url="https://127.0.0.1:1", verify=False, timeout=5).realms.list)
        with self.assertRaises(ValueError):
            ArcanClient(url="")

    def test_from_env(self) -> None:
        s = server()
        with mock.patch.dict(os.environ, {"ARCAN_ADDR": ""}), self.assertRaisesRegex(ValueError, "ARCAN_ADDR"):
            ArcanClient.from_env()
        with mock.patch.dict(os.environ, {"ARCAN_ADDR": s.url, "ARCAN_TOKEN": s.token, "ARCAN_CACERT": s.ca_cert}):
            self.assertTrue(ArcanClient.from_env().tokens.verify().valid)
            self.assertFalse(ArcanClient.from_env(token="arc_notarealtoken").tokens.verify().valid)
        with mock.patch.dict(os.environ, {"ARCAN_ADDR": s.url, "ARCAN_CACERT": "/nonexistent/ca.pem"}), self.assertRaises(OSError):
            ArcanClient.from_env()

    def test_an_unknown_route_is_an_arcan_error(self) -> None:
        from arcan._operations import Operation

        c = client()
        with self.assertRaises(ArcanError) as caught:
            c._transport.call(Operation("test", "GET", "/api/v1/nothing-here"))
        self.assertEqual((caught.exception.status, caught.exception.code), (404, "route_not_found"))


if __name__ == "__main__":
    unittest.main()
