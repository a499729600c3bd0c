"""@warden.guarded(...): every call of the function is a guarded action (sync and async)."""

from __future__ import annotations

import asyncio
import inspect
import threading
import typing
from typing import Any, Dict, List

from support import FLOOR, WardenTestCase, answer, api_error, flags, warden


class GuardedTests(WardenTestCase):
    def test_the_calls_arguments_are_the_input_and_the_return_value_the_output(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        c = self.client(w.url)
        runs: List[Dict[str, Any]] = []

        @c.guarded("pricing.set_price", resource=lambda a: f"sku:{a['sku']}", context={"reason": "competitor drop"})
        def set_price(sku: str, price: float, currency: str = "EUR") -> dict:
            """Sets a price."""
            runs.append({"sku": sku, "price": price})
            return {"appliedPrice": price}

        self.assertEqual(set_price("LUX-001", price=120.5), {"appliedPrice": 120.5})
        self.assertEqual(runs, [{"sku": "LUX-001", "price": 120.5}])
        ask, result = w.seen
        self.assertEqual(ask.body["action"], "pricing.set_price")
        self.assertEqual(ask.body["resource"], "sku:LUX-001")
        self.assertEqual(ask.body["input"], {"sku": "LUX-001", "price": 120.5, "currency": "EUR"})
        self.assertEqual(ask.body["context"], {"reason": "competitor drop"})
        self.assertEqual(result.body, {"status": "succeeded", "output": {"appliedPrice": 120.5}})

    def test_keeps_the_functions_name_docstring_and_signature(self) -> None:
        c = self.client("http://127.0.0.1:9")

        @c.guarded("pricing.set_price")
        def set_price(sku: str, price: float) -> dict:
            """Sets a price."""
            return {}

        self.assertEqual(set_price.__name__, "set_price")
        self.assertEqual(set_price.__doc__, "Sets a price.")
        self.assertEqual(list(inspect.signature(set_price).parameters), ["sku", "price"])
        # What tool frameworks (LangChain's @tool, pydantic) build a tool's schema from.
        self.assertEqual(typing.get_type_hints(set_price), {"sku": str, "price": float, "return": dict})

    def test_a_denied_call_raises_and_never_runs_the_function(self) -> None:
        w = self.fake([answer("deny", "denied", reasons=[FLOOR])])
        c = self.client(w.url)
        runs = []

        @c.guarded("pricing.set_price")
        def set_price(sku: str, price: float) -> None:
            runs.append(1)

        with self.assertRaises(warden.ActionDenied) as caught:
            set_price("LUX-001", 50.0)
        self.assertEqual(caught.exception.reasons[0].policy_name, "flagship-price-floor")
        self.assertEqual(runs, [])

    def test_the_functions_exception_is_reported_and_re_raised(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        c = self.client(w.url)

        @c.guarded("orders.refund")
        def refund(order_id: str) -> None:
            raise TimeoutError("payment provider timed out")

        with self.assertRaises(TimeoutError):
            refund("o-1")
        self.assertEqual(w.seen[1].body, {"status": "failed", "error": "payment provider timed out"})

    def test_methods_leave_self_out_and_kwargs_are_merged(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        c = self.client(w.url)

        class Store:
            @c.guarded("inventory.reorder")
            def reorder(self, sku: str, *lines: str, **extra: Any) -> None:
                pass

        Store().reorder("A-1", "l1", "l2", qty=3, urgent=True)
        self.assertEqual(w.seen[0].body["input"], {"sku": "A-1", "lines": ["l1", "l2"], "qty": 3, "urgent": True})

    def test_arguments_that_are_not_json_need_an_explicit_input(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags()])
        c = self.client(w.url)
        runs = []

        @c.guarded("orders.refund")
        def refund(order_id: str, session: object) -> None:
            runs.append(1)

        with self.assertRaises(TypeError) as caught:
            refund("o-1", object())
        self.assertIn("input=", str(caught.exception))
        self.assertEqual((runs, w.seen), ([], []))

        @c.guarded("orders.refund", input=lambda a: {"orderId": a["order_id"]}, idempotency_key=lambda a: f"refund-{a['order_id']}")
        def refund2(order_id: str, session: object) -> None:
            runs.append(1)

        refund2("o-1", object())
        self.assertEqual(w.seen[0].body["input"], {"orderId": "o-1"})
        self.assertEqual(w.seen[0].body["idempotencyKey"], "refund-o-1")
        self.assertEqual(runs, [1])

    def test_on_flags_hears_what_post_checks_flagged(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags("The applied price differs from the requested one")])
        heard = []
        c = self.client(w.url)

        @c.guarded("pricing.set_price", on_flags=lambda fl, ans: heard.append(([f.message for f in fl], ans.id)))
        def set_price(sku: str, price: float) -> dict:
            return {"appliedPrice": price + 5}

        set_price("LUX-001", 120.0)
        self.assertEqual(heard, [(["The applied price differs from the requested one"], "act_1")])

    def test_an_unknown_option_is_refused(self) -> None:
        with self.assertRaises(TypeError):
            self.client("http://127.0.0.1:9").guarded("x.y", retries=3)


class AsyncGuardedTests(WardenTestCase):
    def test_an_async_function_is_guarded_too(self) -> None:
        w = self.fake([answer("pending", "pending"), answer("allow", "approved"), flags()])
        c = self.client(w.url)

        @c.guarded("orders.refund")
        async def refund(order_id: str, amount: float) -> dict:
            await asyncio.sleep(0)
            return {"refunded": amount}

        self.assertTrue(inspect.iscoroutinefunction(refund))
        self.assertEqual(asyncio.run(refund("o-1", 900.0)), {"refunded": 900.0})
        self.assertEqual(w.seen[2].body, {"status": "succeeded", "output": {"refunded": 900.0}})

    def test_an_async_denial_never_runs_the_function(self) -> None:
        w = self.fake([answer("deny", "denied", reasons=[FLOOR])])
        c = self.client(w.url)
        runs = []

        @c.guarded("pricing.set_price")
        async def set_price(sku: str, price: float) -> None:
            runs.append(1)

        with self.assertRaises(warden.ActionDenied):
            asyncio.run(set_price("LUX-001", 50.0))
        self.assertEqual(runs, [])

    def test_async_with_reports_from_a_worker_thread(self) -> None:
        w = self.fake([answer("allow", "allowed"), flags("flagged")])
        c = self.client(w.url)

        async def main() -> List[str]:
            async with c.guard("pricing.set_price", input={"sku": "A"}) as g:
                got = await g.areport({"appliedPrice": 1})
            return [f.message for f in got]

        self.assertEqual(asyncio.run(main()), ["flagged"])

    def test_cancelling_the_task_while_pending_stops_the_wait_and_never_runs_the_function(self) -> None:
        polled = threading.Event()

        def script(seen: Any, i: int) -> Any:
            if i >= 1:
                polled.set()
            return answer("pending", "pending")  # answers at once: the SDK then pauses up to 1 s

        w = self.fake(script)
        # Without the cancellation reaching the worker thread it would poll about once a second
        # until max_wait: five more requests.
        c = self.client(w.url, wait_seconds=1, max_wait=5)
        runs = []

        @c.guarded("orders.refund")
        async def refund(order_id: str) -> None:
            runs.append(1)

        async def main() -> None:
            task = asyncio.ensure_future(refund("o-1"))
            await asyncio.get_running_loop().run_in_executor(None, polled.wait, 5)
            task.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await task

        asyncio.run(main())  # returns once the worker thread has stopped (the loop joins its executor)
        self.assertEqual(runs, [])
        self.assertLessEqual(len(w.seen), 3)

    def test_a_503_then_allow_in_async_code(self) -> None:
        w = self.fake([api_error(503, "unavailable", headers={"Retry-After": "0"}), answer("allow", "allowed"), flags()])
        c = self.client(w.url)

        @c.guarded("orders.refund")
        async def refund(order_id: str) -> str:
            return "ok"

        self.assertEqual(asyncio.run(refund("o-1")), "ok")
        self.assertEqual(w.seen[0].body["idempotencyKey"], w.seen[1].body["idempotencyKey"])
