"""guard() fails closed: whatever goes wrong between the agent and Warden, the block never runs."""

from __future__ import annotations

import json
import math
import time
from email.utils import formatdate
from typing import Any

from support import (
    DROP,
    HANG,
    REQUEST,
    STALL_BODY,
    Reply,
    ScriptedWarden,
    Spy,
    WardenTestCase,
    answer,
    api_error,
    flags,
    warden,
)

parse_retry_after = warden._http.parse_retry_after


class FailClosedTests(WardenTestCase):
    def run_guard(self, client: "warden.Warden", **extra):
        """Runs a guarded block; returns (the exception raised, how often the block ran)."""
        effect = Spy()
        try:
            with client.guard(**{**REQUEST, **extra}):
                effect()
        except Exception as err:  # noqa: BLE001
            return err, effect.runs
        return None, effect.runs

    def assert_unavailable(self, err: Any, code: str, status: int) -> None:
        self.assertIsInstance(err, warden.WardenUnavailable)
        self.assertEqual((err.code, err.status), (code, status), str(err))

    def test_unreachable(self) -> None:
        gone = ScriptedWarden([])
        gone.close()  # nothing listens on this port any more
        err, runs = self.run_guard(self.client(gone.url))
        self.assert_unavailable(err, "network_error", 0)
        self.assertIn("unreachable", str(err))
        self.assertEqual(runs, 0)

    def test_no_answer_times_out_per_request_and_retries_with_the_same_key(self) -> None:
        w = self.fake(lambda seen, i: HANG)
        err, runs = self.run_guard(self.client(w.url, timeout=0.15, wait_seconds=0))
        self.assert_unavailable(err, "timeout", 0)
        self.assertEqual(runs, 0)
        self.assertEqual(len(w.seen), 3)
        self.assertEqual(len({s.body["idempotencyKey"] for s in w.seen}), 1)

    def test_headers_then_a_stalled_body_times_out(self) -> None:
        w = self.fake(lambda seen, i: STALL_BODY)
        err, runs = self.run_guard(self.client(w.url, timeout=0.15, wait_seconds=0))
        self.assert_unavailable(err, "timeout", 0)
        self.assertEqual(runs, 0)

    def test_a_dropped_connection_is_retried_with_the_same_body(self) -> None:
        w = self.fake([DROP, answer("allow", "allowed"), flags()])
        err, runs = self.run_guard(self.client(w.url))
        self.assertIsNone(err)
        self.assertEqual(runs, 1)
        self.assertEqual(w.seen[0].body, w.seen[1].body)

    def test_a_500_is_retried_with_the_same_idempotency_key_then_the_200_is_acted_on(self) -> None:
        w = self.fake([api_error(500, "internal", "try again"), answer("allow", "allowed"), flags()])
        err, runs = self.run_guard(self.client(w.url))
        self.assertIsNone(err)
        self.assertEqual(runs, 1)
        first, second = w.seen[0], w.seen[1]
        self.assertEqual((first.path, second.path), ("/v1/actions", "/v1/actions"))
        self.assertEqual(second.body, first.body)

    def test_gives_up_after_two_retries_of_a_5xx(self) -> None:
        w = self.fake(lambda seen, i: api_error(503, "unavailable", "db down"))
        err, runs = self.run_guard(self.client(w.url))
        self.assert_unavailable(err, "unavailable", 503)
        self.assertEqual(err.message, "db down")
        self.assertEqual(len(w.seen), 3)
        self.assertEqual(runs, 0)

    def test_a_503_with_retry_after_is_retried_after_that_long_with_the_same_key(self) -> None:
        w = self.fake([api_error(503, "unavailable", "restarting", headers={"Retry-After": "1"}), answer("allow", "allowed"), flags()])
        err, runs = self.run_guard(self.client(w.url))
        self.assertIsNone(err)
        self.assertEqual(runs, 1)
        self.assertEqual(w.seen[0].body["idempotencyKey"], w.seen[1].body["idempotencyKey"])

    def test_a_retry_after_beyond_the_retry_budget_ends_the_retries_at_once(self) -> None:
        w = self.fake(lambda seen, i: api_error(503, "unavailable", "maintenance", headers={"Retry-After": "120"}))
        err, runs = self.run_guard(self.client(w.url, retry_budget=10))
        self.assert_unavailable(err, "unavailable", 503)
        self.assertEqual(err.retry_after, 120)
        self.assertEqual(len(w.seen), 1)
        self.assertEqual(runs, 0)

    def test_retries_stay_within_the_retry_budget(self) -> None:
        w = self.fake(lambda seen, i: api_error(503, "unavailable", headers={"Retry-After": "1"}))
        err, runs = self.run_guard(self.client(w.url, retries=5, retry_budget=1.5))
        self.assert_unavailable(err, "unavailable", 503)
        self.assertEqual(len(w.seen), 2)  # a second pause of 1 s would end past the budget
        self.assertEqual(runs, 0)

    def test_a_429_is_retried(self) -> None:
        w = self.fake([api_error(429, "rate_limited", headers={"Retry-After": "0"}), answer("allow", "allowed"), flags()])
        err, runs = self.run_guard(self.client(w.url))
        self.assertIsNone(err)
        self.assertEqual(runs, 1)

    def test_a_body_that_is_not_json(self) -> None:
        w = self.fake([Reply(raw='{"id":"act_1","decision":"allow"')])
        err, runs = self.run_guard(self.client(w.url))
        self.assert_unavailable(err, "malformed_response", 200)
        self.assertEqual(runs, 0)
        self.assertEqual(len(w.seen), 1)  # asking again would not make it readable

    def test_json_with_nan_is_not_json(self) -> None:
        w = self.fake([Reply(raw='{"id":"act_1","decision":"allow","status":"allowed","reasons":[],"shadow":[],"x":NaN}')])
        err, runs = self.run_guard(self.client(w.url))
        self.assert_unavailable(err, "malformed_response", 200)
        self.assertEqual(runs, 0)

    def test_malformed_answers(self) -> None:
        cases = {
            "an unknown decision": {"id": "act_1", "decision": "maybe", "status": "allowed", "reasons": [], "shadow": []},
            "allow with a status that is not allowed/approved": {"id": "act_1", "decision": "allow", "status": "denied", "reasons": [], "shadow": []},
            "no id": {"decision": "allow", "status": "allowed", "reasons": [], "shadow": []},
            "an empty id": {"id": "", "decision": "allow", "status": "allowed", "reasons": [], "shadow": []},
            "no status": {"id": "act_1", "decision": "allow", "reasons": [], "shadow": []},
            "no reasons": {"id": "act_1", "decision": "allow", "status": "allowed"},
            "reasons that are not objects": {"id": "act_1", "decision": "allow", "status": "allowed", "reasons": ["policy"], "shadow": []},
            "shadow that is not a list": {"id": "act_1", "decision": "allow", "status": "allowed", "reasons": [], "shadow": "none"},
            "an array": [{"id": "act_1", "decision": "allow", "status": "allowed", "reasons": []}],
            "a string": "allow",
            "null": None,
        }
        for what, body in cases.items():
            with self.subTest(what):
                w = self.fake([Reply(raw=json.dumps(body))])
                err, runs = self.run_guard(self.client(w.url))
                self.assert_unavailable(err, "malformed_response", 200)
                self.assertEqual(runs, 0)
                self.assertEqual(len(w.seen), 1)

    def test_a_get_answer_about_another_action(self) -> None:
        w = self.fake([answer("pending", "pending"), Reply(json={"id": "act_2", "decision": "allow", "status": "approved", "reasons": [], "shadow": []})])
        err, runs = self.run_guard(self.client(w.url))
        self.assert_unavailable(err, "malformed_response", 200)
        self.assertEqual(runs, 0)

    def test_a_redirect_is_not_followed(self) -> None:
        w = self.fake([Reply(status=302, headers={"Location": "http://elsewhere.example/v1/actions"}, json={})])
        err, runs = self.run_guard(self.client(w.url))
        self.assert_unavailable(err, "malformed_response", 302)
        self.assertIn("elsewhere.example", str(err))
        self.assertEqual(runs, 0)
        self.assertEqual(len(w.seen), 1)

    def test_a_4xx_is_a_warden_error_with_the_apis_code_and_is_not_retried(self) -> None:
        w = self.fake([api_error(401, "unauthorized", "Unknown or revoked agent key")])
        err, runs = self.run_guard(self.client(w.url))
        self.assertIsInstance(err, warden.WardenError)
        self.assertNotIsInstance(err, warden.WardenUnavailable)
        self.assertEqual((err.code, err.status, err.message), ("unauthorized", 401, "Unknown or revoked agent key"))
        self.assertEqual(len(w.seen), 1)
        self.assertEqual(runs, 0)

    def test_a_4xx_without_an_error_body_gets_an_http_code(self) -> None:
        w = self.fake([Reply(status=404, raw="<html>not found</html>")])
        err, runs = self.run_guard(self.client(w.url))
        self.assertIsInstance(err, warden.WardenError)
        self.assertEqual((err.code, err.status), ("http_404", 404))
        self.assertEqual(runs, 0)

    def test_an_idempotency_conflict_carries_its_details(self) -> None:
        w = self.fake([Reply(status=409, json={"error": {"code": "idempotency_conflict", "message": "same key, other body", "details": {"key": "k"}}})])
        err, runs = self.run_guard(self.client(w.url), idempotency_key="k")
        self.assertEqual((err.code, err.status, err.details), ("idempotency_conflict", 409, {"key": "k"}))
        self.assertEqual(runs, 0)

    def test_a_long_polls_deadline_is_its_wait_plus_the_timeout(self) -> None:
        w = self.fake([Reply(delay=0.6, **{"json": answer("deny", "expired").json}), HANG])
        c = self.client(w.url, timeout=0.2)
        self.assertEqual(c.get_action("act_1", wait=1).status, "expired")  # 0.6 s late, within 1 + 0.2 s
        with self.assertRaises(warden.WardenUnavailable) as caught:
            c.get_action("act_1", wait=1)
        self.assertEqual(caught.exception.code, "timeout")
        self.assertEqual(w.seen[0].path, "/v1/actions/act_1?wait=1")

    def test_the_key_never_appears_in_errors(self) -> None:
        w = self.fake([api_error(401, "unauthorized", "Unknown or revoked agent key")])
        err, _ = self.run_guard(self.client(w.url))
        self.assertNotIn("wdn_test_key", str(err) + repr(err))
        gone = ScriptedWarden([])
        gone.close()
        err, _ = self.run_guard(self.client(gone.url))
        self.assertNotIn("wdn_test_key", str(err) + repr(err) + repr(err.__cause__))


class RetryAfterTests(WardenTestCase):
    def test_delta_seconds(self) -> None:
        self.assertEqual(parse_retry_after("7"), 7.0)
        self.assertEqual(parse_retry_after(" 0 "), 0.0)

    def test_an_http_date(self) -> None:
        now = time.time()
        got = parse_retry_after(formatdate(now + 30, usegmt=True), now=now)
        self.assertTrue(math.isclose(got, 30, abs_tol=1), got)
        self.assertEqual(parse_retry_after(formatdate(now - 30, usegmt=True), now=now), 0.0)

    def test_unreadable_or_absent(self) -> None:
        for value in (None, "", "soon", "-5", "1.5e3"):
            with self.subTest(value):
                self.assertIsNone(parse_retry_after(value))
