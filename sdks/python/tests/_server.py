"""The real Arcan server the suite runs against.

The one named by ARCAN_TEST_ADDR, ARCAN_TEST_TOKEN and ARCAN_TEST_CACERT (test/sdks/python.test.ts
sets them), or else one started once per run with the repository's launcher
(test/helpers/launch.ts) and stopped when the run ends.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import time
import unittest
from dataclasses import dataclass
from typing import Any, Optional

from arcan import ArcanClient, ArcanError

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


@dataclass
class Server:
    url: str
    token: str
    ca_cert: str


_server: Optional[Server] = None
_skip_reason = ""


def server() -> Server:
    global _server, _skip_reason
    if _server is None and not _skip_reason:
        if os.environ.get("ARCAN_TEST_ADDR"):
            _server = Server(os.environ["ARCAN_TEST_ADDR"], os.environ.get("ARCAN_TEST_TOKEN", ""), os.environ.get("ARCAN_TEST_CACERT", ""))
        elif os.path.exists(os.path.join(ROOT, "test", "helpers", "launch.ts")):
            _server = _launch()
        else:
            _skip_reason = "no Arcan server: set ARCAN_TEST_ADDR, ARCAN_TEST_TOKEN and ARCAN_TEST_CACERT, or run inside the Arcan repository"
    if _server is None:
        raise unittest.SkipTest(_skip_reason)
    return _server


def _launch() -> Server:
    proc = subprocess.Popen(["node", "--import", "tsx", "test/helpers/launch.ts"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdin is not None
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError("the Arcan launcher printed no server")
    info = json.loads(line)

    def stop() -> None:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()

    atexit.register(stop)
    return Server(info["url"], info["token"], info["ca_cert"])


def client(token: Optional[str] = None, **options: Any) -> ArcanClient:
    s = server()
    return ArcanClient(url=s.url, token=s.token if token is None else token, ca_cert=s.ca_cert, **options)


def new_realm(c: ArcanClient, prefix: str) -> str:
    name = f"{prefix}-{time.time_ns() % 1_000_000_000}"
    c.realms.create(name)
    return name


class ServerTestCase(unittest.TestCase):
    def problem(self, status: int, code: Optional[str], call: Any, *args: Any, **kwargs: Any) -> ArcanError:
        """Runs call, which must fail with an ArcanError of that status (and code)."""
        with self.assertRaises(ArcanError) as caught:
            call(*args, **kwargs)
        err = caught.exception
        self.assertEqual(err.status, status, f"{err.code}: {err.detail}")
        if code:
            self.assertEqual(err.code, code)
        if status:
            self.assertTrue(err.request_id and err.request_id.startswith("req_"), err.request_id)
            self.assertTrue(err.title and err.detail)
            self.assertEqual((err.problem or {}).get("status"), status)
        return err
