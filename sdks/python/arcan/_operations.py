"""The REST operations the facades call, one declaration each.

Every facade call goes through a declared operation, so ``FACADE_OPERATIONS`` is the
complete list; tests/test_operations.py checks it against openapi.json.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List


@dataclass(frozen=True)
class Operation:
    #: The facade method that calls it, e.g. "kv.get".
    facade: str
    method: str
    #: The document's path template, e.g. "/api/v1/realms/{realm}/secrets/{key}".
    path: str


FACADE_OPERATIONS: List[Operation] = []


def declare(facade: str, method: str, path: str) -> Operation:
    op = Operation(facade, method, path)
    FACADE_OPERATIONS.append(op)
    return op


GET_SECRET = declare("kv.get", "GET", "/api/v1/realms/{realm}/secrets/{key}")
PUT_SECRET = declare("kv.put", "PUT", "/api/v1/realms/{realm}/secrets/{key}")
DELETE_SECRET = declare("kv.delete", "DELETE", "/api/v1/realms/{realm}/secrets/{key}")
LIST_SECRETS = declare("kv.list", "GET", "/api/v1/realms/{realm}/secrets")
LIST_VERSIONS = declare("kv.versions", "GET", "/api/v1/realms/{realm}/secrets/{key}/versions")

CREATE_TOKEN = declare("tokens.create", "POST", "/api/v1/auth/tokens")
LIST_TOKENS = declare("tokens.list", "GET", "/api/v1/auth/tokens")
GET_TOKEN = declare("tokens.get", "GET", "/api/v1/auth/tokens/{id}")
DELETE_TOKEN = declare("tokens.delete", "DELETE", "/api/v1/auth/tokens/{id}")
ROTATE_TOKEN = declare("tokens.rotate", "POST", "/api/v1/auth/tokens/{id}/rotate")
REVOKE_TOKEN = declare("tokens.revoke", "POST", "/api/v1/auth/tokens/{id}/revoke")
VERIFY_TOKEN = declare("tokens.verify", "GET", "/api/v1/auth/verify")

LIST_REALMS = declare("realms.list", "GET", "/api/v1/realms")
CREATE_REALM = declare("realms.create", "POST", "/api/v1/realms")
GET_REALM = declare("realms.get", "GET", "/api/v1/realms/{realm}")
UPDATE_REALM = declare("realms.update", "PATCH", "/api/v1/realms/{realm}")
DELETE_REALM = declare("realms.delete", "DELETE", "/api/v1/realms/{realm}")

CREATE_LEASE = declare("lease.create", "POST", "/api/v1/realms/{realm}/leases")
GET_LEASE = declare("lease.get", "GET", "/api/v1/realms/{realm}/leases/{id}")
RENEW_LEASE = declare("lease.renew", "POST", "/api/v1/realms/{realm}/leases/{id}/renew")
REVOKE_LEASE = declare("lease.revoke", "POST", "/api/v1/realms/{realm}/leases/{id}/revoke")

AUTHORIZE = declare("authorize", "POST", "/api/v1/authorize")
STS_EXCHANGE = declare("sts.exchange", "POST", "/api/v1/sts/token")
