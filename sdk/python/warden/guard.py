"""``warden.guard(...)`` (a context manager) and ``@warden.guarded(...)`` (a decorator)."""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
import uuid
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Literal, Mapping, Optional, Tuple, TypeVar, cast

from ._cancel import Cancellation
from ._values import OMITTED, call_arguments, error_text, json_object, to_output
from .changes import apply_to_arguments, input_to_act_on
from .errors import ActionDenied, ApprovedChangesNotApplied
from .types import ActionAnswer, Flag

if TYPE_CHECKING:  # pragma: no cover
    from .client import Warden

#: A guarded function: ``warden.guarded(...)`` keeps its signature for type checkers.
F = TypeVar("F", bound=Callable[..., Any])

_GUARDED_OPTIONS = frozenset(("idempotency_key", "version", "wait", "max_wait", "on_pending", "cancel", "on_flags", "handoff"))


class Guard:
    """One guarded action; made by :meth:`Warden.guard`, used once as ``with`` or ``async with``.

    Attributes:
        action, resource, input, context, idempotency_key, version, handoff: what is asked.
        accept_changes: whether the block acts on :attr:`input_to_act_on` (approve with changes).
        answer: Warden's final answer once entered (decision ``allow``, or the denial that was
            raised), else ``None``.
        flags: what post-stage policies flagged about the reported result (after the report).
        reported: ``"succeeded"`` or ``"failed"`` once the outcome was reported, else ``None``.
    """

    def __init__(
        self,
        warden: "Warden",
        action: str,
        *,
        resource: Optional[str],
        input: Optional[Dict[str, Any]],
        context: Optional[Dict[str, Any]],
        idempotency_key: Optional[str],
        version: Optional[str],
        wait: Optional[float],
        max_wait: Optional[float],
        on_pending: Optional[Callable[[ActionAnswer], None]],
        cancel: Optional[threading.Event],
        handoff: Optional[Mapping[str, Any]] = None,
        accept_changes: bool = False,
    ) -> None:
        self._warden = warden
        self.action = action
        self.resource = resource
        self.input = input
        self.context = context
        self.idempotency_key = idempotency_key or str(uuid.uuid4())
        self.version = version
        self.wait = wait
        self.max_wait = max_wait
        self.on_pending = on_pending
        self.handoff = handoff
        self.accept_changes = accept_changes
        self.answer: Optional[ActionAnswer] = None
        self._acted: Optional[Dict[str, Any]] = None  # the input to act on, once allowed
        self.flags: List[Flag] = []
        self.reported: Optional[str] = None
        self._state = "new"  # new → asking → allowed → done
        self._cancelled = threading.Event()  # set when an awaiting asyncio task is cancelled
        self._stop = Cancellation(cancel, self._cancelled)

    @property
    def action_id(self) -> Optional[str]:
        """The action's id (``act_…``) once Warden answered."""
        return self.answer.id if self.answer is not None else None

    @property
    def input_to_act_on(self) -> Dict[str, Any]:
        """The input the block must act on, once Warden allowed the action: ``input`` as asked
        (as JSON data), or — approved with changes — with the approvers' changes applied
        (:func:`warden.input_to_act_on`). Reading it needs ``accept_changes=True`` to matter:
        without it an approval with changes never reaches the block.

        Raises:
            RuntimeError before Warden allowed the action.
        """
        if self._acted is None:
            raise RuntimeError("Warden: input_to_act_on is known once Warden allowed the action (inside the block)")
        return self._acted

    @property
    def changed(self) -> bool:
        """True when approvers approved the action with changes (see ``answer.approved_changes``)."""
        return self.answer is not None and self.answer.changed

    def __repr__(self) -> str:
        return f"Guard(action={self.action!r}, action_id={self.action_id!r}, state={self._state!r})"

    # ── with ────────────────────────────────────────────────────────────────────────────────

    def __enter__(self) -> "Guard":
        if self._state != "new":
            raise RuntimeError("Warden: a guard is used once; call warden.guard(...) for the next action")
        self._state = "asking"
        try:
            answer = self._warden._decide(self, self._stop)
        except BaseException:
            self._state = "done"
            raise
        self.answer = answer
        if not answer.allowed:
            self._state = "done"
            raise ActionDenied(answer, self.action)
        self._acted = input_to_act_on(json_object(self.input, "input") if self.input is not None else {}, answer)
        self._state = "allowed"
        if answer.changed and not self.accept_changes:
            refused = self._refuse_changes("the guard was not told the block acts on g.input_to_act_on (accept_changes=True)")
            self._state = "done"
            raise refused
        return self

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> Literal[False]:
        if self._state == "allowed" and self.reported is None:
            if exc is None:
                self._send({"status": "succeeded"})
            else:
                self._send({"status": "failed", "error": error_text(exc)})
        self._state = "done"
        return False  # never swallows the block's exception

    def report(self, output: Any = None) -> List[Flag]:
        """Reports now that the action succeeded, with ``output`` (left out when ``None``, not
        JSON or over 64 KiB), and returns the post-check flags. Never raises on a delivery
        failure (see ``on_result_report_error``); raises RuntimeError outside an allowed block
        or when already reported."""
        self._require_open()
        out = to_output(output)
        return self._send({"status": "succeeded"} if out is OMITTED else {"status": "succeeded", "output": out})

    def fail(self, error: Any) -> List[Flag]:
        """Reports now that the action failed (``error``: an exception or a message, cut to
        4,000 characters), without raising anything; returns the post-check flags."""
        self._require_open()
        return self._send({"status": "failed", "error": error_text(error)})

    # ── async with ──────────────────────────────────────────────────────────────────────────

    async def __aenter__(self) -> "Guard":
        try:
            return await asyncio.to_thread(self.__enter__)
        except asyncio.CancelledError:
            # The worker thread stops at its next check (an in-flight long-poll ends first);
            # the block never runs.
            self._cancelled.set()
            raise

    async def __aexit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> Literal[False]:
        return await asyncio.to_thread(self.__exit__, exc_type, exc, tb)

    async def areport(self, output: Any = None) -> List[Flag]:
        """:meth:`report` without blocking the event loop."""
        return await asyncio.to_thread(self.report, output)

    async def afail(self, error: Any) -> List[Flag]:
        """:meth:`fail` without blocking the event loop."""
        return await asyncio.to_thread(self.fail, error)

    # ── internals ───────────────────────────────────────────────────────────────────────────

    def _require_open(self) -> None:
        if self._state != "allowed":
            raise RuntimeError("Warden: report() and fail() work inside an allowed `with warden.guard(...)` block")
        if self.reported is not None:
            raise RuntimeError(f"Warden: the result of {self.action_id} was already reported ({self.reported})")

    def _refuse_changes(self, why: str) -> ApprovedChangesNotApplied:
        """Approved with changes the code can't be given: reported as failed, acting on nothing."""
        assert self.answer is not None
        refused = ApprovedChangesNotApplied(self.answer, self.action, why)
        self._send({"status": "failed", "error": error_text(refused)}, acted=False)
        return refused

    def _send(self, result: Dict[str, Any], acted: bool = True) -> List[Flag]:
        assert self.answer is not None
        # Only an approval with changes is checked against the input acted on.
        if acted and self.answer.changed and self.accept_changes and self._acted is not None:
            result = {**result, "input": self._acted}
        self.reported = result["status"]
        self.flags = self._warden._report_safely(self.answer.id, result).flags
        return self.flags


