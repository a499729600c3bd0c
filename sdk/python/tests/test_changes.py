"""Approve with changes and hand-offs against a scripted server: what the SDK hands the guarded
code, what it reports, and what it refuses (the same flows against a real Warden are in
test_real_changes.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from typing import Any, Dict, List

from support import REQUEST, Spy, WardenTestCase, answer, flags, warden

CHANGED = dict(
    approvedInput={"sku": "LUX-001", "price": 99, "customer": "[redacted:email:1a2b]"},
    approvedChanges=[{"path": "input.price", "from": 120.5, "to": 99}],
)


def approved_with(**changes: Any) -> Any:
    return answer("allow", "approved", **changes)


class AnswerTests(WardenTestCase):
    def test_an_approval_with_changes_exposes_the_approved_input_and_changes(self) -> None:
        server = self.fake([approved_with(**CHANGED)])
        got = self.client(server.url).ask(**REQUEST)
        self.assertTrue(got.allowed and got.changed)
        self.assertEqual(got.approved_input, CHANGED["approvedInput"])
        self.assertEqual(got.approved_changes, CHANGED["approvedChanges"])

    def test_a_plain_answer_has_no_changes_and_a_pending_one_its_stage(self) -> None:
        server = self.fake([
            answer("allow", "allowed"),
            answer("pending", "pending", stage={"index": 1, "of": 3, "team": "finance", "expiresAt": "2030-01-01T00:00:00.000Z"}),
        ])
        c = self.client(server.url)
        plain = c.ask(**REQUEST)
        self.assertEqual((plain.changed, plain.approved_input, plain.approved_changes, plain.stage), (False, None, None, None))
        self.assertEqual(c.ask(**REQUEST).stage, warden.Stage(index=1, of=3, team="finance", expires_at="2030-01-01T00:00:00.000Z"))

    def test_changes_that_cannot_be_understood_are_a_malformed_answer(self) -> None:
        for bad in (
            {"approvedInput": [1, 2]},
            {"approvedInput": {"price": 1}, "approvedChanges": {"path": "input.price"}},
            {"approvedInput": {"price": 1}, "approvedChanges": [{"path": "price", "to": 1}]},
            {"approvedInput": {"price": 1}, "approvedChanges": [{"to": 1}]},
            {"approvedInput": {"price": 1}, "approvedChanges": ["input.price"]},
        ):
            server = self.fake([approved_with(**bad)])
            ran = Spy()
            with self.assertRaises(warden.WardenUnavailable) as caught:
                with self.client(server.url, retries=0).guard(**REQUEST, accept_changes=True):
                    ran()
            self.assertEqual((caught.exception.code, ran.runs), ("malformed_response", 0), bad)


class InputToActOnTests(WardenTestCase):
    def test_applies_the_changes_to_a_copy_of_the_input_sent(self) -> None:
        sent = {"sku": "LUX-001", "price": 120.5, "customer": "ann@example.com", "line": {"units": 4, "note": "x"}}
        a = warden.ActionAnswer(
            id="act_1", decision="allow", status="approved", reasons=[], shadow=[],
            approved_input={"redacted": True},
            approved_changes=[
                {"path": "input.price", "from": 120.5, "to": 99},
                {"path": "input.line.units", "from": 4, "to": 2},
                {"path": "input.line.note", "from": "x"},
            ],
        )
        got = warden.input_to_act_on(sent, a)
        # The raw input with the changes, not approvedInput (where personal data is redacted).
        self.assertEqual(got, {"sku": "LUX-001", "price": 99, "customer": "ann@example.com", "line": {"units": 2}})
        self.assertEqual(sent["price"], 120.5)
        self.assertEqual(sent["line"], {"units": 4, "note": "x"})

    def test_without_changes_the_input_as_sent_and_without_a_list_the_approved_input(self) -> None:
        plain = warden.ActionAnswer(id="act_1", decision="allow", status="allowed", reasons=[], shadow=[])
        self.assertEqual(warden.input_to_act_on({"price": 1}, plain), {"price": 1})
        self.assertEqual(warden.input_to_act_on(None, plain), {})
        only = dataclasses.replace(plain, status="approved", approved_input={"price": 2})
        self.assertEqual(warden.input_to_act_on({"price": 1}, only), {"price": 2})


class GuardWithChangesTests(WardenTestCase):
    def test_the_block_acts_on_the_changed_input_and_the_report_says_so(self) -> None:
        server = self.fake([approved_with(**CHANGED), flags()])
        with self.client(server.url).guard(**REQUEST, accept_changes=True) as g:
            price = g.input_to_act_on["price"]
            g.report({"appliedPrice": price})
        self.assertEqual(price, 99)
        self.assertTrue(g.changed)
        self.assertEqual(server.seen[1].body, {"status": "succeeded", "output": {"appliedPrice": 99}, "input": {"sku": "LUX-001", "price": 99}})

    def test_a_failure_in_the_block_reports_the_input_it_was_given_too(self) -> None:
        server = self.fake([approved_with(**CHANGED), flags()])
        with self.assertRaises(ConnectionError):
            with self.client(server.url).guard(**REQUEST, accept_changes=True):
                raise ConnectionError("store down")
        self.assertEqual(server.seen[1].body, {"status": "failed", "error": "store down", "input": {"sku": "LUX-001", "price": 99}})

    def test_without_accept_changes_the_block_never_runs_with_the_prices_as_asked(self) -> None:
        server = self.fake([approved_with(**CHANGED), flags()])
        ran = Spy()
        with self.assertRaises(warden.ApprovedChangesNotApplied) as caught:
            with self.client(server.url).guard(**REQUEST):
                ran()
        err = caught.exception
        self.assertEqual((ran.runs, err.action_id, err.changes), (0, "act_1", CHANGED["approvedChanges"]))
        self.assertNotIsInstance(err, warden.ActionDenied)
        report = server.seen[1]
        self.assertEqual(report.path, "/v1/actions/act_1/result")
        self.assertEqual(report.body["status"], "failed")
        self.assertIn("approved with changes, not run", report.body["error"])
        self.assertNotIn("input", report.body)  # nothing was acted on

    def test_without_changes_input_to_act_on_is_the_input_and_no_input_is_reported(self) -> None:
        server = self.fake([answer("allow", "allowed"), flags()])
        with self.client(server.url).guard(**REQUEST) as g:
            self.assertEqual(g.input_to_act_on, REQUEST["input"])
            self.assertFalse(g.changed)
        self.assertEqual(server.seen[1].body, {"status": "succeeded"})

    def test_input_to_act_on_is_unknown_before_warden_allowed(self) -> None:
        g = self.client("http://127.0.0.1:9").guard(**REQUEST)
        with self.assertRaises(RuntimeError):
            g.input_to_act_on

    def test_report_result_sends_the_input_acted_on(self) -> None:
        server = self.fake([flags("Acted on an input other than the one approved")])
        got = self.client(server.url).report_result("act_1", "succeeded", output={"ok": True}, input={"price": 99})
        self.assertEqual(server.seen[0].body, {"status": "succeeded", "output": {"ok": True}, "input": {"price": 99}})
        self.assertEqual([f.message for f in got.flags], ["Acted on an input other than the one approved"])
        with self.assertRaises(TypeError):
            self.client(server.url).report_result("act_1", "succeeded", input=[1])  # type: ignore[arg-type]


@dataclasses.dataclass
class Line:
    sku: str
    price: float


class GuardedWithChangesTests(WardenTestCase):
    def test_the_function_is_called_with_the_changed_arguments(self) -> None:
        server = self.fake([approved_with(approvedInput={"sku": "LUX-001", "price": 99, "currency": "EUR"},
                                          approvedChanges=[{"path": "input.price", "from": 120.5, "to": 99}]), flags()])
        calls: List[Any] = []

        @self.client(server.url).guarded("pricing.set_price")
        def set_price(sku: str, price: float, currency: str = "EUR") -> Dict[str, Any]:
            calls.append((sku, price, currency))
            return {"appliedPrice": price}

        self.assertEqual(set_price("LUX-001", 120.5), {"appliedPrice": 99})
        self.assertEqual(calls, [("LUX-001", 99, "EUR")])
        self.assertEqual(server.seen[0].body["input"], {"sku": "LUX-001", "price": 120.5, "currency": "EUR"})
        self.assertEqual(server.seen[1].body, {"status": "succeeded", "output": {"appliedPrice": 99},
                                               "input": {"sku": "LUX-001", "price": 99, "currency": "EUR"}})

    def test_changes_inside_a_dict_argument_and_in_kwargs(self) -> None:
        server = self.fake([approved_with(approvedInput={}, approvedChanges=[
            {"path": "input.order.units", "from": 4, "to": 2},
            {"path": "input.note", "from": "rush", "to": "normal"},
        ]), flags()])
        calls: List[Any] = []

        @self.client(server.url).guarded("orders.reorder")
        def reorder(order: Dict[str, Any], **extra: Any) -> None:
            calls.append((order, extra))

        order = {"sku": "A", "units": 4}
        reorder(order, note="rush")
        self.assertEqual(calls, [({"sku": "A", "units": 2}, {"note": "normal"})])
        self.assertEqual(order, {"sku": "A", "units": 4})  # the caller's dict is not changed

    def test_changes_that_cannot_reach_the_arguments_never_run_the_function(self) -> None:
        cases = [
            # A custom input whose key is not an argument.
            (dict(input=lambda a: {"amount": a["cents"] / 100}), lambda cents: None, (5000,), "input.amount",
             [{"path": "input.amount", "from": 50, "to": 40}]),
            # A custom input whose key is an argument with another value (another unit).
            (dict(input=lambda a: {"price": a["price"] / 100}), lambda price: None, (12050,), "input.price",
             [{"path": "input.price", "from": 120.5, "to": 99}]),
            # A change inside a dataclass argument (converted to a dict for the input).
            ({}, lambda line: None, (Line("A", 120.5),), "line", [{"path": "input.line.price", "from": 120.5, "to": 99}]),
        ]
        for options, fn, args, where, changes in cases:
            server = self.fake([approved_with(approvedInput={}, approvedChanges=changes), flags()])
            ran = Spy()

            guarded = self.client(server.url).guarded("pricing.set_price", **options)(_wrap(fn, ran))
            with self.assertRaises(warden.ApprovedChangesNotApplied) as caught:
                guarded(*args)
            self.assertEqual(ran.runs, 0, where)
            self.assertIn(where, caught.exception.why)
            self.assertEqual(server.seen[1].body["status"], "failed")
            self.assertNotIn("input", server.seen[1].body)
            self.assertEqual(len(server.seen), 2)  # one report only

    def test_an_async_function_gets_the_changed_arguments_too(self) -> None:
        server = self.fake([approved_with(**CHANGED), flags()])
        calls: List[float] = []

        @self.client(server.url).guarded("pricing.set_price")
        async def set_price(sku: str, price: float) -> Dict[str, float]:
            calls.append(price)
            return {"appliedPrice": price}

        self.assertEqual(asyncio.run(set_price("LUX-001", 120.5)), {"appliedPrice": 99})
        self.assertEqual(calls, [99])
        self.assertEqual(server.seen[1].body["input"], {"sku": "LUX-001", "price": 99})


def _wrap(fn: Any, ran: Spy) -> Any:
    """``fn``'s signature, counting its runs."""
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        ran()
        return fn(*args, **kwargs)

    return run


