"""The facades against the repository's openapi.json: every operation a facade calls is in
the document; the operations no facade calls are listed."""

from __future__ import annotations

import json
import os
import re
import sys
import unittest
from typing import Dict, Iterable, List

from arcan._operations import FACADE_OPERATIONS, GET_LEASE, Operation

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


def undocumented(document: Dict[str, str], operations: Iterable[Operation]) -> List[str]:
    """The operations that are not in the document, as "facade: METHOD path"."""
    return [f"{op.facade}: {op.method} {normalize(op.path)}" for op in operations if f"{op.method} {normalize(op.path)}" not in document]


class OperationsTest(unittest.TestCase):
    def test_facades_call_only_documented_operations(self) -> None:
        document = document_operations()
        self.assertEqual(undocumented(document, FACADE_OPERATIONS), [], "facades call operations openapi.json does not have")
        covered = {document[f"{op.method} {normalize(op.path)}"] for op in FACADE_OPERATIONS}
        self.assertTrue(covered, "no facade operation matched the document")
        uncovered = sorted(set(document.values()) - covered)
        print(f"operations no Python facade calls ({len(uncovered)}): {', '.join(uncovered)}", file=sys.stderr)

    def test_an_operation_missing_from_the_document_is_reported(self) -> None:
        ghost = Operation("lease.ghost", "POST", "/api/v1/realms/{realm}/leases/{id}/ghost")
        self.assertEqual(undocumented(document_operations(), [GET_LEASE, ghost]), ["lease.ghost: POST /api/v1/realms/{}/leases/{}/ghost"])

    def test_each_operation_is_declared_once(self) -> None:
        keys = [f"{op.method} {op.path}" for op in FACADE_OPERATIONS]
        self.assertEqual(len(keys), len(set(keys)))


if __name__ == "__main__":
    unittest.main()
