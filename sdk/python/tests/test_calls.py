"""The one-request calls (ask, get_action, report_result, agent) and the client's settings."""

from __future__ import annotations

from support import Reply, WardenTestCase, answer, api_error, warden


class AskTests(WardenTestCase):
    def test_ask_sends_only_the_contracts_fields_and_answers_typed(self) -> None:
        shadow = [{"code": "policy", "policyName": "stylist-basket-size-trial", "effect": "deny", "message": "More than 8 recommended items"}]
        w = self.fake([answer("allow", "allowed", shadow=shadow)])
        a = self.client(w.url).ask("stylist.recommend", input={"items": ["a"]}, wait=5, idempotency_key="k1")
        self.assertEqual((a.id, a.decision, a.status, a.reasons), ("act_1", "allow", "allowed", []))
        self.assertTrue(a.allowed)
        self.assertEqual([(r.code, r.policy_name, r.effect, r.message) for r in a.shadow],
                         [("policy", "stylist-basket-size-trial", "deny", "More than 8 recommended items")])
        self.assertIsNone(a.expires_at)
        self.assertEqual(w.seen[0].body, {"action": "stylist.recommend", "input": {"items": ["a"]}, "idempotencyKey": "k1", "wait": 5})

    def test_ask_returns_a_denial_without_raising(self) -> None:
        w = self.fake([answer("deny", "denied", reasons=[{"code": "agent_halted", "message": "Agent halted: bad feed"}])])
        a = self.client(w.url).ask("pricing.set_price")
        self.assertFalse(a.allowed)
        self.assertEqual(a.reasons[0].code, "agent_halted")

    def test_fields_a_newer_warden_adds_are_tolerated_and_kept(self) -> None:
        receipt = {"kid": "k1", "alg": "Ed25519", "payload": {"decision": "allow"}, "signature": "c2ln"}
        w = self.fake([answer("allow", "allowed", version="stylist-v14", receipt=receipt, knowledge=[{"set": "price-floors", "version": 3}])])
        a = self.client(w.url).ask("stylist.recommend")
        self.assertEqual(a.version, "stylist-v14")
        self.assertEqual(a.receipt, receipt)
        self.assertEqual(a.raw["knowledge"], [{"set": "price-floors", "version": 3}])

    def test_optional_fields_of_the_wrong_type_are_ignored_not_trusted(self) -> None:
        w = self.fake([answer("pending", "pending", expiresAt=12, version=3, receipt="forged")])
        a = self.client(w.url).ask("orders.refund")
        self.assertEqual((a.expires_at, a.version, a.receipt), (None, None, None))

    def test_the_clients_version_is_sent_with_every_action_unless_one_is_named(self) -> None:
        w = self.fake([answer("allow", "allowed"), answer("allow", "allowed")])
        c = self.client(w.url, version="stylist-v14")
        c.ask("stylist.recommend")
        c.ask("stylist.recommend", version="stylist-v15")
        self.assertEqual([s.body["version"] for s in w.seen], ["stylist-v14", "stylist-v15"])

    def test_no_version_is_sent_when_none_is_set(self) -> None:
        w = self.fake([answer("allow", "allowed")])
        self.client(w.url).ask("stylist.recommend")
        self.assertNotIn("version", w.seen[0].body)

    def test_input_that_is_not_a_json_object_is_refused_before_asking(self) -> None:
        w = self.fake([])
        c = self.client(w.url)
        with self.assertRaises(TypeError):
            c.ask("pricing.set_price", input={"when": object()})
        with self.assertRaises(TypeError):
            c.ask("pricing.set_price", input=["not", "an", "object"])  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            c.ask("pricing.set_price", context={"x": float("nan")})
        self.assertEqual(w.seen, [])

    def test_dataclass_input_is_sent_as_an_object(self) -> None:
        from dataclasses import dataclass

        @dataclass
        class Price:
            sku: str
            price: float

        w = self.fake([answer("allow", "allowed")])
        self.client(w.url).ask("pricing.set_price", input=Price("LUX-001", 99.5))  # type: ignore[arg-type]
        self.assertEqual(w.seen[0].body["input"], {"sku": "LUX-001", "price": 99.5})

    def test_get_action_encodes_the_id_and_clamps_wait(self) -> None:
        w = self.fake([answer("deny", "expired")])
        with self.assertRaises(warden.WardenUnavailable):  # the answer is about act_1, not the id asked
            self.client(w.url).get_action("act/../x", wait=500)
        self.assertEqual(w.seen[0].path, "/v1/actions/act%2F..%2Fx?wait=60")


