"""Checks that Warden's answers are what the API promises (the Python twin of
``sdk/src/answers.ts``). Anything else raises :class:`WardenUnavailable` with code
``malformed_response``: the SDK never acts on an answer it does not understand.

Fields the contract marks optional, and fields a newer Warden adds, are tolerated: they are kept
in each type's ``raw``. ``receipt`` is carried as sent; ``Warden(verify_receipts=...)`` checks it
after parsing (``client.py``, with ``warden.receipts``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .errors import WardenUnavailable
from .types import (
    ActionAnswer,
    AgentInfo,
    Flag,
    KnowledgeRecord,
    Reason,
    Release,
    ResultAnswer,
    Stage,
)

_DECISIONS = frozenset(("allow", "deny", "pending"))
_ALLOWED_STATUSES = frozenset(("allowed", "approved"))


def malformed(what: str, status: int) -> WardenUnavailable:
    """The error for an answer that breaks the contract."""
    return WardenUnavailable(
        f"Warden's answer is not what the API promises: {what}", code="malformed_response", status=status
    )


def _opt_str(v: Any) -> Optional[str]:
    return v if isinstance(v, str) else None


def _reasons(v: Any, field: str, status: int) -> List[Reason]:
    if v is None:
        return []
    if not isinstance(v, list) or not all(isinstance(r, dict) for r in v):
        raise malformed(f"{field} is not a list of objects", status)
    out = []
    for r in v:
        code = r.get("code")
        out.append(
            Reason(
                code="" if code is None else str(code),
                message=r["message"] if isinstance(r.get("message"), str) else "",
                policy_id=_opt_str(r.get("policyId")),
                policy_name=_opt_str(r.get("policyName")),
                effect=_opt_str(r.get("effect")),
                raw=dict(r),
            )
        )
    return out


def parse_action_answer(v: Any, http_status: int, expected_id: Optional[str] = None) -> ActionAnswer:
    """A decision answer. ``expected_id`` guards against an answer about another action.

    Raises:
        WardenUnavailable: ``malformed_response`` when the answer is not an object, has no id,
            is about another action, has an unknown decision, no status, ``allow`` with a status
            other than ``allowed``/``approved``, no list of reasons, an ``approvedInput`` that
            is not an object, or ``approvedChanges`` that are not a list of objects whose
            ``path`` starts with ``input.`` (what the agent must act on can't be half-understood).
    """
    if not isinstance(v, dict):
        raise malformed("not an object", http_status)
    action_id = v.get("id")
    if not isinstance(action_id, str) or action_id == "":
        raise malformed("no action id", http_status)
    if expected_id is not None and action_id != expected_id:
        raise malformed(f"asked about {expected_id}, got {action_id}", http_status)
    decision = v.get("decision")
    if not isinstance(decision, str) or decision not in _DECISIONS:
        raise malformed(f"unknown decision {decision!r}", http_status)
    status = v.get("status")
    if not isinstance(status, str):
        raise malformed("no status", http_status)
    # The one answer that lets an action run must be unambiguous.
    if decision == "allow" and status not in _ALLOWED_STATUSES:
        raise malformed(f"decision allow with status {status}", http_status)
    if not isinstance(v.get("reasons"), list):
        raise malformed("no reasons", http_status)
    # What the agent must act on can't be half-understood.
    approved_input = v.get("approvedInput")
    if approved_input is not None and not isinstance(approved_input, dict):
        raise malformed("approvedInput is not an object", http_status)
    changes = v.get("approvedChanges")
    if changes is not None and not (
        isinstance(changes, list)
        and all(isinstance(c, dict) and isinstance(c.get("path"), str) and c["path"].startswith("input.") for c in changes)
    ):
        raise malformed("approvedChanges is not a list of {path: input.…}", http_status)
    receipt = v.get("receipt")
    return ActionAnswer(
        id=action_id,
        decision=decision,
        status=status,
        reasons=_reasons(v.get("reasons"), "reasons", http_status),
        shadow=_reasons(v.get("shadow"), "shadow", http_status),
        expires_at=_opt_str(v.get("expiresAt")),
        version=_opt_str(v.get("version")),
        receipt=receipt if isinstance(receipt, dict) else None,
        raw=v,
        stage=_stage(v.get("stage")),
        approved_input=approved_input,
        approved_changes=[dict(c) for c in changes] if changes is not None else None,
    )


def _stage(v: Any) -> Optional[Stage]:
    """A pending answer's stage, when it is one (informational: never decides anything)."""
    if not isinstance(v, dict):
        return None
    index, of = v.get("index"), v.get("of")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (index, of)):
        return None
    return Stage(index=index, of=of, team=_opt_str(v.get("team")), expires_at=_opt_str(v.get("expiresAt")))


