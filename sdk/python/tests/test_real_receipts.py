"""Receipts signed by a real running Warden, verified offline by ``warden.receipts`` (pure-Python
Ed25519 and RFC 8785). Started and set up by ``npm run test:python`` like test_real_warden.py
(skipped without a Warden unless one was promised)."""

from __future__ import annotations

import json
import unittest
import urllib.request
import uuid
from typing import Any, Dict, List

from support import warden
from test_real_warden import ENV, URL, control, setUpModule  # noqa: F401 - setUpModule skips without a Warden

from warden.receipts import fetch_receipt_keys, input_hash, verify_receipt

APPROVER_EMAIL = "approver@python-sdk.test"  # scripts/test-python.mjs


class RealReceiptTests(unittest.TestCase):
    keys: Dict[str, Any]

    @classmethod
    def setUpClass(cls) -> None:
        cls.keys = fetch_receipt_keys(URL)

    def client(self, **extra: Any) -> warden.Warden:
        return warden.Warden(URL, ENV["AGENT_KEY"], **extra)

    def valid(self, receipt: Any) -> Dict[str, Any]:
        check = verify_receipt(receipt, self.keys)
        self.assertTrue(check.ok, f"{check.reason}: {check.message}")
        assert check.payload is not None
        return check.payload

    def test_the_keys_endpoint_answers_the_contract_without_credentials(self) -> None:
        with urllib.request.urlopen(URL + "/api/keys/receipts", timeout=10) as res:
            self.assertEqual(res.status, 200)
            doc = json.loads(res.read())
        self.assertEqual(list(doc), ["keys"])
        current = doc["keys"][0]
        self.assertEqual(set(current), {"kid", "alg", "publicKey", "validFrom", "validUntil", "status"})
        self.assertEqual((current["alg"], current["validUntil"], current["status"]), ("Ed25519", None, "current"))

    def test_allowed_and_denied_answers_carry_receipts_that_verify_offline_and_state_the_request(self) -> None:
        c = self.client()
        input = {"sku": "PY-R1", "price": 120.5, "note": "crème brûlée ☕", "tags": ["b", "a"], "big": 10**21}
        allowed = c.ask("py.pricing.set_price", resource="sku:PY-R1", input=input)
        self.assertEqual(allowed.status, "allowed")
        p = self.valid(allowed.receipt)
        self.assertEqual(
            {k: p[k] for k in ("actionId", "agentId", "action", "resource", "inputHash", "decision", "status", "approvers")},
            {"actionId": allowed.id, "agentId": ENV["AGENT_ID"], "action": "py.pricing.set_price", "resource": "sku:PY-R1",
             "inputHash": input_hash(input), "decision": "allow", "status": "allowed", "approvers": []},
        )
        self.assertTrue(all(set(v) == {"policyId", "version", "matched"} for v in p["policyVersions"]))
        self.assertEqual(c.get_action(allowed.id).receipt, allowed.receipt)

        denied = c.ask("py.catalog.delete", resource="catalog:eu")
        p = self.valid(denied.receipt)
        self.assertEqual((p["decision"], p["status"], p["inputHash"]), ("deny", "denied", input_hash({})))
        self.assertTrue(any(v["matched"] for v in p["policyVersions"]))

    def test_a_retry_gets_the_same_receipt_and_an_approval_a_new_one_naming_the_approver(self) -> None:
        c = self.client()
        key = str(uuid.uuid4())
        input = {"orderId": f"order-{uuid.uuid4()}", "amount": 900.0}
        pending = c.ask("py.orders.refund", input=input, idempotency_key=key)
        self.assertEqual(pending.status, "pending")
        self.assertEqual(self.valid(pending.receipt)["status"], "pending")
        self.assertEqual(c.ask("py.orders.refund", input=input, idempotency_key=key).receipt, pending.receipt)

        control("POST", f"/api/approvals/{pending.id}", ENV["APPROVER_TOKEN"], {"decision": "approve"})
        approved = c.get_action(pending.id)
        p = self.valid(approved.receipt)
        self.assertEqual((p["decision"], p["status"]), ("allow", "approved"))
        self.assertEqual([a["email"] for a in p["approvers"]], [APPROVER_EMAIL])
        self.assertEqual(p["inputHash"], input_hash(input))
        self.assertEqual(c.ask("py.orders.refund", input=input, idempotency_key=key).receipt, approved.receipt)

    def test_a_tampered_or_foreign_receipt_fails_with_the_reason(self) -> None:
        receipt = self.client().ask("py.pricing.set_price", resource="sku:PY-R2", input={"price": 10.0}).receipt
        assert receipt is not None
        changed = dict(receipt, payload=dict(receipt["payload"], resource="sku:PY-R3"))
        self.assertEqual(verify_receipt(changed, self.keys).reason, "bad_signature")
        self.assertEqual(verify_receipt(dict(receipt, kid="someone-else"), self.keys).reason, "unknown_key")
        sig = receipt["signature"]  # a middle character: the last one's two low bits are padding
        flipped = sig[:40] + ("g" if sig[40] == "A" else "A") + sig[41:]
        self.assertEqual(verify_receipt(dict(receipt, signature=flipped), self.keys).reason, "bad_signature")

    def test_verify_receipts_checks_every_answer_and_refuses_to_act_without_a_valid_one(self) -> None:
        ran: List[str] = []
        with self.client(verify_receipts=True).guard("py.pricing.set_price", resource="sku:PY-R4", input={"price": 130.0}) as g:
            ran.append("checked")
            g.report({"appliedPrice": 130.0})
        self.assertEqual(ran, ["checked"])

        pinned = self.client(verify_receipts=self.keys)
        self.assertEqual(pinned.ask("py.pricing.set_price", input={"price": 131.0}).status, "allowed")

        foreign = {"keys": [{"kid": k["kid"], "alg": "Ed25519", "publicKey": "B" * 43, "validFrom": None, "validUntil": None} for k in self.keys["keys"]]}
        with self.assertRaises(warden.WardenUnavailable) as caught:
            with self.client(verify_receipts=foreign).guard("py.pricing.set_price", input={"price": 132.0}):
                ran.append("must not run")
        self.assertEqual(caught.exception.code, "invalid_receipt")
        self.assertIn("bad_signature", str(caught.exception))
        self.assertEqual(ran, ["checked"])


if __name__ == "__main__":
    unittest.main()