def guarded_decorator(
    warden: "Warden", action: str, resource: Any, input: Any, context: Any, options: Dict[str, Any]
) -> Callable[[F], F]:
    """Builds the decorator :meth:`Warden.guarded` returns."""
    unknown = set(options) - _GUARDED_OPTIONS
    if unknown:
        raise TypeError(f"Warden.guarded: unknown option(s) {', '.join(sorted(unknown))}")
    on_flags: Optional[Callable[[List[Flag], ActionAnswer], None]] = options.get("on_flags")

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn)

        def make_guard(args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Guard:
            arguments = call_arguments(sig, args, kwargs)

            def pick(v: Any) -> Any:
                return v(arguments) if callable(v) else v

            return warden.guard(
                action,
                resource=pick(resource),
                input=arguments if input is None else pick(input),
                context=pick(context),
                idempotency_key=pick(options.get("idempotency_key")),
                version=pick(options.get("version")),
                wait=options.get("wait"),
                max_wait=options.get("max_wait"),
                on_pending=options.get("on_pending"),
                cancel=options.get("cancel"),
                handoff=pick(options.get("handoff")),
                accept_changes=True,  # the changes go into the call's arguments (call_args)
            )

        def call_args(g: Guard, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
            """The call as made, or — approved with changes — with the changed arguments."""
            assert g.answer is not None
            if not g.answer.changed:
                return args, kwargs
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            requested = json_object(g.input, "input") if g.input is not None else {}
            try:
                apply_to_arguments(sig, bound, requested, g.input_to_act_on, g.answer, action)
            except ApprovedChangesNotApplied as err:
                raise g._refuse_changes(err.why) from None
            return bound.args, bound.kwargs

        def after(g: Guard) -> None:
            if g.flags and on_flags is not None and g.answer is not None:
                on_flags(g.flags, g.answer)

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                g = make_guard(args, kwargs)
                async with g:
                    call, named = call_args(g, args, kwargs)
                    value = await fn(*call, **named)
                    await g.areport(value)
                after(g)
                return value

            return cast(F, async_wrapper)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g = make_guard(args, kwargs)
            with g:
                call, named = call_args(g, args, kwargs)
                value = fn(*call, **named)
                g.report(value)
            after(g)
            return value

        return cast(F, wrapper)

    return decorate
