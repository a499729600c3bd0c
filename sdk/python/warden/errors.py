"""The exceptions the SDK raises. They mirror the TypeScript SDK (``sdk/src/errors.ts``).

Whichever of these is raised by ``guard`` / ``guarded``, the guarded action did not run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Optional

if TYPE_CHECKING:  # pragma: no cover - imports for type checkers only
    from .types import ActionAnswer, Reason


class WardenError(Exception):
    """Warden answered with an error (a 4xx): bad request, unknown key, idempotency conflict…

    Attributes:
        code: the API's snake_case error code (e.g. ``"unauthorized"``,
            ``"idempotency_conflict"``), or ``"http_<status>"`` when the body had none.
        status: the HTTP status (``0`` when no HTTP answer came).
        details: the error's ``details`` from the API, when it sent any.
        retry_after: seconds Warden asked the client to wait before trying again (its
            ``Retry-After`` header, on a 429 or 503), when it sent one; ``None`` otherwise.
    """

    def __init__(
        self, code: str, status: int, message: str, details: Any = None, retry_after: Optional[float] = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.details = details
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, status={self.status}, message={self.message!r})"


class WardenUnavailable(WardenError):
    """Warden could not be asked: unreachable (``code`` ``"network_error"``), too slow
    (``"timeout"``), a 5xx (the API's code, e.g. ``"unavailable"`` for a 503), or an answer
    that is not what the API promises (``"malformed_response"``).

    Worth retrying later (after ``retry_after`` seconds when Warden said); the action was not run.
    """

    def __init__(
        self,
        message: str,
        code: str = "unavailable",
        status: int = 0,
        details: Any = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(code, status, message, details, retry_after)


class StaleKnowledge(WardenError):
    """A knowledge record Warden marks ``stale`` (older than its set's freshness rule, or
    expired) was read without ``allow_stale=True``. Stale facts never silently feed an action.

    Attributes:
        record: the :class:`~warden.types.KnowledgeRecord` as Warden served it.
    """

    def __init__(self, record: Any) -> None:
        super().__init__(
            "stale_knowledge",
            200,
            f"Knowledge record {record.set}/{record.key} (version {record.version}) is stale; "
            "pass allow_stale=True to read it anyway",
        )
        self.record = record


class ActionDenied(Exception):
    """Warden, or a human, said no (status ``denied``, ``rejected`` or ``expired``).

    Attributes:
        action_id: the action's id (``act_…``).
        status: ``"denied"``, ``"rejected"`` or ``"expired"`` (or a status a newer Warden adds).
        reasons: the reasons Warden gave (policy, halt, …), as :class:`~warden.types.Reason`.
        answer: Warden's whole answer.
    """

    def __init__(self, answer: "ActionAnswer", action: Optional[str] = None) -> None:
        why = "; ".join(r.message for r in answer.reasons if r.message) or "no reason given"
        super().__init__(f"{action or 'Action'} {answer.status} by Warden: {why}")
        self.answer = answer
        self.action_id: str = answer.id
        self.status: str = answer.status
        self.reasons: "List[Reason]" = list(answer.reasons)


class ApprovalTimeout(Exception):
    """Nobody decided within ``max_wait``: the action was not run (it may still be in the queue).

    Attributes:
        action_id: the pending action's id.
        waited: seconds spent waiting.
        answer: the last (pending) answer.
    """

    def __init__(self, answer: "ActionAnswer", waited: float) -> None:
        super().__init__(f"No decision on {answer.id} after {round(waited)} s; the action was not run")
        self.answer = answer
        self.action_id: str = answer.id
        self.waited = waited


class WaitCancelled(Exception):
    """The caller's ``cancel`` event was set while waiting for Warden or a human: the action
    was not run (a pending action stays in Warden's queue)."""

    def __init__(self, action_id: Optional[str] = None) -> None:
        what = f" on {action_id}" if action_id else ""
        super().__init__(f"Stopped waiting{what}: cancelled by the caller; the action was not run")
        self.action_id = action_id


class ApprovedChangesNotApplied(Exception):
    """Approvers approved the action **with changes** (a lower price, fewer units), and the
    code can't be handed the changed input: a ``with warden.guard(...)`` block that did not say
    it acts on ``g.input_to_act_on`` (``accept_changes=True``), or a ``guarded`` function whose
    arguments the changes can't be put into. The action was not run — running it with the values
    as asked would defeat the approval — and its result was reported as ``failed`` with this
    message.

    Attributes:
        action_id: the action's id (``act_…``).
        changes: the approvers' changes (``[{"path": "input.price", "from", "to"}]``).
        why: why the changes could not be handed over.
        answer: Warden's whole answer (decision ``allow``, status ``approved``).
    """

    def __init__(self, answer: "ActionAnswer", action: Optional[str], why: str) -> None:
        super().__init__(f"{action or 'Action'} {answer.id} was approved with changes, not run: {why}")
        self.answer = answer
        self.action_id: str = answer.id
        self.changes: "List[Any]" = list(answer.approved_changes or [])
        self.why = why

