"""Approve with changes and hand-offs against a real running Warden (started and set up by
``npm run test:python`` like test_real_warden.py; skipped without a Warden unless one was
promised). The policy ``py-sdk-markdowns`` (scripts/test-python.mjs) holds every
``py.pricing.markdown`` of the cohort ``py-sdk`` for an approver, who may change ``input.price``.
"""

from __future__ import annotations

import unittest
import uuid
from typing import Any, Dict, List, Optional

from support import warden
from test_real_warden import ENV, URL, Background, control, setUpModule, stored_action  # noqa: F401 - setUpModule skips without a Warden

from warden.receipts import fetch_receipt_keys, input_hash, verify_receipt

MARKDOWN = "py.pricing.markdown"


def approve(action_id: str, input: Optional[Dict[str, Any]] = None) -> Any:
    """The approver's vote; with ``input``, approved with changes (the whole modified input)."""
    body: Dict[str, Any] = {"decision": "approve", "comment": "ok at this price"}
    if input is not None:
        body["input"] = input
    return control("POST", f"/api/approvals/{action_id}", ENV["APPROVER_TOKEN"], body)


class RealApproveWithChangesTests(unittest.TestCase):
    def client(self, **extra: Any) -> warden.Warden:
        return warden.Warden(URL, ENV["AGENT_KEY"], **extra)

    def sku(self) -> str:
        return f"PY-MD-{uuid.uuid4().hex[:8]}"

    def test_a_guarded_function_gets_the_price_the_approver_lowered_and_the_report_passes_the_binding_check(self) -> None:
        sku = self.sku()
        votes: List[Background] = []
        pending: List[warden.ActionAnswer] = []

        def lower_to_45(answer: warden.ActionAnswer) -> None:
            pending.append(answer)
            votes.append(Background(approve, answer.id, {"sku": sku, "price": 45.0}))

        calls: List[float] = []
        c = self.client(max_wait=60, verify_receipts=True)  # the receipt's approvedInputHash is checked too

        @c.guarded(MARKDOWN, resource=lambda a: f"sku:{a['sku']}", wait=0, on_pending=lower_to_45)
        def markdown(sku: str, price: float) -> Dict[str, float]:
            calls.append(price)
            return {"appliedPrice": price}

        self.assertEqual(markdown(sku, 60.0), {"appliedPrice": 45})
        self.assertEqual(votes[0].result()["status"], "approved")
        self.assertEqual(calls, [45])  # never the 60 the agent asked for

        action_id = pending[0].id
        stored = stored_action(action_id)
        self.assertEqual((stored["status"], stored["result"]["status"], stored["result"]["output"]), ("approved", "succeeded", {"appliedPrice": 45}))
        self.assertEqual(stored["flags"], [])  # the input acted on is the approved one: no binding flag

        answer = c.get_action(action_id)
        self.assertEqual((answer.decision, answer.status), ("allow", "approved"))
        self.assertEqual(answer.approved_input, {"sku": sku, "price": 45})
        self.assertEqual(answer.approved_changes, [{"path": "input.price", "from": 60, "to": 45}])
        # The receipt of the approval states both inputs: the one sent and the one approved.
        check = verify_receipt(answer.receipt, fetch_receipt_keys(URL))
        self.assertTrue(check.ok, f"{check.reason}: {check.message}")
        assert check.payload is not None
        self.assertEqual((check.payload["status"], check.payload["inputHash"], check.payload["approvedInputHash"]),
                         ("approved", input_hash({"sku": sku, "price": 60.0}), input_hash({"sku": sku, "price": 45})))

    def test_a_guard_block_that_accepts_changes_acts_on_them(self) -> None:
        sku = self.sku()
        votes: List[Background] = []
        with self.client(max_wait=60).guard(MARKDOWN, input={"sku": sku, "price": 80.0}, wait=0, accept_changes=True,
                                            on_pending=lambda a: votes.append(Background(approve, a.id, {"sku": sku, "price": 72.5}))) as g:
            price = g.input_to_act_on["price"]
            flags = g.report({"appliedPrice": price})
        self.assertEqual(votes[0].result()["status"], "approved")
        self.assertEqual((price, g.changed, flags), (72.5, True, []))
        self.assertEqual(stored_action(g.answer.id)["flags"], [])

    def test_a_guard_block_that_does_not_accept_changes_never_runs(self) -> None:
        sku = self.sku()
        votes: List[Background] = []
        ran: List[int] = []
        with self.assertRaises(warden.ApprovedChangesNotApplied) as caught:
            with self.client(max_wait=60).guard(MARKDOWN, input={"sku": sku, "price": 80.0}, wait=0,
                                                on_pending=lambda a: votes.append(Background(approve, a.id, {"sku": sku, "price": 70.0}))):
                ran.append(1)
        self.assertEqual(votes[0].result()["status"], "approved")
        self.assertEqual(ran, [])
        stored = stored_action(caught.exception.action_id)
        self.assertEqual(stored["result"]["status"], "failed")
        self.assertIn("approved with changes, not run", stored["result"]["error"])
        self.assertEqual([f.get("code") for f in stored["flags"]], ["approved_input_unconfirmed"])

    def test_reporting_another_input_than_the_approved_one_is_flagged(self) -> None:
        c = self.client()
        sent = {"sku": self.sku(), "price": 90.0}
        pending = c.ask(MARKDOWN, input=sent)
        self.assertEqual(pending.status, "pending")
        approve(pending.id, {**sent, "price": 81.0})
        approved = c.get_action(pending.id)
        self.assertEqual(warden.input_to_act_on(sent, approved), {**sent, "price": 81})
        got = c.report_result(pending.id, "succeeded", output={"appliedPrice": 90.0}, input=sent)  # acted on the original
        self.assertEqual([f.code for f in got.flags], ["approved_input_mismatch"])


