"""One HTTP exchange with Warden, with a hard deadline (connect, send, headers and body).

``http.client`` rather than ``urllib.request``: a socket timeout bounds each read, not the
whole answer, so a server that sends headers and then trickles (or stalls) the body would hold
the agent forever. Here every socket operation gets the time left until one deadline.
One connection per request: nothing is shared between threads, and a dead keep-alive
connection can never swallow a decision.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from .answers import error_fields
from .errors import WardenError, WardenUnavailable

USER_AGENT = "warden-sdk-python/0.1.0"
#: No answer of the contract comes near this; a bigger one is not Warden talking.
MAX_ANSWER_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """A 2xx (or an expected 304): status, headers (lower-case names) and the parsed JSON body
    (``None`` for a 304)."""

    status: int
    headers: Mapping[str, str]
    body: Any


class _Timeout(Exception):
    pass


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
    ``None`` when absent or unreadable; never negative."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: str) -> Any:
    """Strict JSON, as JavaScript's ``JSON.parse`` reads it (no NaN or Infinity)."""
    return json.loads(text, parse_constant=_reject_constant)


def dumps(value: Any) -> str:
    """Compact JSON as the server measures it (UTF-8, no NaN). Raises TypeError/ValueError."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def error_from_response(status: int, body: Any, retry_after: Optional[float]) -> WardenError:
    """A non-2xx answer as the exception the SDK raises: 5xx → :class:`WardenUnavailable`,
    else :class:`WardenError`, with the API's code, message and details when it sent them."""
    e = error_fields(body)
    code = e["code"] if isinstance(e.get("code"), str) else f"http_{status}"
    message = e["message"] if isinstance(e.get("message"), str) else f"Warden answered HTTP {status}"
    if status >= 500:
        return WardenUnavailable(message, code=code, status=status, details=e.get("details"), retry_after=retry_after)
    return WardenError(code, status, message, details=e.get("details"), retry_after=retry_after)


def is_retriable(err: BaseException) -> bool:
    """Worth asking again: no answer, a 5xx, or rate-limited. Not: a 4xx, or an answer we can't
    read (asking again would not make it readable)."""
    if isinstance(err, WardenUnavailable):
        return err.code not in ("malformed_response", "invalid_receipt")
    return isinstance(err, WardenError) and err.status == 429


class Transport:
    """Sends requests to one Warden with one agent key. Thread-safe (holds no connection)."""

    def __init__(self, url: str, api_key: str, timeout: float, ssl_context: Optional[ssl.SSLContext]) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("url must be an absolute http(s) URL")
        self.base = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        try:
            self._port = parts.port
        except ValueError as err:
            raise ValueError(f"url has a bad port: {err}") from None
        self._prefix = parts.path.rstrip("/")
        self.__api_key = api_key  # name-mangled, and never part of a repr or a message
        self._timeout = timeout
        self._ssl_context = ssl_context if ssl_context is not None else (ssl.create_default_context() if self._https else None)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        wait: float = 0,
        headers: Optional[Dict[str, str]] = None,
        allow_not_modified: bool = False,
    ) -> Answer:
        """One request; its deadline is ``timeout`` plus the ``wait`` of a long-poll.

        Raises:
            WardenUnavailable: ``timeout``, ``network_error``, a 5xx (the API's code), or
                ``malformed_response`` (a 2xx that is not JSON, an unexpected redirect or 304,
                an oversized answer).
            WardenError: a 4xx, with the API's code.
        """
        limit = self._timeout + wait
        deadline = time.monotonic() + limit
        what = f"{method} {path.split('?', 1)[0]}"
        try:
            status, answer_headers, raw = self._exchange(method, path, body, headers or {}, deadline)
        except _Timeout as err:
            raise WardenUnavailable(f"Warden did not answer {what} within {limit:g} s", code="timeout") from err
        except (OSError, http.client.HTTPException) as err:
            # socket.timeout is an OSError too; a deadline that expired inside a socket call lands here.
            if isinstance(err, socket.timeout) or time.monotonic() >= deadline:
                raise WardenUnavailable(f"Warden did not answer {what} within {limit:g} s", code="timeout") from err
            raise WardenUnavailable(
                f"Warden is unreachable at {self.base}: {type(err).__name__}: {err}", code="network_error"
            ) from err

        if status == 304 and allow_not_modified:
            return Answer(status, answer_headers, None)
        parsed: Any = None
        is_json = True
        try:
            parsed = loads(raw.decode("utf-8"))
        except ValueError:  # includes UnicodeDecodeError and json.JSONDecodeError
            is_json = False
        if status >= 400:
            raise error_from_response(status, parsed if is_json else None, parse_retry_after(answer_headers.get("retry-after")))
        if not 200 <= status < 300:
            where = answer_headers.get("location")
            raise WardenUnavailable(
                f"Warden answered {what} with HTTP {status}{f' (to {where})' if where else ''}; "
                "set url to where Warden answers",
                code="malformed_response",
                status=status,
            )
        if not is_json:
            raise WardenUnavailable(f"Warden answered {status} with a body that is not JSON", code="malformed_response", status=status)
        return Answer(status, answer_headers, parsed)

    def _exchange(
        self, method: str, path: str, body: Any, extra: Dict[str, str], deadline: float
    ) -> Tuple[int, Dict[str, str], bytes]:
        def left() -> float:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Timeout()
            return remaining

        payload = None if body is None else dumps(body).encode("utf-8")
        headers = {
            "Authorization": f"Bearer {self.__api_key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            "Connection": "close",
            **extra,
        }
        conn: http.client.HTTPConnection
        if self._https:
            conn = http.client.HTTPSConnection(self._host, self._port, timeout=left(), context=self._ssl_context)
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=left())
        try:
            conn.connect()
            sock = conn.sock
            assert sock is not None
            sock.settimeout(left())
            conn.request(method, self._prefix + path, body=payload, headers=headers)
            sock.settimeout(left())
            res = conn.getresponse()
            chunks = []
            size = 0
            # Once the body is complete the response lets go of the socket (which may then be
            # closed for good when Warden answered `Connection: close`): stop touching it then.
            while not res.isclosed():
                sock.settimeout(left())
                chunk = res.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise WardenUnavailable(
                        f"Warden's answer is over {MAX_ANSWER_BYTES} bytes", code="malformed_response", status=res.status
                    )
                chunks.append(chunk)
            answer_headers = {k.lower(): v for k, v in res.getheaders()}
            return res.status, answer_headers, b"".join(chunks)
        finally:
            conn.close()
