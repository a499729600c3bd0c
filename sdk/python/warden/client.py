"""The agent side of Warden: :class:`Warden`."""

from __future__ import annotations

import logging
import math
import random
import ssl
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Mapping, Optional, Set, TypeVar, Union
from urllib.parse import quote

from ._cache import RevalidatingCache
from ._cancel import Cancellation
from ._http import Transport, is_retriable
from ._values import OMITTED, handoff_body, js_truncate, json_object
from .answers import (
    parse_action_answer,
    parse_agent,
    parse_knowledge,
    parse_release,
    parse_result_answer,
)
from .errors import ApprovalTimeout, StaleKnowledge, WardenError, WardenUnavailable
from .guard import F, Guard, guarded_decorator
from .receipts import fetch_receipt_keys, input_hash, verify_receipt
from .types import ActionAnswer, AgentInfo, KnowledgeRecord, Release, ResultAnswer

log = logging.getLogger("warden")

T = TypeVar("T")

MAX_WAIT_SECONDS = 60  # the API's cap on one long-poll
ASK_RETRIES = 2
REPORT_ATTEMPTS = 4
EXPIRY_GRACE = 60.0
DEFAULT_MAX_WAIT = 24 * 3600.0
BACKOFF_BASE = 0.2  # seconds; attempt n waits BACKOFF_BASE * 3**n * (1 .. 1.5)
MAX_UNKNOWN_KIDS = 100  # key ids the receipt keys were fetched again for (each once)

#: ``on_result_report_error(error, action_id, result)``: ``result`` is what could not be sent,
#: as keyword arguments for :meth:`Warden.report_result` (``status`` and ``output``/``error``).
ReportErrorHook = Callable[[BaseException, str, Dict[str, Any]], None]


def _clamp_wait(seconds: Optional[float]) -> int:
    if seconds is None or not isinstance(seconds, (int, float)) or math.isnan(seconds):
        return 0
    return int(min(MAX_WAIT_SECONDS, max(0, math.ceil(seconds))))


def _backoff(attempt: int) -> float:
    return float(BACKOFF_BASE * 3.0**attempt * (1 + random.random() / 2))


def _warn_report_failure(error: BaseException, action_id: str, result: Dict[str, Any]) -> None:
    log.warning("[warden] the result (%s) of %s could not be reported: %s", result.get("status"), action_id, error)


