"""The facade's resources: thin wrappers over the REST operations, one class per API area."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from . import _operations as ops
from ._errors import ArcanError
from ._transport import Transport, compact, duration
from ._types import (
    AuthorizeResponse,
    CreatedLease,
    CreateLeaseRequest,
    LeaseInfo,
    Realm,
    RealmList,
    RenewedLease,
    RenewLeaseRequest,
    Secret,
    SecretList,
    SecretMetadata,
    SecretVersion,
    SecretVersionList,
    StsTokenRequest,
    StsTokenResponse,
    Token,
    TokenList,
    TokenVerification,
    TokenWithValue,
)

#: A dynamic credential, the answer to ``lease.create`` (the document's CreatedLease); the
#: credentials are returned only this once. The document's Lease, without them, is LeaseInfo.
Lease = CreatedLease
#: The answer to ``authorize`` (the document's AuthorizeResponse).
Decision = AuthorizeResponse
#: The token the STS issued (the document's StsTokenResponse).
TokenExchangeResponse = StsTokenResponse

Duration = Union[str, int, timedelta]
RealmOf = Callable[[Optional[str]], str]

TOKEN_TYPE_ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"
TOKEN_TYPE_ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
TOKEN_TYPE_JWT = "urn:ietf:params:oauth:token-type:jwt"
TOKEN_TYPE_AGENT_CREDENTIAL = "urn:arcan:params:oauth:token-type:agent_credential"
GRANT_TYPE_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"


class Kv:
    """The realm's key/value secrets engine (versioned, encrypted at rest)."""

    def __init__(self, transport: Transport, realm_of: RealmOf) -> None:
        self._t, self._realm = transport, realm_of

    def get(self, key: str, *, realm: Optional[str] = None, version: Optional[int] = None) -> str:
        """The secret's value; ``read`` returns it with its version and timestamps."""
        return self.read(key, realm=realm, version=version).value

    def read(self, key: str, *, realm: Optional[str] = None, version: Optional[int] = None) -> Secret:
        return Secret.from_dict(self._t.call(ops.GET_SECRET, (self._realm(realm), key), query={"version": version}))

    def put(self, key: str, value: str, *, realm: Optional[str] = None, cas: Optional[int] = None) -> SecretMetadata:
        """Writes a new version. ``cas``: the version you expect to be current (0: the key must
        not exist); ArcanError 409 ``cas_mismatch`` otherwise."""
        body = compact({"value": value, "cas": cas})
        return SecretMetadata.from_dict(self._t.call(ops.PUT_SECRET, (self._realm(realm), key), json_body=body))

    def delete(self, key: str, *, realm: Optional[str] = None) -> None:
        self._t.call(ops.DELETE_SECRET, (self._realm(realm), key))

    def list(self, *, realm: Optional[str] = None, limit: Optional[int] = None, cursor: Optional[str] = None) -> SecretList:
        """One page of keys and metadata (never values); pass ``next_cursor`` back as ``cursor``."""
        return SecretList.from_dict(self._t.call(ops.LIST_SECRETS, (self._realm(realm),), query={"limit": limit, "cursor": cursor}))

    def versions(self, key: str, *, realm: Optional[str] = None) -> List[SecretVersion]:
        """The secret's versions, newest first, without values."""
        return SecretVersionList.from_dict(self._t.call(ops.LIST_VERSIONS, (self._realm(realm), key))).items


class Tokens:
    """API tokens. A token's value is returned only by ``create`` and ``rotate``."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def create(
        self,
        name: str,
        *,
        ttl: Optional[Duration] = None,
        capabilities: Optional[Sequence[str]] = None,
        realms: Optional[Sequence[str]] = None,
        description: Optional[str] = None,
        is_admin: Optional[bool] = None,
        rate_limit: Optional[int] = None,
    ) -> TokenWithValue:
        body = compact({
            "name": name,
            "ttl": None if ttl is None else duration(ttl),
            "capabilities": None if capabilities is None else list(capabilities),
            "realms": None if realms is None else list(realms),
            "description": description,
            "is_admin": is_admin,
            "rate_limit": rate_limit,
        })
        return TokenWithValue.from_dict(self._t.call(ops.CREATE_TOKEN, json_body=body))

    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> TokenList:
        return TokenList.from_dict(self._t.call(ops.LIST_TOKENS, query={"limit": limit, "cursor": cursor}))

    def get(self, token_id: str) -> Token:
        return Token.from_dict(self._t.call(ops.GET_TOKEN, (token_id,)))

    def rotate(self, token_id: str) -> TokenWithValue:
        """A new value, same id and permissions; the old value stops working at once."""
        return TokenWithValue.from_dict(self._t.call(ops.ROTATE_TOKEN, (token_id,)))

    def revoke(self, token_id: str) -> Token:
        return Token.from_dict(self._t.call(ops.REVOKE_TOKEN, (token_id,)))

    def delete(self, token_id: str) -> None:
        self._t.call(ops.DELETE_TOKEN, (token_id,))

    def verify(self) -> TokenVerification:
        """Checks the client's own token: ``valid`` is False when it is missing, invalid, expired or revoked."""
        try:
            return TokenVerification.from_dict(self._t.call(ops.VERIFY_TOKEN))
        except ArcanError as err:
            if err.status == 401:
                return TokenVerification(valid=False)
            raise


