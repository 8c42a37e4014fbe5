"""Types of the contract operations (api-v1.md) that openapi.json does not describe yet:
leases (issue 9), authorize and the STS (issue 11).

Written by hand from the contract; scripts/sdk-generate.ts does not generate a schema of
the same name again, and a test checks these JSON names against the document's schema
once it has one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional


class _Encodable:
    def to_dict(self) -> Dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}  # type: ignore[call-overload]


@dataclass
class Lease(_Encodable):
    """A dynamic credential, the answer to ``lease.create``; credentials are returned only once."""

    lease_id: str
    engine: str
    role: str
    credentials: Dict[str, Any]
    expires_at: str
    renewable: bool
    issued_at: Optional[str] = None
    #: For example: the TTL asked for was cut to the role's max_ttl.
    warnings: List[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "Lease":
        return cls(d["lease_id"], d.get("engine", ""), d.get("role", ""), d.get("credentials") or {}, d.get("expires_at", ""), bool(d.get("renewable")), d.get("issued_at"), list(d.get("warnings") or []))


@dataclass
class LeaseInfo(_Encodable):
    """A lease without credentials (``lease.get``, ``lease.renew``)."""

    lease_id: str
    engine: str
    role: str
    #: "active", "revoked", "expired" or "revoke_failed".
    state: str
    expires_at: str
    issued_at: Optional[str] = None
    renewed_at: Optional[str] = None
    revoke_attempts: int = 0
    last_error: Optional[str] = None

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "LeaseInfo":
        return cls(d["lease_id"], d.get("engine", ""), d.get("role", ""), d.get("state", ""), d.get("expires_at", ""), d.get("issued_at"), d.get("renewed_at"), int(d.get("revoke_attempts") or 0), d.get("last_error"))


@dataclass
class Decision(_Encodable):
    """The answer to ``authorize``: "allow", "review" or "deny", and why."""

    decision: str
    decision_id: str
    policy_id: Optional[str]
    policy_version: Optional[int]
    reasons: List[Any]
    evaluated_in_us: Optional[int] = None
    #: Set when the decision is "review".
    review_id: Optional[str] = None

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "Decision":
        return cls(d["decision"], d.get("decision_id", ""), d.get("policy_id"), d.get("policy_version"), list(d.get("reasons") or []), d.get("evaluated_in_us"), d.get("review_id"))


@dataclass
class TokenExchangeResponse(_Encodable):
    """The token the STS issued: a short-lived JWT bound to the task."""

    access_token: str
    issued_token_type: str
    token_type: str
    expires_in: int
    #: The granted scopes, space-separated: the intersection of every layer's.
    scope: str

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "TokenExchangeResponse":
        return cls(d["access_token"], d["issued_token_type"], d["token_type"], int(d["expires_in"]), d.get("scope", ""))