class Warden:
    """A client for one agent key. Anything short of a clear "allow" — a denial, a human's
    rejection, no decision in time, Warden unreachable or answering nonsense — means the action
    does not run. Thread-safe: share one instance.

    Args:
        url: Warden's base URL, e.g. ``"https://warden.example.com"``.
        api_key: the agent's key (``wdn_…``), sent as ``Authorization: Bearer``; never shown in
            a ``repr``, a log line or an error message.
        timeout: seconds per request, on top of any long-poll wait (default 5).
        wait_seconds: how long each long-poll asks the server to hold, 0..60 (default 60).
        max_wait: seconds ``guard`` waits for a human in total before :class:`ApprovalTimeout`.
            Default: until the pending action's ``expiresAt`` plus a minute, 24 h at most.
        retries: retries of a request that got no answer, a 5xx or a 429 (default 2), always
            with the same idempotency key, so Warden records the action once.
        retry_budget: seconds within which those retries must happen (default 10); a
            ``Retry-After`` longer than what is left ends the retries at once.
        version: the agent version (releases) sent with every action unless ``guard`` names
            one; ``None`` sends none.
        cache_seconds: how long ``release()`` and ``knowledge()`` answers are used without
            asking again (default 5); after that they are revalidated with their ETag.
        ssl_context: for https with a private CA or client certificates.
        on_result_report_error: called when a guarded action ran but its outcome could not be
            reported after retries, with ``(error, action_id, result)``; resend later with
            ``warden.report_result(action_id, **result)``. Default: a warning on the ``warden``
            logger.
        verify_receipts: check the signed receipt of every answer before acting on it
            (``warden.receipts``): a missing, invalid or mismatched receipt (another action,
            status, action name, resource or input than asked, or after an approval with
            changes another approved input than the answer's ``approved_input``) raises
            :class:`WardenUnavailable` with code ``invalid_receipt`` and the action does not
            run. ``True`` uses the keys of ``GET <url>/api/keys/receipts`` (fetched at first use,
            and again once for each unknown key id: a rotation); a dict ``{"keys": [...]}`` pins
            them (from your configuration). Pure-Python Ed25519: a few ms per answer. Default off.

    Raises:
        ValueError: a URL that is not absolute http(s), an empty key, a bad number.
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        timeout: float = 5.0,
        wait_seconds: float = 60,
        max_wait: Optional[float] = None,
        retries: int = ASK_RETRIES,
        retry_budget: float = 10.0,
        version: Optional[str] = None,
        cache_seconds: float = 5.0,
        ssl_context: Optional[ssl.SSLContext] = None,
        on_result_report_error: Optional[ReportErrorHook] = None,
        verify_receipts: Union[bool, Mapping[str, Any]] = False,
    ) -> None:
        if not isinstance(url, str):
            raise TypeError("Warden: url must be a string")
        if not isinstance(api_key, str) or api_key.strip() == "":
            raise ValueError("Warden: api_key is required")
        for name, value in (("timeout", timeout), ("retry_budget", retry_budget), ("cache_seconds", cache_seconds)):
            if not isinstance(value, (int, float)) or math.isnan(value) or value < 0 or (name == "timeout" and value == 0):
                raise ValueError(f"Warden: {name} must be a positive number of seconds")
        if max_wait is not None and (not isinstance(max_wait, (int, float)) or math.isnan(max_wait) or max_wait < 0):
            raise ValueError("Warden: max_wait must be a number of seconds ≥ 0")
        if not isinstance(retries, int) or retries < 0:
            raise ValueError("Warden: retries must be an integer ≥ 0")
        if version is not None and (not isinstance(version, str) or version == ""):
            raise ValueError("Warden: version must be a non-empty string")
        if not isinstance(verify_receipts, bool) and not (isinstance(verify_receipts, Mapping) and isinstance(verify_receipts.get("keys"), list)):
            raise ValueError('Warden: verify_receipts must be True, False or {"keys": [...]}')
        try:
            self._transport = Transport(url.strip().rstrip("/"), api_key.strip(), float(timeout), ssl_context)
        except ValueError as err:
            raise ValueError(f"Warden: {err}, got {url!r}") from None
        self.url: str = self._transport.base
        self.timeout = float(timeout)
        self.wait_seconds = _clamp_wait(wait_seconds)
        self.max_wait = None if max_wait is None else float(max_wait)
        self.retries = retries
        self.retry_budget = float(retry_budget)
        self.version = version
        self._releases: RevalidatingCache[Release] = RevalidatingCache(cache_seconds)
        self._knowledge: RevalidatingCache[KnowledgeRecord] = RevalidatingCache(cache_seconds)
        self._on_result_report_error: ReportErrorHook = on_result_report_error or _warn_report_failure
        self._ssl_context = ssl_context
        self._verify_receipts = bool(verify_receipts)
        self._pinned_keys: Optional[Mapping[str, Any]] = verify_receipts if isinstance(verify_receipts, Mapping) else None
        self._receipt_keys: Optional[Mapping[str, Any]] = None
        self._refetched_for: Set[str] = set()
        self._keys_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Warden(url={self.url!r})"

    # ── guarding ────────────────────────────────────────────────────────────────────────────

    def guard(
        self,
        action: str,
        resource: Optional[str] = None,
        input: Optional[Dict[str, Any]] = None,
        context: Optional[Dict[str, Any]] = None,
        *,
        idempotency_key: Optional[str] = None,
        version: Optional[str] = None,
        wait: Optional[float] = None,
        max_wait: Optional[float] = None,
        on_pending: Optional[Callable[[ActionAnswer], None]] = None,
        cancel: Optional[threading.Event] = None,
        handoff: Optional[Mapping[str, Any]] = None,
        accept_changes: bool = False,
    ) -> Guard:
        """One guarded action, as a context manager (``with`` or ``async with``)::

            with warden.guard("pricing.set_price", resource="sku:LUX-001",
                              input={"sku": "LUX-001", "price": 120.5}) as g:
                applied = store.set_price("LUX-001", 120.5)   # runs only when allowed
                g.report({"appliedPrice": applied})           # optional: the output, now

        Entering asks Warden (``POST /v1/actions``, retried with one idempotency key), waits
        (long-polls) while a human decides, and raises :class:`ActionDenied`,
        :class:`ApprovalTimeout`, :class:`WardenUnavailable`, :class:`WaitCancelled` or
        :class:`WardenError` — so the block never runs — unless the decision is ``allow``.
        Leaving reports the outcome unless ``g.report``/``g.fail`` already did: ``succeeded``
        when the block finished, ``failed`` with the exception's message when it raised (the
        exception is re-raised unchanged). A report that can't be delivered never raises; see
        ``on_result_report_error``.

        **Approved with changes** (an approver lowered the price): the block must act on
        ``g.input_to_act_on`` — your input with the approvers' changes applied — and say so with
        ``accept_changes=True``; the report then carries that input, which Warden checks
        against the approval. Without ``accept_changes`` such an approval raises
        :class:`ApprovedChangesNotApplied` on entering (reported as ``failed``): the block,
        written for the values as asked, never runs with them::

            with warden.guard("pricing.set_price", input={"sku": sku, "price": 120.5},
                              accept_changes=True) as g:
                store.set_price(sku, g.input_to_act_on["price"])

        Args:
            action: what the agent is about to do, ``[a-z0-9_.:-]{1,128}``.
            resource: what it acts on (≤ 256 characters), e.g. ``"sku:LUX-001"``.
            input: what policies see as ``input`` (a JSON object ≤ 64 KiB).
            context: what policies see as ``context`` (a JSON object ≤ 16 KiB).
            idempotency_key: same key, same answer; generated (a UUID) when absent.
            version: the agent version to record (releases); default the client's.
            wait: long-poll seconds for the first request (default ``wait_seconds``; 0 answers
                at once even when pending).
            max_wait: seconds to wait for a human (default the client's ``max_wait``).
            on_pending: called once with the pending answer before waiting on.
            cancel: a ``threading.Event``; setting it stops waiting (:class:`WaitCancelled`).
            handoff: ``{"reason": str, "confidence": 0..1 (optional)}`` asks for a person
                yourself (when unsure): the action always waits for a human unless a policy
                denies it; ``confidence`` is also ``context.confidence`` to policies. Checked
                here as the API checks it (ValueError/TypeError before anything is sent).
            accept_changes: the block acts on ``g.input_to_act_on`` (see above).
        """
        return Guard(
            self,
            action,
            resource=resource,
            input=input,
            context=context,
            idempotency_key=idempotency_key,
            version=version,
            wait=wait,
            max_wait=max_wait,
            on_pending=on_pending,
            cancel=cancel,
            handoff=handoff,
            accept_changes=accept_changes,
        )

    def guarded(
        self, action: str, resource: Any = None, input: Any = None, context: Any = None, **options: Any
    ) -> Callable[[F], F]:
        """A decorator: every call of the function is a guarded action::

            @warden.guarded("pricing.set_price", resource=lambda a: f"sku:{a['sku']}")
            def set_price(sku: str, price: float) -> dict:
                return store.set_price(sku, price)

        By default the action's ``input`` is the call's arguments by name (``{"sku": …,
        "price": …}``); ``resource``, ``input``, ``context``, ``idempotency_key`` and
        ``version`` may each be a value or a function of that dict, and so may ``handoff``
        (``None``: no hand-off). The function runs only when allowed; its return value is
        reported as the output (when JSON and ≤ 64 KiB) and returned; its exception is reported
        as ``failed`` and re-raised. Works on ``async def`` functions too (Warden is asked from
        a worker thread). Other options as for :meth:`guard`, plus ``on_flags(flags, answer)``,
        called when post-stage policies flagged the result.

        Approved with changes (``set_price(sku, 120.5)`` approved at 99): the function is
        called with the changed arguments (``price=99``) and the report carries the input acted
        on. Each changed input key must be an argument of that name with the value the input
        says (always so with the default ``input``); otherwise the function does not run and
        :class:`ApprovedChangesNotApplied` is raised (reported as ``failed``).
        """
        return guarded_decorator(self, action, resource, input, context, options)

    # ── one request each ────────────────────────────────────────────────────────────────────

    def ask(
        self,
        action: str,
        resource: Optional[str] = None,
        input: Optional[Dict[str, Any]] = None,
        context: Optional[Dict[str, Any]] = None,
        *,
        idempotency_key: Optional[str] = None,
        wait: float = 0,
        version: Optional[str] = None,
        cancel: Optional[threading.Event] = None,
        handoff: Optional[Mapping[str, Any]] = None,
    ) -> ActionAnswer:
        """Asks once whether the action may happen (``POST /v1/actions``) and returns the
        answer, whatever it is. With ``wait`` > 0 (seconds, ≤ 60) the server holds the request
        while a human decides. No answer, a 5xx or a 429 are retried (``retries``, within
        ``retry_budget``, honouring ``Retry-After``) with the same idempotency key (generated
        when absent), so the action is recorded once. ``handoff`` as for :meth:`guard`.

        After an approval with changes the answer has ``approved_input`` and
        ``approved_changes``: act on ``warden.input_to_act_on(input, answer)`` and report it
        (``report_result(..., input=…)``).

        Raises:
            WardenUnavailable, WardenError; TypeError when ``input``/``context`` aren't JSON
            objects; ValueError/TypeError for a bad ``handoff``.
        """
        body = self._action_body(action, resource, input, context, idempotency_key or str(uuid.uuid4()), _clamp_wait(wait), version, handoff)
        return self._post_action(body, Cancellation(cancel))

    def get_action(self, action_id: str, wait: float = 0) -> ActionAnswer:
        """The current answer for one of this agent's actions (``GET /v1/actions/{id}``); ``wait``
        (0..60 s) long-polls while it is pending. One request.

        Raises:
            WardenUnavailable (also when the answer is about another action), WardenError
            (``not_found`` for another agent's action).
        """
        w = _clamp_wait(wait)
        res = self._transport.request("GET", f"/v1/actions/{quote(action_id, safe='')}?wait={w}", wait=w)
        answer = parse_action_answer(res.body, res.status, expected_id=action_id)
        if self._verify_receipts:
            self._check_receipt(answer, None)
        return answer

    def report_result(
        self, action_id: str, status: str, output: Any = None, error: Optional[str] = None, input: Optional[Mapping[str, Any]] = None
    ) -> ResultAnswer:
        """Reports what happened after an allowed action, once (``POST /v1/actions/{id}/result``),
        and returns the post-check flags. ``status`` is ``"succeeded"`` or ``"failed"``;
        ``output`` (JSON, ≤ 64 KiB) and ``error`` (≤ 4,000 characters) are left out when ``None``.
        ``input`` is the input acted on: after an approval with changes Warden checks it against
        the approval (a different one is flagged ``approved_input_mismatch``, none
        ``approved_input_unconfirmed``); left out when ``None``. One request.

        Raises:
            ValueError for a bad status; TypeError for an ``input`` that is not a JSON object;
            WardenError (``result_already_reported``, ``action_not_allowed``…), WardenUnavailable.
        """
        if status not in ("succeeded", "failed"):
            raise ValueError('Warden: status must be "succeeded" or "failed"')
        body: Dict[str, Any] = {"status": status}
        if output is not None and output is not OMITTED:
            body["output"] = output
        if error is not None:
            body["error"] = js_truncate(str(error), 4000)
        if input is not None:
            body["input"] = json_object(input, "input")
        res = self._transport.request("POST", f"/v1/actions/{quote(action_id, safe='')}/result", body=body)
        return parse_result_answer(res.body, res.status, action_id)

    def agent(self) -> AgentInfo:
        """Who this key belongs to, and whether it is halted (``GET /v1/agent``). Retried as
        :meth:`ask` is."""
        return self._with_retries(lambda: self._get_agent(), Cancellation())

    #: The TypeScript SDK's name for :meth:`agent`.
    whoami = agent

    def release(self, key: str) -> Release:
        """Which agent version to run for a routing key (a customer, session, order or SKU id):
        ``GET /v1/agent/release?key=…`` → :class:`Release` ``(version, config, rollout)``. The
        same key gets the same version for the life of a rollout step. Answers are reused for
        ``cache_seconds`` and then revalidated with their ETag. Pass ``release.version`` to
        ``guard(version=…)`` so the action is recorded under it.

        Raises:
            ValueError for an empty key; WardenError, WardenUnavailable.
        """
        if not isinstance(key, str) or key == "":
            raise ValueError("Warden: a release key must be a non-empty string")
        path = f"/v1/agent/release?key={quote(key, safe='')}"
        return self._cached_get(self._releases, key, path, lambda body, status, etag: parse_release(body, status, etag))

    def knowledge(self, set: str, key: str, *, allow_stale: bool = False) -> KnowledgeRecord:
        """One approved fact from the published version of a knowledge set
        (``GET /v1/knowledge/{set}/{key}``), reused for ``cache_seconds`` and then revalidated
        with its ETag. Cite what you used in an action's context:
        ``context={"knowledge": [record.cited()]}``.

        Raises:
            StaleKnowledge when Warden marks the record stale, unless ``allow_stale``;
            WardenError (``forbidden`` when the agent's cohort may not read the set,
            ``not_found``), WardenUnavailable.
        """
        if not isinstance(set, str) or set == "" or not isinstance(key, str) or key == "":
            raise ValueError("Warden: knowledge set and key must be non-empty strings")
        path = f"/v1/knowledge/{quote(set, safe='')}/{quote(key, safe='')}"
        record = self._cached_get(
            self._knowledge, (set, key), path, lambda body, status, etag: parse_knowledge(body, status, set, key, etag)
        )
        if record.stale and not allow_stale:
            raise StaleKnowledge(record)
        return record

    # ── internals used by Guard ─────────────────────────────────────────────────────────────

    def _action_body(
        self,
        action: str,
        resource: Optional[str],
        input: Optional[Dict[str, Any]],
        context: Optional[Dict[str, Any]],
        idempotency_key: str,
        wait: int,
        version: Optional[str],
        handoff: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        if not isinstance(action, str) or action == "":
            raise ValueError("Warden: action must be a non-empty string")
        # Only the contract's fields: the server refuses unknown ones.
        body: Dict[str, Any] = {"action": action}
        if resource is not None:
            body["resource"] = str(resource)
        if input is not None:
            body["input"] = json_object(input, "input")
        if context is not None:
            body["context"] = json_object(context, "context")
        if handoff is not None:
            body["handoff"] = handoff_body(handoff)
        body["idempotencyKey"] = idempotency_key
        body["wait"] = wait
        v = version if version is not None else self.version
        if v is not None:
            body["version"] = v
        return body

    def _post_action(self, body: Dict[str, Any], stop: Cancellation) -> ActionAnswer:
        def once() -> ActionAnswer:
            res = self._transport.request("POST", "/v1/actions", body=body, wait=body["wait"])
            return parse_action_answer(res.body, res.status)

        answer = self._with_retries(once, stop)
        if self._verify_receipts:
            self._check_receipt(answer, body)
        return answer

    def _check_receipt(self, answer: ActionAnswer, body: Optional[Dict[str, Any]]) -> None:
        """With ``verify_receipts``: the answer's receipt must verify and state this answer (and,
        after a POST, this request; after an approval with changes, ``approvedInputHash`` =
        ``input_hash(answer.approved_input)``); else ``invalid_receipt``."""

        def invalid(why: str, reason: str) -> WardenUnavailable:
            return WardenUnavailable(
                f"Warden's answer about {answer.id} has no valid receipt: {why}", code="invalid_receipt", status=200, details={"reason": reason}
            )

        if answer.receipt is None:
            raise invalid("it carries none", "missing")
        check = verify_receipt(answer.receipt, self._keys_for_receipts(refresh_for=None))
        if not check.ok and check.reason == "unknown_key" and check.kid and self._pinned_keys is None:
            # A key id not seen yet: a rotation since the keys were fetched. Asked once per key id.
            keys = self._keys_for_receipts(refresh_for=check.kid)
            check = verify_receipt(answer.receipt, keys)
        if not check.ok:
            raise invalid(f"{check.reason}: {check.message}", str(check.reason))
        p = check.payload or {}
        mismatch = []
        if p.get("actionId") != answer.id:
            mismatch.append(f"action id {p.get('actionId')}")
        if p.get("status") != answer.status or p.get("decision") != answer.decision:
            mismatch.append(f"{p.get('decision')}/{p.get('status')}")
        if body is not None:
            if p.get("action") != body["action"]:
                mismatch.append(f"action {p.get('action')}")
            if p.get("resource") != body.get("resource", ""):
                mismatch.append(f"resource {p.get('resource')!r}")
            if p.get("inputHash") != input_hash(body.get("input")):
                mismatch.append("another input")
        # Approved with changes: the approved input the answer hands over is the one signed.
        if answer.approved_input is not None or "approvedInputHash" in p:
            if answer.approved_input is None or p.get("approvedInputHash") != input_hash(answer.approved_input):
                mismatch.append("another approved input")
        if mismatch:
            raise invalid("it states " + ", ".join(mismatch), "mismatch")

    def _keys_for_receipts(self, refresh_for: Optional[str]) -> Mapping[str, Any]:
        if self._pinned_keys is not None:
            return self._pinned_keys
        with self._keys_lock:
            if refresh_for is not None and refresh_for not in self._refetched_for and len(self._refetched_for) < MAX_UNKNOWN_KIDS:
                self._refetched_for.add(refresh_for)
                self._receipt_keys = None
            if self._receipt_keys is None:
                try:
                    self._receipt_keys = fetch_receipt_keys(self.url, timeout=self.timeout, ssl_context=self._ssl_context)
                except (OSError, ValueError) as err:
                    raise WardenUnavailable(
                        f"Warden's receipt keys could not be fetched from {self.url}/api/keys/receipts: {err}", code="receipt_keys_unavailable"
                    ) from None
            return self._receipt_keys

    def _decide(self, guard: Guard, stop: Cancellation) -> ActionAnswer:
        """Asks, then waits for a human while pending; returns the final answer."""
        started = time.monotonic()
        started_wall = time.time()
        max_wait = guard.max_wait if guard.max_wait is not None else self.max_wait
        cap = MAX_WAIT_SECONDS if max_wait is None else math.ceil(max_wait)
        wait = min(_clamp_wait(guard.wait if guard.wait is not None else self.wait_seconds), cap)
        body = self._action_body(guard.action, guard.resource, guard.input, guard.context, guard.idempotency_key, wait, guard.version, guard.handoff)
        stop.check()
        answer = self._post_action(body, stop)
        if answer.pending:
            answer = self._await_decision(answer, started, started_wall, max_wait, guard.on_pending, stop)
        return answer

    def _await_decision(
        self,
        first: ActionAnswer,
        started: float,
        started_wall: float,
        max_wait: Optional[float],
        on_pending: Optional[Callable[[ActionAnswer], None]],
        stop: Cancellation,
    ) -> ActionAnswer:
        if on_pending is not None:
            on_pending(first)
        deadline = started + (max_wait if max_wait is not None else _until_expiry(first, started_wall))
        answer = first
        failures = 0
        while answer.pending:
            stop.check(first.id)
            left = deadline - time.monotonic()
            if left <= 0:
                raise ApprovalTimeout(answer, time.monotonic() - started)
            wait = max(1, min(self.wait_seconds, math.ceil(left)))
            polled = time.monotonic()
            try:
                answer = self.get_action(first.id, wait=wait)
                failures = 0
            except WardenError as err:
                # Approvals take minutes to hours: ride out a restart or a blip, never past the deadline.
                pause = min(5.0, 0.25 * 2**failures)
                failures += 1
                if err.retry_after is not None:
                    pause = max(pause, err.retry_after)
                if not is_retriable(err) or time.monotonic() + pause >= deadline:
                    raise
                stop.sleep(pause, first.id)
                continue
            # A server that answers at once despite `wait` must not turn this into a busy loop.
            quick = 1.0 - (time.monotonic() - polled)
            if answer.pending and quick > 0:
                stop.sleep(min(quick, max(0.0, deadline - time.monotonic())), first.id)
        return answer

    def _report_safely(self, action_id: str, result: Dict[str, Any]) -> ResultAnswer:
        """The action already ran: a lost report must neither lose its outcome nor raise."""
        attempts = {"n": 0}

        def once() -> ResultAnswer:
            attempts["n"] += 1
            try:
                return self.report_result(action_id, **result)
            except WardenError as err:
                # A retry after an answer that got lost finds the first report recorded.
                if attempts["n"] > 1 and err.code == "result_already_reported":
                    return ResultAnswer(id=action_id, flags=[])
                raise

        try:
            return self._with_retries(once, Cancellation(), retries=REPORT_ATTEMPTS - 1)
        except Exception as err:  # noqa: BLE001 - whatever went wrong goes to the hook
            try:
                self._on_result_report_error(err, action_id, dict(result))
            except Exception as hook_error:  # noqa: BLE001
                _warn_report_failure(err, action_id, result)
                log.warning("[warden] on_result_report_error raised: %s", hook_error)
            return ResultAnswer(id=action_id, flags=[])

    def _with_retries(self, call: Callable[[], T], stop: Cancellation, retries: Optional[int] = None) -> T:
        limit = self.retries if retries is None else retries
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                return call()
            except WardenError as err:
                if attempt >= limit or not is_retriable(err):
                    raise
                pause = err.retry_after if err.retry_after is not None else _backoff(attempt)
                if time.monotonic() + pause - started > self.retry_budget:
                    raise
                stop.sleep(pause)
                attempt += 1

    def _get_agent(self) -> AgentInfo:
        res = self._transport.request("GET", "/v1/agent")
        return parse_agent(res.body, res.status)

    def _cached_get(self, cache: RevalidatingCache[T], key: Any, path: str, parse: Callable[[Any, int, Optional[str]], T]) -> T:
        cached, etag, fresh = cache.lookup(key)
        if cached is not None and fresh:
            return cached

        def once() -> T:
            headers = {"If-None-Match": etag} if cached is not None and etag else {}
            res = self._transport.request("GET", path, headers=headers, allow_not_modified=bool(headers))
            if res.status == 304:
                assert cached is not None
                cache.store(key, cached, res.headers.get("etag") or etag)
                return cached
            value = parse(res.body, res.status, res.headers.get("etag"))
            cache.store(key, value, res.headers.get("etag"))
            return value

        return self._with_retries(once, Cancellation())


def _until_expiry(answer: ActionAnswer, started_wall: float) -> float:
    """How long to wait for a human by default: until the server expires the action, within reason."""
    expires = _parse_time(answer.expires_at)
    if expires is None:
        return DEFAULT_MAX_WAIT
    return min(DEFAULT_MAX_WAIT, max(EXPIRY_GRACE, expires - started_wall + EXPIRY_GRACE))


def _parse_time(text: Optional[str]) -> Optional[float]:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()
