"""Test support: the package from this folder, and a scripted stand-in for Warden's data plane.

Each request to :class:`ScriptedWarden` gets the next scripted reply, and every request is kept
so tests can check what the SDK sent.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import unittest
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Union
from unittest import mock

# The package under test is the one in sdk/python, not an installed copy.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import warden  # noqa: E402
import warden.client  # noqa: E402


@dataclass
class Reply:
    """A scripted answer: JSON (or ``raw`` text) with a status and headers, optionally late."""

    json: Any = None
    status: int = 200
    raw: Optional[str] = None
    headers: Dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


#: Special replies: never answer; send headers then stall the body; close without answering.
HANG = "hang"
STALL_BODY = "stall-body"
DROP = "drop"

Script = Union[List[Any], Callable[["Seen", int], Any]]


@dataclass
class Seen:
    method: str
    path: str
    headers: Dict[str, str]
    body: Any


def answer(decision: str, status: str, **extra: Any) -> Reply:
    return Reply(json={"id": "act_1", "decision": decision, "status": status, "reasons": [], "shadow": [], **extra})


def flags(*messages: str) -> Reply:
    return Reply(json={"id": "act_1", "flags": [{"policyId": "pol_1", "policyName": "p", "message": m} for m in messages]})


def api_error(status: int, code: str, message: Optional[str] = None, headers: Optional[Dict[str, str]] = None) -> Reply:
    return Reply(status=status, json={"error": {"code": code, "message": message or code}}, headers=headers or {})


class ScriptedWarden:
    """A local HTTP server answering from a script: a list (one reply per request, in order;
    a 599 once it runs out) or a function ``(seen, index) -> reply``."""

    def __init__(self, script: Script) -> None:
        self.seen: List[Seen] = []
        self._script = script
        self._release = threading.Event()
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                text = self.rfile.read(length).decode("utf-8") if length else ""
                seen = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, json.loads(text) if text else None)
                with outer._lock:
                    outer.seen.append(seen)
                    index = len(outer.seen) - 1
                reply = outer._next(seen, index)
                if reply == HANG:
                    outer._release.wait()
                    self.close_connection = True
                    return
                if reply == DROP:
                    self.close_connection = True
                    return
                if reply == STALL_BODY:
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", "100")
                    self.end_headers()
                    self.wfile.write(b'{"id":')
                    self.wfile.flush()
                    outer._release.wait()
                    self.close_connection = True
                    return
                assert isinstance(reply, Reply), reply
                if reply.delay:
                    outer._release.wait(reply.delay)
                payload = (reply.raw if reply.raw is not None else ("" if reply.json is None else json.dumps(reply.json))).encode("utf-8")
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                if seen.headers.get("connection", "").lower() == "close":
                    self.send_header("connection", "close")  # as Node's http server (Warden) answers
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _handle
            do_POST = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def _next(self, seen: Seen, index: int) -> Any:
        if callable(self._script):
            return self._script(seen, index)
        if index < len(self._script):
            return self._script[index]
        return api_error(599, "unscripted", f"no reply scripted for request {index}")

    def paths(self) -> List[str]:
        return [f"{s.method} {s.path}" for s in self.seen]

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class Spy:
    """Counts how often the guarded code ran."""

    def __init__(self, value: Any = None) -> None:
        self.value = value
        self.runs = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.runs += 1
        return self.value


REQUEST = dict(
    action="pricing.set_price",
    resource="sku:LUX-001",
    input={"sku": "LUX-001", "price": 120.5},
    context={"reason": "competitor drop"},
)

FLOOR = {
    "code": "policy",
    "policyId": "pol_9",
    "policyName": "flagship-price-floor",
    "effect": "deny",
    "message": "Flagship prices may not go below 100",
}

class WardenTestCase(unittest.TestCase):
    """Scripted servers closed after each test; retry pauses shortened (their length is not
    what these tests are about; Retry-After handling has tests of its own)."""

    def setUp(self) -> None:
        patcher = mock.patch.object(warden.client, "BACKOFF_BASE", 0.02)
        patcher.start()
        self.addCleanup(patcher.stop)

    def fake(self, script: Script) -> ScriptedWarden:
        server = ScriptedWarden(script)
        self.addCleanup(server.close)
        return server

    def client(self, url: str, **extra: Any) -> "warden.Warden":
        options: Dict[str, Any] = {"timeout": 1.0, "wait_seconds": 2}
        options.update(extra)
        return warden.Warden(url, "wdn_test_key", **options)


__all__ = ["WardenTestCase", "warden", "Reply", "HANG", "STALL_BODY", "DROP", "ScriptedWarden", "Spy", "answer", "flags", "api_error", "REQUEST", "FLOOR"]