class Realms:
    """Realms, the tenants that own secrets, engines and leases."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def list(self) -> List[Realm]:
        return RealmList.from_dict(self._t.call(ops.LIST_REALMS)).items

    def create(self, name: str, *, description: Optional[str] = None) -> Realm:
        return Realm.from_dict(self._t.call(ops.CREATE_REALM, json_body=compact({"name": name, "description": description})))

    def get(self, name: str) -> Realm:
        return Realm.from_dict(self._t.call(ops.GET_REALM, (name,)))

    def update(self, name: str, *, description: str) -> Realm:
        return Realm.from_dict(self._t.call(ops.UPDATE_REALM, (name,), json_body={"description": description}))

    def delete(self, name: str) -> None:
        """Deletes the realm with its secrets and bindings."""
        self._t.call(ops.DELETE_REALM, (name,))


class LeaseResource:
    """Dynamic credentials from a mounted engine (postgres, plugins)."""

    def __init__(self, transport: Transport, realm_of: RealmOf) -> None:
        self._t, self._realm = transport, realm_of

    def create(self, engine: str, role: str, *, ttl: Optional[Duration] = None, realm: Optional[str] = None) -> Lease:
        """Issues credentials; the role's max_ttl caps ``ttl``. They are returned only this once."""
        body = CreateLeaseRequest(engine=engine, role=role, ttl=None if ttl is None else duration(ttl))
        return Lease.from_dict(self._t.call(ops.CREATE_LEASE, (self._realm(realm),), json_body=body.to_dict()))

    def get(self, lease_id: str, *, realm: Optional[str] = None) -> LeaseInfo:
        return LeaseInfo.from_dict(self._t.call(ops.GET_LEASE, (self._realm(realm), lease_id)))

    def renew(self, lease_id: str, *, increment: Optional[Duration] = None, realm: Optional[str] = None) -> RenewedLease:
        """Extends the lease from now, never past its issue time plus the role's max_ttl
        (``warnings`` says when that cut it)."""
        body = RenewLeaseRequest(increment=None if increment is None else duration(increment))
        return RenewedLease.from_dict(self._t.call(ops.RENEW_LEASE, (self._realm(realm), lease_id), json_body=body.to_dict()))

    def revoke(self, lease_id: str, *, realm: Optional[str] = None) -> None:
        """Drops the credentials in the external system before it returns."""
        self._t.call(ops.REVOKE_LEASE, (self._realm(realm), lease_id))


class Sts:
    """Arcan's security token service (RFC 8693 token exchange)."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def exchange(
        self,
        *,
        subject_token: str,
        actor_token: str,
        scope: Sequence[str],
        task: str,
        workload_token: Optional[str] = None,
        subject_token_type: str = TOKEN_TYPE_ACCESS_TOKEN,
        audience: Optional[str] = None,
        requested_ttl: Optional[Duration] = None,
    ) -> TokenExchangeResponse:
        """A short-lived token for ``task`` with the intersection of the scopes every layer
        (user, agent, workload) allows. The tokens given authenticate the request; the
        client's own token is not sent."""
        form = StsTokenRequest(
            grant_type=GRANT_TYPE_TOKEN_EXCHANGE,
            subject_token=subject_token,
            subject_token_type=subject_token_type,
            actor_token=actor_token,
            actor_token_type=TOKEN_TYPE_AGENT_CREDENTIAL,
            scope=" ".join(scope),
            task=task,
            workload_token=workload_token or None,
            workload_token_type=TOKEN_TYPE_JWT if workload_token else None,
            audience=audience or None,
            requested_ttl=None if requested_ttl is None else duration(requested_ttl),
        )
        return TokenExchangeResponse.from_dict(self._t.call(ops.STS_EXCHANGE, form=form.to_dict(), send_token=False))


def authorize(transport: Transport, action: str, resource: Dict[str, Any], *, token: Optional[str], principal: Optional[Dict[str, Any]], context: Optional[Dict[str, Any]]) -> Decision:
    body = compact({"token": token, "principal": principal, "action": action, "resource": resource, "context": context})
    return Decision.from_dict(transport.call(ops.AUTHORIZE, json_body=body))
