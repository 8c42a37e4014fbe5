"""ArcanError: every failed call, with the server's RFC 9457 problem details."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional


class ArcanError(Exception):
    """A failed call.

    For an answer from the server it carries the problem details (``status``, ``code``,
    ``title``, ``detail``, ``request_id``); when the server could not be reached,
    ``status`` is 0 and ``code`` is ``"connection_failed"`` (the cause is ``__cause__``).
    """

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str,
        *,
        type: str = "about:blank",
        request_id: Optional[str] = None,
        errors: Optional[List[Dict[str, str]]] = None,
        retry_after: Optional[float] = None,
        problem: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}" + (f" (request {request_id})" if request_id else ""))
        self.status = status
        #: Stable and machine-readable: "realm_not_found", "cas_mismatch", "missing_capability", …
        self.code = code
        self.title = title
        self.detail = detail
        self.type = type
        #: The server's request id: quote it when asking an operator to look at the audit log.
        self.request_id = request_id
        #: Field-level problems of a 400: ``[{"field": ..., "message": ...}]``.
        self.errors = errors or []
        #: Seconds the server asked to wait (429, 503), from ``Retry-After``.
        self.retry_after = retry_after
        #: The problem document as received (None when the server sent none).
        self.problem = problem
        #: The RFC 8693 fields of an STS error ("invalid_request", "invalid_scope", …).
        self.oauth_error: Optional[str] = (problem or {}).get("error")
        self.oauth_error_description: Optional[str] = (problem or {}).get("error_description")

    @property
    def is_not_found(self) -> bool:
        return self.status == 404

    @property
    def is_forbidden(self) -> bool:
        return self.status == 403

    @property
    def is_conflict(self) -> bool:
        return self.status == 409

    @property
    def is_unauthorized(self) -> bool:
        return self.status == 401

    @property
    def is_rate_limited(self) -> bool:
        return self.status == 429

    @classmethod
    def from_response(cls, status: int, reason: str, headers: Mapping[str, str], body: bytes) -> "ArcanError":
        retry_after: Optional[float] = None
        try:
            retry_after = float(headers.get("Retry-After", ""))
        except ValueError:
            pass
        request_id = headers.get("X-Request-Id")
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("code"), str) and isinstance(parsed.get("status"), int):
            return cls(
                parsed["status"],
                parsed["code"],
                str(parsed.get("title", reason)),
                str(parsed.get("detail", "")),
                type=str(parsed.get("type", "about:blank")),
                request_id=parsed.get("request_id") or request_id,
                errors=parsed.get("errors"),
                retry_after=retry_after,
                problem=parsed,
            )
        return cls(status, f"http_{status}", reason or f"HTTP {status}", f"The server answered {status} without problem details.", request_id=request_id, retry_after=retry_after)

    @classmethod
    def connection_failed(cls, url: str, cause: BaseException) -> "ArcanError":
        reason = getattr(cause, "reason", None) or cause
        return cls(0, "connection_failed", "Connection failed", f"Could not reach {url}: {reason}")
