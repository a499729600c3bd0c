"""``warden.guard(...)`` (a context manager) and ``@warden.guarded(...)`` (a decorator)."""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
import uuid
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Literal, Optional, Tuple, TypeVar, cast

from ._cancel import Cancellation
from ._values import OMITTED, call_arguments, error_text, to_output
from .errors import ActionDenied
from .types import ActionAnswer, Flag

if TYPE_CHECKING:  # pragma: no cover
    from .client import Warden

#: A guarded function: ``warden.guarded(...)`` keeps its signature for type checkers.
F = TypeVar("F", bound=Callable[..., Any])

_GUARDED_OPTIONS = frozenset(("idempotency_key", "version", "wait", "max_wait", "on_pending", "cancel", "on_flags"))


class Guard:
    """One guarded action; made by :meth:`Warden.guard`, used once as ``with`` or ``async with``.

    Attributes:
        action, resource, input, context, idempotency_key, version: what is asked.
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
        self.answer: Optional[ActionAnswer] = None
        self.flags: List[Flag] = []
        self.reported: Optional[str] = None
        self._state = "new"  # new → asking → allowed → done
        self._cancelled = threading.Event()  # set when an awaiting asyncio task is cancelled
        self._stop = Cancellation(cancel, self._cancelled)

    @property
    def action_id(self) -> Optional[str]:
        """The action's id (``act_…``) once Warden answered."""
        return self.answer.id if self.answer is not None else None

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
        self._state = "allowed"
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

    def _send(self, result: Dict[str, Any]) -> List[Flag]:
        assert self.answer is not None
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
            )

        def after(g: Guard) -> None:
            if g.flags and on_flags is not None and g.answer is not None:
                on_flags(g.flags, g.answer)

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                g = make_guard(args, kwargs)
                async with g:
                    value = await fn(*args, **kwargs)
                    await g.areport(value)
                after(g)
                return value

            return cast(F, async_wrapper)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g = make_guard(args, kwargs)
            with g:
                value = fn(*args, **kwargs)
                g.report(value)
            after(g)
            return value

        return cast(F, wrapper)

    return decorate
