"""The facades against the repository's openapi.json: every operation a facade calls is in
the document (or, while its issue has not landed, in the contract); the operations no
facade calls are listed."""

from __future__ import annotations

import json
import os
import re
import sys
import unittest
from typing import Dict

from arcan._operations import FACADE_OPERATIONS

DOCUMENT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "openapi.json")


def document_operations() -> Dict[str, str]:
    if not os.path.exists(DOCUMENT):
        raise unittest.SkipTest("openapi.json is not next to this package (not inside the Arcan repository)")
    with open(DOCUMENT, encoding="utf-8") as f:
        doc = json.load(f)
    return {f"{method.upper()} {normalize(path)}": op["operationId"] for path, methods in doc["paths"].items() for method, op in methods.items()}


def normalize(path: str) -> str:
    """Drops path parameter names: the facades fill parameters by position."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def area(path: str) -> str:
    """The part of a path that names its domain ("/api/v1/realms/{}/leases", "/api/v1/sts").
    Once the document has any operation in an awaited operation's area, the issue has
    landed and the operation must be there too."""
    parts = normalize(path).split("/")
    n = 6 if len(parts) > 4 and parts[3] == "realms" and parts[4] == "{}" else 4
    return "/".join(parts[:n])


def has_area(document: Dict[str, str], a: str) -> bool:
    return any(key.split(" ", 1)[1] == a or key.split(" ", 1)[1].startswith(a + "/") for key in document)


class OperationsTest(unittest.TestCase):
    def test_facades_call_only_documented_operations(self) -> None:
        document = document_operations()
        covered = set()
        for op in FACADE_OPERATIONS:
            key = f"{op.method} {normalize(op.path)}"
            if key in document:
                covered.add(document[key])
            elif op.awaiting and not has_area(document, area(op.path)):
                print(f"{op.facade}: {key} is not in openapi.json yet: awaiting {op.awaiting}", file=sys.stderr)
            else:
                self.fail(f"{op.facade} calls {key}, which openapi.json does not have")
        self.assertTrue(covered, "no facade operation matched the document")
        uncovered = sorted(set(document.values()) - covered)
        print(f"operations no Python facade calls ({len(uncovered)}): {', '.join(uncovered)}", file=sys.stderr)

    def test_areas(self) -> None:
        self.assertEqual(area("/api/v1/realms/{realm}/leases/{id}/renew"), "/api/v1/realms/{}/leases")
        self.assertEqual(area("/api/v1/sts/token"), "/api/v1/sts")
        self.assertEqual(area("/api/v1/authorize"), "/api/v1/authorize")
        self.assertFalse(has_area({"GET /api/v1/realms/{}/secrets": "x"}, "/api/v1/realms/{}/leases"))
        self.assertTrue(has_area({"GET /api/v1/realms/{}/leases/{}": "x"}, "/api/v1/realms/{}/leases"))

    def test_each_operation_is_declared_once(self) -> None:
        keys = [f"{op.method} {op.path}" for op in FACADE_OPERATIONS]
        self.assertEqual(len(keys), len(set(keys)))


if __name__ == "__main__":
    unittest.main()
