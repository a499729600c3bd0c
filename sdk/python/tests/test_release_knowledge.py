"""release(key) and knowledge(set, key): the client side of the releases (issue 14) and knowledge
(issue 13) contracts, against a scripted server (real Warden doesn't serve them yet)."""

from __future__ import annotations

from support import Reply, WardenTestCase, answer, api_error, flags, warden

RELEASE = {"version": "stylist-v14", "config": {"model": "m-2026-10", "temperature": 0.3}, "rollout": "rol_1"}
FLOOR_RECORD = {"set": "price-floors", "version": 7, "key": "LUX-001", "value": {"floor": 100.0, "currency": "EUR"},
                "source": "erp://pricing/floors", "updatedAt": "2026-11-01T09:00:00.000Z", "stale": False}


class ReleaseTests(WardenTestCase):
    def test_release_reads_the_assignment_for_a_routing_key(self) -> None:
        w = self.fake([Reply(json=RELEASE, headers={"ETag": '"r1"'})])
        r = self.client(w.url).release("cust 123/ä")
        self.assertEqual((r.version, r.config, r.rollout, r.etag), ("stylist-v14", RELEASE["config"], "rol_1", '"r1"'))
        self.assertEqual((w.seen[0].method, w.seen[0].path), ("GET", "/v1/agent/release?key=cust%20123%2F%C3%A4"))
        self.assertEqual(w.seen[0].headers["authorization"], "Bearer wdn_test_key")

    def test_outside_a_rollout_rollout_is_none(self) -> None:
        w = self.fake([Reply(json={**RELEASE, "rollout": None})])
        self.assertIsNone(self.client(w.url).release("k").rollout)

    def test_a_release_is_reused_for_cache_seconds_per_key(self) -> None:
        w = self.fake([Reply(json=RELEASE, headers={"ETag": '"r1"'}), Reply(json={**RELEASE, "version": "stylist-v15"}, headers={"ETag": '"r2"'})])
        c = self.client(w.url, cache_seconds=60)
        first = c.release("cust-1")
        self.assertIs(c.release("cust-1"), first)
        self.assertEqual(c.release("cust-2").version, "stylist-v15")
        self.assertEqual(len(w.seen), 2)
        self.assertNotIn("if-none-match", w.seen[1].headers)

    def test_after_cache_seconds_it_is_revalidated_with_its_etag(self) -> None:
        w = self.fake([
            Reply(json=RELEASE, headers={"ETag": '"r1"'}),
            Reply(status=304, raw="", headers={"ETag": '"r1"'}),
            Reply(json={**RELEASE, "version": "stylist-v15"}, headers={"ETag": '"r2"'}),
            Reply(status=304, raw=""),
        ])
        c = self.client(w.url, cache_seconds=0)
        first = c.release("cust-1")
        self.assertIs(c.release("cust-1"), first)  # 304: the same answer
        second = c.release("cust-1")
        self.assertEqual(second.version, "stylist-v15")
        self.assertIs(c.release("cust-1"), second)
        self.assertEqual([s.headers.get("if-none-match") for s in w.seen], [None, '"r1"', '"r1"', '"r2"'])

    def test_a_304_nobody_asked_for_is_malformed(self) -> None:
        w = self.fake([Reply(status=304, raw="")])
        with self.assertRaises(warden.WardenUnavailable) as caught:
            self.client(w.url).release("k")
        self.assertEqual(caught.exception.code, "malformed_response")

    def test_malformed_release_answers(self) -> None:
        cases = {
            "no version": {"config": {}, "rollout": None},
            "an empty version": {**RELEASE, "version": ""},
            "config not an object": {**RELEASE, "config": "m-2026"},
            "no config": {"version": "v1", "rollout": None},
            "rollout a number": {**RELEASE, "rollout": 5},
            "a list": [RELEASE],
        }
        for what, body in cases.items():
            with self.subTest(what):
                w = self.fake([Reply(json=body)])
                with self.assertRaises(warden.WardenUnavailable) as caught:
                    self.client(w.url).release("k")
                self.assertEqual(caught.exception.code, "malformed_response")

    def test_a_warden_without_releases_answers_a_clear_error(self) -> None:
        w = self.fake([api_error(404, "not_found", "No endpoint /v1/agent/release")])
        with self.assertRaises(warden.WardenError) as caught:
            self.client(w.url).release("k")
        self.assertEqual((caught.exception.code, caught.exception.status), ("not_found", 404))

    def test_a_503_is_retried(self) -> None:
        w = self.fake([api_error(503, "unavailable", headers={"Retry-After": "0"}), Reply(json=RELEASE)])
        self.assertEqual(self.client(w.url).release("k").version, "stylist-v14")

    def test_an_empty_key_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            self.client("http://127.0.0.1:9").release("")

    def test_the_released_version_is_recorded_with_the_action(self) -> None:
        w = self.fake([Reply(json=RELEASE), answer("allow", "allowed", version="stylist-v14"), flags()])
        c = self.client(w.url)
        release = c.release("cust-123")
        with c.guard("stylist.recommend", input={"items": ["a"]}, version=release.version) as g:
            pass
        self.assertEqual(w.seen[1].body["version"], "stylist-v14")
        self.assertEqual(g.answer.version, "stylist-v14")

    def test_an_unknown_version_is_a_warden_error_and_nothing_runs(self) -> None:
        w = self.fake([api_error(400, "unknown_version", "No version stylist-v99 for this agent")])
        runs = []
        with self.assertRaises(warden.WardenError) as caught:
            with self.client(w.url).guard("stylist.recommend", version="stylist-v99"):
                runs.append(1)
        self.assertEqual(caught.exception.code, "unknown_version")
        self.assertEqual(runs, [])