class ReportResultTests(WardenTestCase):
    def test_report_result_sends_status_output_and_error_and_returns_flags(self) -> None:
        w = self.fake([Reply(json={"id": "act_1", "flags": [{"policyId": "pol_1", "policyName": "p", "message": "m"}, "junk"]})])
        got = self.client(w.url).report_result("act_1", "failed", error="carrier down")
        self.assertEqual([(f.policy_id, f.message) for f in got.flags], [("pol_1", "m")])
        self.assertEqual(w.seen[0].body, {"status": "failed", "error": "carrier down"})

    def test_a_bad_status_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            self.client("http://127.0.0.1:9").report_result("act_1", "done")

    def test_already_reported_is_a_warden_error(self) -> None:
        w = self.fake([api_error(409, "result_already_reported")])
        with self.assertRaises(warden.WardenError) as caught:
            self.client(w.url).report_result("act_1", "succeeded")
        self.assertEqual(caught.exception.code, "result_already_reported")


class AgentTests(WardenTestCase):
    def test_agent_reads_get_v1_agent_with_the_key(self) -> None:
        me = {"id": "agt_1", "name": "price-optimizer-eu", "cohort": "pricing", "owner": "pricing-team@maison.example",
              "riskTier": "high", "status": "halted", "haltReason": "bad feed"}
        w = self.fake([Reply(json=me)])
        a = self.client(w.url).agent()
        self.assertEqual((a.id, a.name, a.cohort, a.owner, a.risk_tier, a.status, a.halt_reason),
                         ("agt_1", "price-optimizer-eu", "pricing", "pricing-team@maison.example", "high", "halted", "bad feed"))
        self.assertTrue(a.halted)
        self.assertEqual((w.seen[0].method, w.seen[0].path), ("GET", "/v1/agent"))
        self.assertEqual(w.seen[0].headers["authorization"], "Bearer wdn_test_key")

    def test_whoami_is_the_same_call(self) -> None:
        w = self.fake([Reply(json={"id": "agt_1", "name": "n", "cohort": "c", "status": "active"})])
        a = self.client(w.url).whoami()
        self.assertEqual((a.owner, a.halted), ("", False))

    def test_an_agent_answer_without_a_cohort_is_malformed(self) -> None:
        w = self.fake([Reply(json={"id": "agt_1", "name": "n", "status": "active"})])
        with self.assertRaises(warden.WardenUnavailable) as caught:
            self.client(w.url).agent()
        self.assertEqual(caught.exception.code, "malformed_response")

    def test_agent_is_retried_on_a_5xx(self) -> None:
        w = self.fake([api_error(502, "bad_gateway"), Reply(json={"id": "agt_1", "name": "n", "cohort": "c", "status": "active"})])
        self.assertEqual(self.client(w.url).agent().id, "agt_1")


class ClientSettingsTests(WardenTestCase):
    def test_refuses_a_client_without_a_usable_url_or_key(self) -> None:
        for url in ("localhost:3000/x y", "ftp://warden.example", "http://", "http://host:notaport"):
            with self.subTest(url), self.assertRaises(ValueError):
                warden.Warden(url, "k")
        with self.assertRaises(ValueError):
            warden.Warden("http://localhost:3000", "  ")
        with self.assertRaises(ValueError):
            warden.Warden("http://localhost:3000", "k", timeout=0)
        with self.assertRaises(ValueError):
            warden.Warden("http://localhost:3000", "k", max_wait=-1)

    def test_keeps_the_key_out_of_its_repr(self) -> None:
        c = warden.Warden("http://localhost:3000/", "wdn_secret")
        self.assertEqual(c.url, "http://localhost:3000")
        self.assertNotIn("wdn_secret", repr(c) + str(c))
        self.assertNotIn("wdn_secret", repr(c.guard("x.y")))

    def test_a_base_path_is_kept(self) -> None:
        w = self.fake([Reply(json={"id": "agt_1", "name": "n", "cohort": "c", "status": "active"})])
        self.client(w.url + "/warden/").agent()
        self.assertEqual(w.seen[0].path, "/warden/v1/agent")