def parse_result_answer(v: Any, http_status: int, action_id: str) -> ResultAnswer:
    """The answer to a reported result: the post-check flags (entries that are not objects are
    dropped; the report itself landed)."""
    if not isinstance(v, dict):
        raise malformed("not an object", http_status)
    raw_flags = v.get("flags")
    flags = [
        Flag(
            message=f["message"] if isinstance(f.get("message"), str) else "",
            policy_id=_opt_str(f.get("policyId")),
            policy_name=_opt_str(f.get("policyName")),
            raw=dict(f),
            code=_opt_str(f.get("code")),
        )
        for f in (raw_flags if isinstance(raw_flags, list) else [])
        if isinstance(f, dict)
    ]
    return ResultAnswer(id=v["id"] if isinstance(v.get("id"), str) else action_id, flags=flags)


def parse_agent(v: Any, http_status: int) -> AgentInfo:
    """``GET /v1/agent``: requires string ``id``, ``name``, ``cohort`` and ``status``."""
    if not isinstance(v, dict):
        raise malformed("not an object", http_status)
    for k in ("id", "name", "cohort", "status"):
        if not isinstance(v.get(k), str):
            raise malformed(f"no {k}", http_status)
    return AgentInfo(
        id=v["id"],
        name=v["name"],
        cohort=v["cohort"],
        owner=v["owner"] if isinstance(v.get("owner"), str) else "",
        status=v["status"],
        risk_tier=_opt_str(v.get("riskTier")),
        halt_reason=_opt_str(v.get("haltReason")),
        raw=v,
    )


def parse_release(v: Any, http_status: int, etag: Optional[str]) -> Release:
    """``GET /v1/agent/release``: requires a non-empty string ``version``, an object ``config``
    and ``rollout`` as a string or null."""
    if not isinstance(v, dict):
        raise malformed("not an object", http_status)
    version = v.get("version")
    if not isinstance(version, str) or version == "":
        raise malformed("no version", http_status)
    config = v.get("config")
    if not isinstance(config, dict):
        raise malformed("config is not an object", http_status)
    rollout = v.get("rollout")
    if rollout is not None and not isinstance(rollout, str):
        raise malformed("rollout is neither a string nor null", http_status)
    return Release(version=version, config=config, rollout=rollout, etag=etag, raw=v)


def parse_knowledge(v: Any, http_status: int, set_name: str, key: str, etag: Optional[str]) -> KnowledgeRecord:
    """``GET /v1/knowledge/{set}/{key}``: requires the asked ``set`` and ``key``, an integer
    ``version`` ≥ 0, a ``value`` and a boolean ``stale`` (without it freshness is unknown, which
    must not pass as fresh)."""
    if not isinstance(v, dict):
        raise malformed("not an object", http_status)
    if v.get("set") != set_name:
        raise malformed(f"asked for set {set_name!r}, got {v.get('set')!r}", http_status)
    if v.get("key") != key:
        raise malformed(f"asked for key {key!r}, got {v.get('key')!r}", http_status)
    version = v.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise malformed(f"version {version!r} is not a set version", http_status)
    if "value" not in v:
        raise malformed("no value", http_status)
    stale = v.get("stale")
    if not isinstance(stale, bool):
        raise malformed("no stale flag", http_status)
    return KnowledgeRecord(
        set=set_name,
        key=key,
        version=version,
        value=v["value"],
        stale=stale,
        source=_opt_str(v.get("source")),
        updated_at=_opt_str(v.get("updatedAt")),
        etag=etag,
        raw=v,
    )


def error_fields(body: Any) -> Dict[str, Any]:
    """``{"code", "message", "details"}`` of an API error body ``{"error": {...}}``, or ``{}``."""
    e = body.get("error") if isinstance(body, dict) else None
    return e if isinstance(e, dict) else {}