class KnowledgeTests(WardenTestCase):
    def test_knowledge_reads_one_record_of_the_published_version(self) -> None:
        w = self.fake([Reply(json=FLOOR_RECORD, headers={"ETag": '"k7"'})])
        r = self.client(w.url).knowledge("price-floors", "LUX-001")
        self.assertEqual((r.set, r.key, r.version, r.value, r.stale, r.source, r.updated_at, r.etag),
                         ("price-floors", "LUX-001", 7, {"floor": 100.0, "currency": "EUR"}, False, "erp://pricing/floors",
                          "2026-11-01T09:00:00.000Z", '"k7"'))
        self.assertEqual(r.cited(), {"set": "price-floors", "version": 7})
        self.assertEqual((w.seen[0].method, w.seen[0].path), ("GET", "/v1/knowledge/price-floors/LUX-001"))

    def test_set_and_key_are_path_encoded(self) -> None:
        w = self.fake([Reply(json={**FLOOR_RECORD, "set": "return policy", "key": "FR/2"})])
        self.client(w.url).knowledge("return policy", "FR/2")
        self.assertEqual(w.seen[0].path, "/v1/knowledge/return%20policy/FR%2F2")

    def test_a_stale_record_raises_unless_allowed(self) -> None:
        stale = {**FLOOR_RECORD, "stale": True}
        w = self.fake([Reply(json=stale)])
        c = self.client(w.url, cache_seconds=60)
        with self.assertRaises(warden.StaleKnowledge) as caught:
            c.knowledge("price-floors", "LUX-001")
        self.assertEqual(caught.exception.code, "stale_knowledge")
        self.assertEqual(caught.exception.record.version, 7)
        self.assertTrue(c.knowledge("price-floors", "LUX-001", allow_stale=True).stale)
        self.assertEqual(len(w.seen), 1)  # the cached stale record is still refused, then served on request

    def test_records_are_cached_per_set_and_key_and_revalidated_with_their_etag(self) -> None:
        w = self.fake([
            Reply(json=FLOOR_RECORD, headers={"ETag": '"k7"'}),
            Reply(json={**FLOOR_RECORD, "key": "LUX-002"}, headers={"ETag": '"k7b"'}),
            Reply(status=304, raw=""),
        ])
        c = self.client(w.url, cache_seconds=0)
        a = c.knowledge("price-floors", "LUX-001")
        c.knowledge("price-floors", "LUX-002")
        self.assertIs(c.knowledge("price-floors", "LUX-001"), a)
        self.assertEqual(w.seen[2].headers.get("if-none-match"), '"k7"')

    def test_malformed_knowledge_answers(self) -> None:
        cases = {
            "another key": {**FLOOR_RECORD, "key": "LUX-002"},
            "another set": {**FLOOR_RECORD, "set": "competitors"},
            "no stale flag": {k: v for k, v in FLOOR_RECORD.items() if k != "stale"},
            "stale as a string": {**FLOOR_RECORD, "stale": "false"},
            "a version that is a string": {**FLOOR_RECORD, "version": "7"},
            "a version that is a boolean": {**FLOOR_RECORD, "version": True},
            "a negative version": {**FLOOR_RECORD, "version": -1},
            "no value": {k: v for k, v in FLOOR_RECORD.items() if k != "value"},
            "not an object": "LUX-001",
        }
        for what, body in cases.items():
            with self.subTest(what):
                w = self.fake([Reply(json=body)])
                with self.assertRaises(warden.WardenUnavailable) as caught:
                    self.client(w.url).knowledge("price-floors", "LUX-001")
                self.assertEqual(caught.exception.code, "malformed_response")

    def test_a_set_the_cohort_may_not_read_is_forbidden(self) -> None:
        w = self.fake([api_error(403, "forbidden", "This agent's cohort may not read price-floors")])
        with self.assertRaises(warden.WardenError) as caught:
            self.client(w.url).knowledge("price-floors", "LUX-001")
        self.assertEqual((caught.exception.code, caught.exception.status), ("forbidden", 403))
        self.assertEqual(len(w.seen), 1)

    def test_a_null_value_is_a_value(self) -> None:
        w = self.fake([Reply(json={**FLOOR_RECORD, "value": None})])
        self.assertIsNone(self.client(w.url).knowledge("price-floors", "LUX-001").value)