class RealHandoffTests(unittest.TestCase):
    def client(self, **extra: Any) -> warden.Warden:
        return warden.Warden(URL, ENV["AGENT_KEY"], **extra)

    def test_a_handoff_waits_for_a_human_even_where_no_policy_asks(self) -> None:
        c = self.client()
        sku = f"PY-HO-{uuid.uuid4().hex[:8]}"
        self.assertEqual(c.ask("py.pricing.set_price", input={"sku": sku, "price": 10.0}).status, "allowed")
        asked = c.ask("py.pricing.set_price", input={"sku": sku, "price": 11.0}, handoff={"reason": "competitor price looks wrong", "confidence": 0.4})
        self.assertEqual((asked.decision, asked.status), ("pending", "pending"))
        self.assertEqual([(r.code, r.message) for r in asked.reasons],
                         [("handoff", "The agent asked for a human: competitor price looks wrong (confidence 0.4)")])
        item = control("GET", f"/api/approvals?status=pending&id={asked.id}", ENV["APPROVER_TOKEN"])["approvals"][0]
        self.assertEqual(item["handoff"], {"reason": "competitor price looks wrong", "confidence": 0.4})

    def test_a_guarded_handoff_runs_once_a_human_approves_and_a_denial_stays_a_denial(self) -> None:
        votes: List[Background] = []
        ran: List[str] = []
        with self.client(max_wait=60).guard("py.pricing.set_price", input={"sku": "PY-HO-2", "price": 12.0}, wait=0,
                                            handoff={"reason": "first price change for this SKU"},
                                            on_pending=lambda a: votes.append(Background(approve, a.id))) as g:
            ran.append("set")
        self.assertEqual(votes[0].result()["status"], "approved")
        self.assertEqual((ran, g.answer.status, g.changed), (["set"], "approved", False))
        self.assertIn("handoff", [r.code for r in g.answer.reasons])

        with self.assertRaises(warden.ActionDenied) as caught:
            with self.client().guard("py.catalog.delete", handoff={"reason": "please check"}):
                ran.append("deleted")
        self.assertEqual((ran, caught.exception.status), (["set"], "denied"))


if __name__ == "__main__":
    unittest.main()
