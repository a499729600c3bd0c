"""guard(): the decision, waiting for a human, and reporting what happened."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import List

from support import (
    FLOOR,
    REQUEST,
    Reply,
    Spy,
    WardenTestCase,
    answer,
    api_error,
    flags,
    warden,
)


def late(reply: Reply, seconds: float) -> Reply:
    reply.delay = seconds
    return reply


def in_an_hour() -> str:
    return (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat().replace("+00:00", "Z")


class GuardDecisionTests(WardenTestCase):
    def test_allowed_runs_the_block_reports_the_output_and_returns_the_flags(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags("The applied price differs from the requested one")])
        effect = Spy({"appliedPrice": 125})
        with self.client(w.url).guard(**REQUEST) as g:
            got = g.report(effect())

        self.assertEqual(effect.runs, 1)
        self.assertEqual(g.answer.id, "act_1")
        self.assertEqual((g.answer.decision, g.answer.status), ("allow", "allowed"))
        self.assertEqual([f.message for f in got], ["The applied price differs from the requested one"])
        self.assertEqual(g.flags, got)
        self.assertEqual((got[0].policy_id, got[0].policy_name), ("pol_1", "p"))
        self.assertEqual(g.reported, "succeeded")

        ask, result = w.seen
        self.assertEqual((ask.method, ask.path), ("POST", "/v1/actions"))
        self.assertEqual(ask.headers["authorization"], "Bearer wdn_test_key")
        self.assertEqual(ask.headers["content-type"], "application/json")
        self.assertTrue(ask.headers["user-agent"].startswith("warden-sdk-python/"))
        key = ask.body.pop("idempotencyKey")
        self.assertRegex(key, r"^[0-9a-f-]{36}$")
        self.assertEqual(ask.body, {**REQUEST, "wait": 2})
        self.assertEqual((result.method, result.path), ("POST", "/v1/actions/act_1/result"))
        self.assertEqual(result.body, {"status": "succeeded", "output": {"appliedPrice": 125}})
        self.assertEqual(result.headers["authorization"], "Bearer wdn_test_key")
        self.assertEqual(len(w.seen), 2)

    def test_leaving_the_block_without_a_report_reports_success_without_output(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        with self.client(w.url).guard("inventory.reorder", input={"sku": "A", "qty": 3}):
            pass
        self.assertEqual(w.seen[1].body, {"status": "succeeded"})

    def test_uses_the_callers_idempotency_key(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        with self.client(w.url).guard(**REQUEST, idempotency_key="order-42-price"):
            pass
        self.assertEqual(w.seen[0].body["idempotencyKey"], "order-42-price")

    def test_an_output_that_is_not_json_is_left_out(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        with self.client(w.url).guard(**REQUEST) as g:
            g.report({1, 2})  # a set
        self.assertEqual(w.seen[1].body, {"status": "succeeded"})

    def test_an_output_over_64_kib_is_left_out(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        with self.client(w.url).guard(**REQUEST) as g:
            g.report({"blob": "é" * 40_000})  # 80 KB in UTF-8
        self.assertEqual(w.seen[1].body, {"status": "succeeded"})

    def test_denied_raises_action_denied_with_the_reasons_and_never_runs_the_block(self) -> None:
        w = self.fake([answer("deny", "denied", reasons=[FLOOR])])
        effect = Spy()
        with self.assertRaises(warden.ActionDenied) as caught:
            with self.client(w.url).guard(**REQUEST):
                effect()
        err = caught.exception
        self.assertEqual((err.action_id, err.status), ("act_1", "denied"))
        self.assertEqual([(r.code, r.policy_id, r.policy_name, r.effect, r.message) for r in err.reasons],
                         [("policy", "pol_9", "flagship-price-floor", "deny", "Flagship prices may not go below 100")])
        self.assertIn("Flagship prices may not go below 100", str(err))
        self.assertIn("pricing.set_price denied", str(err))
        self.assertEqual(effect.runs, 0)
        self.assertEqual(len(w.seen), 1)

    def test_long_polls_a_pending_action_and_runs_once_a_human_approves(self) -> None:
        w = self.fake([answer("pending", "pending", expiresAt=in_an_hour()), late(answer("allow", "approved"), 0.1), flags()])
        effect = Spy({"refunded": 900})
        pending_seen: List[warden.ActionAnswer] = []
        with self.client(w.url).guard("orders.refund", input={"amount": 900}, on_pending=pending_seen.append) as g:
            g.report(effect())

        self.assertEqual(len(pending_seen), 1)
        self.assertEqual((pending_seen[0].id, pending_seen[0].decision), ("act_1", "pending"))
        self.assertTrue(pending_seen[0].expires_at)
        self.assertEqual(effect.runs, 1)
        self.assertEqual(g.answer.status, "approved")
        self.assertEqual(w.paths(), ["POST /v1/actions", "GET /v1/actions/act_1?wait=2", "POST /v1/actions/act_1/result"])
        self.assertEqual(w.seen[1].headers["authorization"], "Bearer wdn_test_key")
        self.assertEqual(w.seen[2].body, {"status": "succeeded", "output": {"refunded": 900}})

    def test_a_rejection_while_pending_raises_action_denied_without_running(self) -> None:
        rejected = answer("deny", "rejected", reasons=[{"code": "policy", "message": "Refunds over 500 need approval"}])
        w = self.fake([answer("pending", "pending"), rejected])
        effect = Spy()
        with self.assertRaises(warden.ActionDenied) as caught:
            with self.client(w.url).guard("orders.refund"):
                effect()
        self.assertEqual((caught.exception.status, caught.exception.action_id), ("rejected", "act_1"))
        self.assertEqual(effect.runs, 0)
        self.assertEqual(len(w.seen), 2)

    def test_an_expired_pending_action_raises_action_denied_without_running(self) -> None:
        w = self.fake([answer("pending", "pending"), answer("deny", "expired")])
        effect = Spy()
        with self.assertRaises(warden.ActionDenied) as caught:
            with self.client(w.url).guard("orders.refund"):
                effect()
        self.assertEqual(caught.exception.status, "expired")
        self.assertIn("no reason given", str(caught.exception))
        self.assertEqual(effect.runs, 0)

    def test_gives_up_with_approval_timeout_after_max_wait_without_busy_looping(self) -> None:
        w = self.fake(lambda seen, i: answer("pending", "pending"))  # even a server that ignores `wait`
        effect = Spy()
        with self.assertRaises(warden.ApprovalTimeout) as caught:
            with self.client(w.url, wait_seconds=1, max_wait=1.2).guard(**REQUEST):
                effect()
        self.assertEqual(caught.exception.action_id, "act_1")
        self.assertEqual(caught.exception.answer.status, "pending")
        self.assertEqual(effect.runs, 0)
        self.assertLessEqual(len(w.seen), 4)
        self.assertTrue(all(not s.path.endswith("/result") for s in w.seen))

    def test_max_wait_per_guard_overrides_the_clients(self) -> None:
        w = self.fake(lambda seen, i: answer("pending", "pending"))
        with self.assertRaises(warden.ApprovalTimeout):
            with self.client(w.url, wait_seconds=1, max_wait=3600).guard(**REQUEST, max_wait=0.5):
                pass
        self.assertEqual(w.seen[0].body["wait"], 1)  # the first long-poll is capped by max_wait too

    def test_wait_zero_answers_pending_at_once_then_waits_with_get(self) -> None:
        w = self.fake([answer("pending", "pending"), answer("allow", "approved"), flags()])
        with self.client(w.url).guard(**REQUEST, wait=0):
            pass
        self.assertEqual(w.seen[0].body["wait"], 0)
        self.assertEqual(w.paths()[1], "GET /v1/actions/act_1?wait=2")

    def test_setting_cancel_stops_waiting_without_running(self) -> None:
        cancel = threading.Event()

        def script(seen, i):
            if i == 1:
                cancel.set()  # the caller gives up while the SDK is waiting on
            return answer("pending", "pending")

        w = self.fake(script)
        effect = Spy()
        with self.assertRaises(warden.WaitCancelled) as caught:
            with self.client(w.url).guard(**REQUEST, wait=0, cancel=cancel):
                effect()
        self.assertEqual(caught.exception.action_id, "act_1")
        self.assertEqual(effect.runs, 0)
        self.assertEqual(len(w.seen), 2)

    def test_setting_cancel_stops_the_retries_of_the_first_request(self) -> None:
        cancel = threading.Event()

        def script(seen, i):
            cancel.set()
            return api_error(503, "unavailable", headers={"Retry-After": "5"})

        w = self.fake(script)
        with self.assertRaises(warden.WaitCancelled):
            with self.client(w.url).guard(**REQUEST, cancel=cancel):
                self.fail("the block ran")
        self.assertEqual(len(w.seen), 1)

    def test_rides_out_a_blip_while_waiting_for_a_human(self) -> None:
        w = self.fake([answer("pending", "pending"), api_error(503, "unavailable", headers={"Retry-After": "0"}), answer("allow", "approved"), flags()])
        effect = Spy()
        with self.client(w.url).guard(**REQUEST):
            effect()
        self.assertEqual(effect.runs, 1)
        self.assertEqual([p.split("?")[0] for p in w.paths()],
                         ["POST /v1/actions", "GET /v1/actions/act_1", "GET /v1/actions/act_1", "POST /v1/actions/act_1/result"])

    def test_an_error_that_is_not_a_blip_while_waiting_is_raised(self) -> None:
        w = self.fake([answer("pending", "pending"), api_error(401, "unauthorized", "Unknown or revoked agent key")])
        effect = Spy()
        with self.assertRaises(warden.WardenError) as caught:
            with self.client(w.url).guard(**REQUEST):
                effect()
        self.assertEqual(caught.exception.code, "unauthorized")
        self.assertEqual(effect.runs, 0)

    def test_a_guard_is_used_once(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        g = self.client(w.url).guard(**REQUEST)
        with g:
            pass
        with self.assertRaises(RuntimeError):
            with g:
                pass
        self.assertEqual(len(w.seen), 2)


class GuardOutcomeTests(WardenTestCase):
    def test_an_exception_is_reported_as_failed_and_re_raised_unchanged(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        boom = ConnectionError("carrier API down")
        with self.assertRaises(ConnectionError) as caught:
            with self.client(w.url).guard(**REQUEST):
                raise boom
        self.assertIs(caught.exception, boom)
        self.assertEqual((w.seen[1].path, w.seen[1].body), ("/v1/actions/act_1/result", {"status": "failed", "error": "carrier API down"}))

    def test_an_exception_without_a_message_is_reported_by_its_type(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        with self.assertRaises(KeyError):
            with self.client(w.url).guard(**REQUEST):
                raise KeyError()
        self.assertEqual(w.seen[1].body, {"status": "failed", "error": "KeyError"})

    def test_a_reported_error_is_cut_to_the_apis_4000_characters(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags(), answer("allow", "allowed"), flags()])
        c = self.client(w.url)
        with self.assertRaises(RuntimeError):
            with c.guard(**REQUEST):
                raise RuntimeError("x" * 10_000)
        sent = w.seen[1].body["error"]
        self.assertEqual(len(sent), 4000)
        self.assertTrue(sent.endswith("…"))
        # JavaScript counts characters outside the BMP as two: so does the cut.
        with self.assertRaises(RuntimeError):
            with c.guard(**REQUEST):
                raise RuntimeError("😀" * 3000)
        self.assertEqual(len(w.seen[3].body["error"].encode("utf-16-le")) // 2, 3999)

    def test_fail_reports_a_failure_without_an_exception(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        with self.client(w.url).guard(**REQUEST) as g:
            g.fail("stock count in progress")
        self.assertEqual(w.seen[1].body, {"status": "failed", "error": "stock count in progress"})
        self.assertEqual(len(w.seen), 2)

    def test_an_exception_after_report_is_re_raised_without_a_second_report(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        with self.assertRaises(ValueError):
            with self.client(w.url).guard(**REQUEST) as g:
                g.report({"ok": True})
                raise ValueError("later")
        self.assertEqual(len(w.seen), 2)

    def test_report_twice_or_outside_the_block_is_a_programming_error(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        g = self.client(w.url).guard(**REQUEST)
        with self.assertRaises(RuntimeError):
            g.report(1)
        with g:
            g.report(1)
            with self.assertRaises(RuntimeError):
                g.report(2)
        with self.assertRaises(RuntimeError):
            g.fail("late")
        self.assertEqual(len(w.seen), 2)

    def test_a_result_that_cannot_be_reported_goes_to_the_hook_and_the_block_still_completes(self) -> None:
        w = self.fake(lambda seen, i: answer("allow", "allowed") if i == 0 else api_error(503, "unavailable", headers={"Retry-After": "0"}))
        failures = []
        c = self.client(w.url, on_result_report_error=lambda err, action_id, result: failures.append((err, action_id, result)))
        with c.guard(**REQUEST) as g:
            got = g.report({"appliedPrice": 99})

        self.assertEqual(got, [])
        self.assertEqual(len([s for s in w.seen if s.path == "/v1/actions/act_1/result"]), 4)
        self.assertEqual(len(failures), 1)
        err, action_id, result = failures[0]
        self.assertIsInstance(err, warden.WardenUnavailable)
        self.assertEqual((action_id, result), ("act_1", {"status": "succeeded", "output": {"appliedPrice": 99}}))

    def test_the_default_hook_logs_a_warning_without_the_key(self) -> None:
        w = self.fake(lambda seen, i: answer("allow", "allowed") if i == 0 else api_error(400, "validation_failed"))
        with self.assertLogs("warden", level="WARNING") as logs:
            with self.client(w.url).guard(**REQUEST):
                pass
        self.assertEqual(len(w.seen), 2)  # a 4xx is not retried
        self.assertTrue(any("act_1" in line and "succeeded" in line for line in logs.output))
        self.assertFalse(any("wdn_test_key" in line for line in logs.output))

    def test_result_already_reported_on_a_retry_counts_as_the_first_report_having_landed(self) -> None:
        w = self.fake([answer("allow", "allowed"), api_error(502, "bad_gateway"), api_error(409, "result_already_reported")])
        failures = []
        with self.client(w.url, on_result_report_error=lambda *a: failures.append(a)).guard(**REQUEST):
            pass
        self.assertEqual(failures, [])
        self.assertEqual(len(w.seen), 3)

