"""The data-plane contract (``/v1/*``, see API.md) as the SDK hands it to you.

Every type keeps the answer it was read from in ``raw`` (a dict), so fields a newer Warden adds
are never lost; the typed attributes are the ones the contract names, in snake_case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

#: Decisions Warden answers. ``allow`` is final and the only one that lets an action run.
DECISIONS = ("allow", "deny", "pending")
#: Statuses of an action. ``allowed``/``approved`` go with ``allow``.
STATUSES = ("allowed", "denied", "pending", "approved", "rejected", "expired")
#: Reason codes known today; a newer Warden may add more (any string is accepted).
REASON_CODES = (
    "policy",
    "agent_halted",
    "cohort_halted",
    "global_halt",
    "circuit_open",
    "default",
    "not_granted",
    "budget_exceeded",
    "budget_error",
    "handoff",
)


@dataclass(frozen=True)
class Reason:
    """Why Warden decided as it did: ``code`` (``"policy"``, ``"agent_halted"``, …), a human
    ``message``, and for policies their id, name and effect."""

    code: str
    message: str
    policy_id: Optional[str] = None
    policy_name: Optional[str] = None
    effect: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Stage:
    """Where a pending action waits on its escalation path (docs/API.md "Escalation paths").

    Attributes:
        index: the current stage, from 0.
        of: how many stages the path has.
        team: the name of the team whose members decide, or ``None`` for any approver.
        expires_at: ISO 8601 time this stage times out, or ``None``.
    """

    index: int
    of: int
    team: Optional[str] = None
    expires_at: Optional[str] = None


@dataclass(frozen=True)
class ActionAnswer:
    """The answer of ``POST /v1/actions`` and ``GET /v1/actions/{id}``.

    Attributes:
        id: the action's id (``act_…``).
        decision: ``"allow"``, ``"deny"`` or ``"pending"``.
        status: ``"allowed"``, ``"denied"``, ``"pending"``, ``"approved"``, ``"rejected"`` or
            ``"expired"``.
        reasons: why.
        shadow: what policies in shadow mode would have decided; never enforced.
        expires_at: ISO 8601 time a pending action expires if nobody decides, else ``None``.
        version: the agent version the action was recorded under, when Warden says (releases).
        receipt: the signed decision receipt (``{"kid", "alg", "payload", "signature"}``),
            kept as sent: hand it to the business system the action goes to, which checks it
            offline with ``warden.receipts.verify_receipt``. Checked here only with
            ``Warden(verify_receipts=...)``. After an approval with changes its payload also
            states ``approvedInputHash`` (``input_hash(approved_input)``).
        raw: the whole answer as Warden sent it.
        stage: pending only: the :class:`Stage` of its escalation path waiting for people.
        approved_input: approved with changes only: the input the approvers approved, as
            Warden stores it (personal data stays ``[redacted:…]``). Don't act on it directly:
            act on :func:`warden.input_to_act_on` (your input with ``approved_changes``
            applied), which ``guard``/``guarded`` hand you.
        approved_changes: approved with changes only: what the approvers changed, path by
            path, as sent: ``[{"path": "input.price", "from": 120, "to": 99}]`` (no ``"from"``:
            added; no ``"to"``: removed).
    """

    id: str
    decision: str
    status: str
    reasons: List[Reason]
    shadow: List[Reason]
    expires_at: Optional[str] = None
    version: Optional[str] = None
    receipt: Optional[Dict[str, Any]] = field(default=None, repr=False)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    stage: Optional[Stage] = None
    approved_input: Optional[Dict[str, Any]] = None
    approved_changes: Optional[List[Dict[str, Any]]] = None

    @property
    def allowed(self) -> bool:
        """True when the action may run (decision ``allow``, status ``allowed``/``approved``)."""
        return self.decision == "allow"

    @property
    def pending(self) -> bool:
        """True while a human has not decided."""
        return self.decision == "pending"

    @property
    def changed(self) -> bool:
        """True when approvers approved the action with changes (``approved_input`` is set)."""
        return self.approved_input is not None


@dataclass(frozen=True)
class Flag:
    """What a post-stage policy flagged about a reported result; ``code`` names Warden's own
    checks (``approved_input_mismatch``, ``approved_input_unconfirmed``), ``None`` for a policy's."""

    message: str
    policy_id: Optional[str] = None
    policy_name: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    code: Optional[str] = None


@dataclass(frozen=True)
class ResultAnswer:
    """The answer of ``POST /v1/actions/{id}/result``: the post-check flags."""

    id: str
    flags: List[Flag]


@dataclass(frozen=True)
class AgentInfo:
    """``GET /v1/agent``: who this key belongs to, and whether it is halted.

    ``status`` is ``"halted"`` when the agent, its cohort or everything is halted.
    """

    id: str
    name: str
    cohort: str
    owner: str
    status: str
    risk_tier: Optional[str] = None
    halt_reason: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def halted(self) -> bool:
        return self.status == "halted"


@dataclass(frozen=True)
class Release:
    """``GET /v1/agent/release?key=…``: which agent version to run for a routing key.

    Attributes:
        version: the version label (e.g. ``"stylist-v14"``); pass it to ``guard(version=…)``.
        config: that version's configuration document (model, prompt, tools, parameters).
        rollout: the rollout that assigned it (``rol_…``), or ``None`` outside a rollout.
        etag: the answer's ETag, used to revalidate the cached copy.
    """

    version: str
    config: Dict[str, Any]
    rollout: Optional[str] = None
    etag: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class KnowledgeRecord:
    """``GET /v1/knowledge/{set}/{key}``: one approved fact of a published knowledge-set version.

    Attributes:
        set: the set's name (e.g. ``"price-floors"``).
        key: the record's key (e.g. ``"LUX-001"``).
        version: the published version of the set this record comes from.
        value: the record (any JSON).
        stale: True when the record is older than the set's freshness rule or expired.
        source: where the fact comes from (URL, system, document), when given.
        updated_at: ISO 8601 time the record last changed, when given.
        etag: the answer's ETag, used to revalidate the cached copy.
    """

    set: str
    key: str
    version: int
    value: Any
    stale: bool
    source: Optional[str] = None
    updated_at: Optional[str] = None
    etag: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def cited(self) -> Dict[str, Any]:
        """``{"set", "version"}``: what to list in an action's ``context["knowledge"]`` to say
        which version of which set the agent used."""
        return {"set": self.set, "version": self.version}
