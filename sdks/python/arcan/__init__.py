"""The Arcan Python SDK: a thin client of Arcan's REST API, standard library only.

    client = ArcanClient(url="https://arcan.example.com", token="arc_xxx")
    secret = client.kv.get("DATABASE_URL", realm="myapp")
    creds = client.lease.create("postgres", "readonly", ttl="1h")

Request and response types are generated from Arcan's OpenAPI document (``_types.py``).
"""

from ._client import ArcanClient
from ._errors import ArcanError
from ._resources import TOKEN_TYPE_ACCESS_TOKEN, TOKEN_TYPE_AGENT_CREDENTIAL, TOKEN_TYPE_ID_TOKEN, TOKEN_TYPE_JWT, Decision, Lease, TokenExchangeResponse
from ._transport import VERSION as __version__
from ._types import AuthorizeRequest, LeaseInfo, Problem, Realm, RenewedLease, Secret, SecretList, SecretMetadata, SecretVersion, Token, TokenList, TokenVerification, TokenWithValue

__all__ = [
    "ArcanClient",
    "ArcanError",
    "AuthorizeRequest",
    "Decision",
    "Lease",
    "LeaseInfo",
    "Problem",
    "Realm",
    "RenewedLease",
    "Secret",
    "SecretList",
    "SecretMetadata",
    "SecretVersion",
    "Token",
    "TokenExchangeResponse",
    "TokenList",
    "TokenVerification",
    "TokenWithValue",
    "TOKEN_TYPE_ACCESS_TOKEN",
    "TOKEN_TYPE_AGENT_CREDENTIAL",
    "TOKEN_TYPE_ID_TOKEN",
    "TOKEN_TYPE_JWT",
    "__version__",
]