class HandoffTests(WardenTestCase):
    def test_a_handoff_is_sent_with_the_request(self) -> None:
        server = self.fake([answer("pending", "pending", reasons=[{"code": "handoff", "message": "The agent asked for a human: unsure (confidence 0.4)"}])])
        got = self.client(server.url).ask(**REQUEST, handoff={"reason": "unsure", "confidence": 0.4})
        self.assertEqual(server.seen[0].body["handoff"], {"reason": "unsure", "confidence": 0.4})
        self.assertEqual((got.status, got.reasons[0].code), ("pending", "handoff"))

    def test_guard_and_guarded_send_it_too(self) -> None:
        server = self.fake([answer("allow", "approved"), flags(), answer("allow", "approved"), flags()])
        c = self.client(server.url)
        with c.guard(**REQUEST, handoff={"reason": "first time for this SKU"}):
            pass

        @c.guarded("orders.refund", handoff=lambda a: {"reason": "large", "confidence": 0.5} if a["amount"] > 100 else None)
        def refund(order_id: str, amount: float) -> None:
            pass

        refund("o-1", 500.0)
        self.assertEqual(server.seen[0].body["handoff"], {"reason": "first time for this SKU"})
        self.assertEqual(server.seen[2].body["handoff"], {"reason": "large", "confidence": 0.5})

    def test_no_handoff_sends_none(self) -> None:
        server = self.fake([answer("allow", "allowed")])
        self.client(server.url).ask(**REQUEST, handoff=None)
        self.assertNotIn("handoff", server.seen[0].body)

    def test_a_bad_handoff_is_refused_before_anything_is_sent(self) -> None:
        server = self.fake([])
        c = self.client(server.url)
        for bad, error in (
            ({}, ValueError),
            ({"reason": "   "}, ValueError),
            ({"reason": 3}, ValueError),
            ({"reason": "x" * 501}, ValueError),
            ({"reason": "ok", "confidence": 1.5}, ValueError),
            ({"reason": "ok", "confidence": -0.1}, ValueError),
            ({"reason": "ok", "confidence": float("nan")}, ValueError),
            ({"reason": "ok", "confidence": True}, ValueError),
            ({"reason": "ok", "confidence": "high"}, ValueError),
            ({"reason": "ok", "why": "extra"}, ValueError),
            ("unsure", TypeError),
        ):
            with self.assertRaises(error, msg=repr(bad)):
                c.ask(**REQUEST, handoff=bad)  # type: ignore[arg-type]
            ran = Spy()
            with self.assertRaises(error, msg=repr(bad)):
                with c.guard(**REQUEST, handoff=bad):  # type: ignore[arg-type]
                    ran()
            self.assertEqual(ran.runs, 0)
        self.assertEqual(server.seen, [])
        # 500 characters (JavaScript's count, once trimmed) is within the cap.
        ok = self.fake([answer("pending", "pending")])
        self.client(ok.url).ask(**REQUEST, handoff={"reason": "  " + "y" * 500 + "  ", "confidence": 0})
        self.assertEqual(ok.seen[0].body["handoff"]["confidence"], 0)
