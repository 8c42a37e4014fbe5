"""ArcanClient: the entry point of the Python SDK."""

from __future__ import annotations

import os
from typing import Any, Dict, Optional

from ._resources import Decision, Kv, LeaseResource, Realms, Sts, Tokens, authorize
from ._transport import Transport


class ArcanClient:
    """A client for one Arcan server.

    ``ArcanClient(url="https://arcan.example.com", token="arc_xxx")``; then
    ``client.kv.get("DATABASE_URL", realm="myapp")``.

    :param url: the server's base URL, e.g. ``https://arcan.example.com:8443``.
    :param token: an API token (``arc_…``).
    :param realm: the realm of calls that name none (default: ``$ARCAN_REALM``).
    :param ca_cert: a PEM file to trust for the server's certificate (Arcan's self-signed
        one is ``<data_dir>/tls.crt``); default: the system's CA bundle.
    :param verify: False turns off certificate verification (tests only).
    :param timeout: seconds per request (default 30).
    :param retries: how often to retry a 429, waiting as its ``Retry-After`` says (default 0).
    :param max_retry_wait: the longest wait before one retry, in seconds.
    """

    def __init__(
        self,
        url: str,
        token: Optional[str] = None,
        *,
        realm: Optional[str] = None,
        ca_cert: Optional[str] = None,
        verify: bool = True,
        timeout: float = 30.0,
        retries: int = 0,
        max_retry_wait: float = 30.0,
    ) -> None:
        if not url:
            raise ValueError("ArcanClient: url is required, e.g. https://arcan.example.com:8443")
        self._transport = Transport(url, token, ca_cert=ca_cert, verify=verify, timeout=timeout, retries=retries, max_retry_wait=max_retry_wait)
        self._default_realm = realm or os.environ.get("ARCAN_REALM") or None
        self.kv = Kv(self._transport, self._realm)
        self.tokens = Tokens(self._transport)
        self.realms = Realms(self._transport)
        self.lease = LeaseResource(self._transport, self._realm)
        self.sts = Sts(self._transport)

    @classmethod
    def from_env(cls, **options: Any) -> "ArcanClient":
        """A client from ``ARCAN_ADDR`` (required), ``ARCAN_TOKEN``, ``ARCAN_CACERT`` (a PEM file)
        and ``ARCAN_REALM``; keyword ``options`` override them."""
        url = os.environ.get("ARCAN_ADDR")
        if not url:
            raise ValueError("ARCAN_ADDR is not set (e.g. https://arcan.example.com:8443)")
        settings: Dict[str, Any] = {"token": os.environ.get("ARCAN_TOKEN") or None, "ca_cert": os.environ.get("ARCAN_CACERT") or None}
        settings.update(options)
        return cls(url, **settings)

    def authorize(
        self,
        action: str,
        resource: Dict[str, Any],
        *,
        token: Optional[str] = None,
        principal: Optional[Dict[str, Any]] = None,
        context: Optional[Dict[str, Any]] = None,
    ) -> Decision:
        """A decision ("allow", "review" or "deny") on ``action`` over ``resource``
        (``{"type": "project", "id": "FIN-OPS", "attributes": {...}}``) for an STS ``token`` or a
        ``principal``. The client's token needs ``decisions:evaluate``; a deny is a Decision."""
        return authorize(self._transport, action, resource, token=token, principal=principal, context=context)

    def _realm(self, given: Optional[str]) -> str:
        realm = given or self._default_realm
        if not realm:
            raise ValueError('A realm is required: pass realm="myapp", or set realm= on ArcanClient or ARCAN_REALM')
        return realm
