"""HTTPS requests with the standard library: urllib, ssl and json."""

from __future__ import annotations

import json
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from ._errors import ArcanError
from ._operations import Operation

VERSION = "0.1.0"


class Transport:
    def __init__(self, url: str, token: Optional[str], *, ca_cert: Optional[str], verify: bool, timeout: float, retries: int, max_retry_wait: float) -> None:
        self.base_url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        context = ssl.create_default_context(cafile=ca_cert)
        if not verify:
            # Only for tests: anyone on the network path can then read the secrets.
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        self._opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))

    def call(
        self,
        op: Operation,
        path: Sequence[str] = (),
        *,
        query: Optional[Mapping[str, Any]] = None,
        json_body: Any = None,
        form: Optional[Mapping[str, str]] = None,
        send_token: bool = True,
    ) -> Any:
        """Sends the operation and returns the decoded JSON answer (None for an empty one)."""
        url = self.base_url + _fill(op, path)
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        headers = {"Accept": "application/json", "User-Agent": f"arcan-python/{VERSION}"}
        data: Optional[bytes] = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        if self.token and send_token:
            headers["Authorization"] = f"Bearer {self.token}"
        attempt = 0
        while True:
            try:
                body = self._send(urllib.request.Request(url, data=data, headers=headers, method=op.method))
                return json.loads(body) if body.strip() else None
            except ArcanError as err:
                if err.status != 429 or attempt >= self.retries:
                    raise
                attempt += 1
                time.sleep(min(err.retry_after if err.retry_after and err.retry_after > 0 else 1.0, self.max_retry_wait))

    def _send(self, request: urllib.request.Request) -> bytes:
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            with err:
                raise ArcanError.from_response(err.code, err.reason, err.headers, err.read()) from None
        except (urllib.error.URLError, ssl.SSLError, socket.timeout, ConnectionError) as err:
            raise ArcanError.connection_failed(self.base_url, err) from err


def _fill(op: Operation, values: Sequence[str]) -> str:
    """The operation's path with its {placeholders} replaced, in order, by escaped values."""
    path = op.path
    for value in values:
        start, end = path.find("{"), path.find("}")
        if start < 0:
            raise TypeError(f"{op.facade}: too many path values")
        if not value:
            raise ValueError(f"{op.facade}: {path[start + 1:end]} is empty")
        path = path[:start] + urllib.parse.quote(value, safe="") + path[end + 1:]
    if "{" in path:
        raise TypeError(f"{op.facade}: missing path values for {op.path}")
    return path


def duration(value: Union[str, int, float, Any]) -> str:
    """A duration the way the API reads them: "1h", "30m", "45s" (strings pass through)."""
    if isinstance(value, str):
        return value
    seconds = int(value.total_seconds()) if hasattr(value, "total_seconds") else int(value)
    if seconds > 0 and seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds > 0 and seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{max(seconds, 1)}s"


def compact(d: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}
