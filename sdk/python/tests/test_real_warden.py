"""The SDK against a real running Warden.

``npm run test:python`` (scripts/test-python.mjs) starts Warden from the production build with a
fresh embedded PostgreSQL, creates through the control-plane API an approver, two agents in the
cohort ``py-sdk`` and three policies, and passes them here through the environment:

- ``py-sdk-no-catalog-delete``: deny ``py.catalog.delete``;
- ``py-sdk-big-refunds``: require_approval for ``py.orders.refund`` when ``input.amount > 500``;
- ``py-sdk-price-check``: post-stage flag on ``py.pricing.set_price`` when
  ``result.output.appliedPrice != input.price``.

Without ``WARDEN_TEST_URL`` these tests are skipped (a plain ``python3 -m unittest`` run), unless
``WARDEN_TEST_REQUIRE_REAL=1`` says a Warden was promised, which then fails them.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import unittest
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

from support import warden

URL = os.environ.get("WARDEN_TEST_URL", "")
ENV = {
    name: os.environ.get(f"WARDEN_TEST_{name}", "")
    for name in ("AGENT_KEY", "AGENT_ID", "HALT_AGENT_KEY", "HALT_AGENT_ID", "ADMIN_TOKEN", "APPROVER_TOKEN")
}


def setUpModule() -> None:
    if URL and all(ENV.values()):
        return
    if os.environ.get("WARDEN_TEST_REQUIRE_REAL") == "1":
        missing = [f"WARDEN_TEST_{k}" for k, v in {"URL": URL, **ENV}.items() if not v]
        raise RuntimeError(f"a real Warden was promised (WARDEN_TEST_REQUIRE_REAL=1) but {', '.join(missing)} are not set")
    raise unittest.SkipTest("no running Warden: `npm run test:python` starts one for these tests")


def control(method: str, path: str, token: str, body: Any = None) -> Any:
    """A control-plane (/api) call with a user's token; raises with Warden's answer on a non-2xx."""
    req = urllib.request.Request(
        URL + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.loads(res.read() or b"null")
    except urllib.error.HTTPError as err:
        raise AssertionError(f"{method} {path} → {err.code}: {err.read().decode()}") from None


def stored_action(action_id: str) -> Dict[str, Any]:
    return control("GET", f"/api/actions/{action_id}", ENV["ADMIN_TOKEN"])["action"]


class Background:
    """Runs a control-plane call on a thread (the agent is blocked meanwhile); ``result()``
    joins it and returns its answer, or re-raises its error."""

    def __init__(self, fn: Any, *args: Any) -> None:
        self._out: Dict[str, Any] = {}

        def run() -> None:
            try:
                self._out["value"] = fn(*args)
            except BaseException as err:  # noqa: BLE001 - re-raised by result()
                self._out["error"] = err

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def result(self, timeout: float = 30) -> Any:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError("the background call did not finish")
        if "error" in self._out:
            raise self._out["error"]
        return self._out["value"]


def eventually(what: str, probe: Any, deadline_s: float = 20.0) -> Any:
    """Polls ``probe()`` until it returns something truthy, within a deadline."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        got = probe()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class RealWardenTests(unittest.TestCase):
    def client(self, key: Optional[str] = None, **extra: Any) -> warden.Warden:
        return warden.Warden(URL, key or ENV["AGENT_KEY"], **extra)

    def test_agent_reads_who_the_key_belongs_to(self) -> None:
        me = self.client().agent()
        self.assertEqual((me.id, me.name, me.cohort, me.owner, me.status), (ENV["AGENT_ID"], "py-sdk-agent", "py-sdk", "python-sdk-team", "active"))
        self.assertEqual(me.risk_tier, "high")

    def test_an_unknown_key_is_a_warden_error(self) -> None:
        with self.assertRaises(warden.WardenError) as caught:
            warden.Warden(URL, "wdn_not_a_real_key").agent()
        self.assertNotIsInstance(caught.exception, warden.WardenUnavailable)
        self.assertEqual((caught.exception.code, caught.exception.status), ("unauthorized", 401))

    def test_an_allowed_action_runs_and_its_result_is_checked_after_the_fact(self) -> None:
        ran: List[str] = []
        c = self.client()
        with c.guard("py.pricing.set_price", resource="sku:PY-001", input={"sku": "PY-001", "price": 120.0},
                     context={"reason": "competitor drop"}) as g:
            ran.append("set")
            got = g.report({"appliedPrice": 125.0})
        self.assertEqual(ran, ["set"])
        self.assertEqual((g.answer.decision, g.answer.status), ("allow", "allowed"))
        self.assertEqual([(f.policy_name, f.message) for f in got], [("py-sdk-price-check", "The applied price differs from the requested one")])

        stored = stored_action(g.answer.id)
        self.assertEqual((stored["status"], stored["resource"], stored["input"]), ("allowed", "sku:PY-001", {"sku": "PY-001", "price": 120.0}))
        self.assertEqual(stored["idempotencyKey"], g.idempotency_key)
        self.assertEqual((stored["result"]["status"], stored["result"]["output"]), ("succeeded", {"appliedPrice": 125.0}))
        self.assertEqual([f["message"] for f in stored["flags"]], ["The applied price differs from the requested one"])

        @c.guarded("py.pricing.set_price", resource=lambda a: f"sku:{a['sku']}")
        def set_price(sku: str, price: float) -> Dict[str, float]:
            ran.append("decorated")
            return {"appliedPrice": price}

        self.assertEqual(set_price("PY-002", 99.0), {"appliedPrice": 99.0})
        self.assertEqual(ran, ["set", "decorated"])

    def test_a_failure_is_reported_with_its_message(self) -> None:
        with self.assertRaises(ConnectionError):
            with self.client().guard("py.pricing.set_price", input={"sku": "PY-003", "price": 10.0}) as g:
                raise ConnectionError("store API down")
        stored = stored_action(g.answer.id)
        self.assertEqual((stored["result"]["status"], stored["result"]["error"]), ("failed", "store API down"))

    def test_a_denied_action_never_runs(self) -> None:
        ran: List[int] = []
        with self.assertRaises(warden.ActionDenied) as caught:
            with self.client().guard("py.catalog.delete", resource="catalog:eu"):
                ran.append(1)
        err = caught.exception
        self.assertEqual(ran, [])
        self.assertEqual(err.status, "denied")
        self.assertEqual([(r.code, r.policy_name, r.effect, r.message) for r in err.reasons],
                         [("policy", "py-sdk-no-catalog-delete", "deny", "Deleting the catalog is never allowed")])
        stored = stored_action(err.action_id)
        self.assertEqual((stored["status"], stored["result"]), ("denied", None))

    def test_a_pending_action_waits_for_a_human_and_runs_once_approved(self) -> None:
        order = f"order-{uuid.uuid4()}"

        def approver() -> Any:
            # An approver (not the agent's owner) finds the action in the queue and approves it
            # while the agent's request is held (long-poll).
            def queued() -> Optional[Dict[str, Any]]:
                items = control("GET", f"/api/approvals?status=pending&agent={ENV['AGENT_ID']}", ENV["APPROVER_TOKEN"])["approvals"]
                return next((i for i in items if i["input"].get("orderId") == order), None)

            item = eventually("the refund in the approval queue", queued)
            return control("POST", f"/api/approvals/{item['actionId']}", ENV["APPROVER_TOKEN"], {"decision": "approve", "comment": "customer is right"})

        approval = Background(approver)
        ran: List[int] = []
        pending: List[warden.ActionAnswer] = []
        with self.client(wait_seconds=30, max_wait=30).guard("py.orders.refund", input={"orderId": order, "amount": 900.0},
                                                             on_pending=pending.append) as g:
            ran.append(1)
            g.report({"refunded": 900.0})
        self.assertEqual(approval.result()["status"], "approved")
        self.assertEqual(ran, [1])
        self.assertEqual(g.answer.status, "approved")
        # The approval woke the held request itself: no pending answer was needed to go on.
        self.assertEqual(len(pending), 0)

        stored = stored_action(g.answer.id)
        self.assertEqual(stored["status"], "approved")
        self.assertEqual([v["vote"] for v in stored["approvals"]], ["approve"])
        self.assertEqual(stored["result"]["status"], "succeeded")

    def test_pending_then_approved_via_the_long_poll_of_get(self) -> None:
        order = f"order-{uuid.uuid4()}"
        ran: List[int] = []

        calls: List[Background] = []

        def approve(answer: warden.ActionAnswer) -> None:
            calls.append(Background(control, "POST", f"/api/approvals/{answer.id}", ENV["APPROVER_TOKEN"], {"decision": "approve"}))

        with self.client(max_wait=60).guard("py.orders.refund", input={"orderId": order, "amount": 750.0}, wait=0, on_pending=approve) as g:
            ran.append(1)
        self.assertEqual(calls[0].result()["status"], "approved")
        self.assertEqual((ran, g.answer.status, g.reported), ([1], "approved", "succeeded"))

    def test_a_rejection_by_a_human_never_runs(self) -> None:
        ran: List[int] = []

        calls: List[Background] = []

        def reject(answer: warden.ActionAnswer) -> None:
            calls.append(Background(control, "POST", f"/api/approvals/{answer.id}", ENV["APPROVER_TOKEN"], {"decision": "reject", "comment": "no"}))

        with self.assertRaises(warden.ActionDenied) as caught:
            with self.client(max_wait=60).guard("py.orders.refund", input={"orderId": "o-rej", "amount": 600.0}, wait=0, on_pending=reject):
                ran.append(1)
        self.assertEqual(calls[0].result()["status"], "rejected")
        self.assertEqual((ran, caught.exception.status), ([], "rejected"))

    def test_a_halt_rejects_a_waiting_action(self) -> None:
        ran: List[int] = []
        calls: List[Background] = []

        def halt(answer: warden.ActionAnswer) -> None:
            calls.append(Background(control, "POST", f"/api/agents/{ENV['HALT_AGENT_ID']}/halt", ENV["ADMIN_TOKEN"], {"reason": "runaway refunds"}))

        c = self.client(ENV["HALT_AGENT_KEY"], max_wait=60)
        with self.assertRaises(warden.ActionDenied) as caught:
            with c.guard("py.orders.refund", input={"orderId": "o-halt", "amount": 900.0}, wait=0, on_pending=halt):
                ran.append(1)
        err = caught.exception
        self.assertEqual(ran, [])
        self.assertEqual(err.status, "rejected")
        self.assertIn("agent_halted", [r.code for r in err.reasons])
        self.assertEqual(calls[0].result()["rejectedPending"], 1)  # it was still waiting when halted

        me = c.agent()
        self.assertEqual((me.status, me.halt_reason), ("halted", "runaway refunds"))
        again = c.ask("py.pricing.set_price", input={"sku": "PY-9", "price": 1.0})
        self.assertEqual((again.decision, again.reasons[0].code), ("deny", "agent_halted"))

    def test_a_retry_after_a_lost_answer_is_recorded_once(self) -> None:
        proxy = LossyProxy(URL)
        self.addCleanup(proxy.close)
        ran: List[int] = []
        c = warden.Warden(proxy.url, ENV["AGENT_KEY"])
        with c.guard("py.inventory.reorder", input={"sku": "PY-REORDER", "qty": 12}) as g:
            ran.append(1)

        self.assertEqual(ran, [1])
        asks = [s for s in proxy.forwarded if s["path"] == "/v1/actions"]
        self.assertEqual(len(asks), 2)  # the first answer was lost on its way back
        self.assertEqual(asks[0]["body"]["idempotencyKey"], asks[1]["body"]["idempotencyKey"])
        self.assertEqual(asks[0]["answer"]["id"], asks[1]["answer"]["id"])
        self.assertEqual(g.answer.id, asks[0]["answer"]["id"])

        recorded = control("GET", f"/api/actions?agent={ENV['AGENT_ID']}&action=py.inventory.reorder", ENV["ADMIN_TOKEN"])["actions"]
        self.assertEqual([a["id"] for a in recorded], [g.answer.id])
        self.assertEqual(recorded[0]["result"]["status"], "succeeded")

        # Asking again with the key gives the first answer; the same key with another body is refused.
        self.assertEqual(self.client().ask("py.inventory.reorder", input={"sku": "PY-REORDER", "qty": 12}, idempotency_key=g.idempotency_key).id, g.answer.id)
        with self.assertRaises(warden.WardenError) as caught:
            self.client().ask("py.inventory.reorder", input={"sku": "PY-REORDER", "qty": 13}, idempotency_key=g.idempotency_key)
        self.assertEqual((caught.exception.code, caught.exception.status), ("idempotency_conflict", 409))


class LossyProxy:
    """Forwards requests to Warden, but drops the connection instead of passing on the first
    answer to ``POST /v1/actions`` (Warden did decide; the agent never heard)."""

    def __init__(self, upstream: str) -> None:
        target = urlsplit(upstream)
        self.forwarded: List[Dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=90)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                res = conn.getresponse()
                payload = res.read()
                conn.close()
                seen = {"path": self.path, "body": json.loads(body) if body else None, "answer": json.loads(payload or b"null")}
                outer.forwarded.append(seen)
                if self.path == "/v1/actions" and len([s for s in outer.forwarded if s["path"] == "/v1/actions"]) == 1:
                    self.close_connection = True  # the answer is lost
                    return
                self.send_response(res.status)
                self.send_header("content-type", res.getheader("content-type") or "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _forward
            do_POST = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
