"""Approve with changes (docs/API.md "Escalation paths"): the input an approved action must run
with, and how ``@warden.guarded`` hands it to the function.

When an approver approves a pending action with changes (a lower price, fewer units), Warden
answers ``decision: allow`` with ``approvedInput`` (the approved input as stored: personal data
stays ``[redacted:…]``) and ``approvedChanges`` (``[{"path": "input.price", "from", "to"}]``).
The agent acts on its own input with those changes applied — :func:`input_to_act_on`, the twin
of the TypeScript SDK's ``inputToActOn`` — and reports that input with the result, so Warden
can check it against the approval's hash (else ``approved_input_unconfirmed`` /
``approved_input_mismatch`` flags).
"""

from __future__ import annotations

import copy
import inspect
import json
from typing import Any, Dict, List, Mapping, Optional

from .errors import ApprovedChangesNotApplied
from .types import ActionAnswer

_NAMED = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def input_to_act_on(requested: Optional[Mapping[str, Any]], answer: ActionAnswer) -> Dict[str, Any]:
    """The input an allowed action runs with.

    Without an approval with changes: ``requested`` itself (``{}`` for ``None``). Approved with
    changes: a deep copy of ``requested`` with the answer's ``approved_changes`` applied path by
    path (``input.a.b`` sets ``["a"]["b"]``; a change without ``"to"`` removes the key) — not
    ``approved_input`` itself, where Warden keeps personal data redacted. An answer with
    ``approved_input`` but no list of changes (not something Warden sends) gives a copy of
    ``approved_input``.

    Args:
        requested: the input the action was asked with, as JSON data.
        answer: Warden's final answer (``ask``/``get_action``/``guard``).

    Returns:
        A new dict; ``requested`` is never modified.
    """
    base: Dict[str, Any] = dict(requested) if requested is not None else {}
    if answer.approved_input is None:
        return base
    if answer.approved_changes is None:
        return copy.deepcopy(answer.approved_input)
    out = copy.deepcopy(base)
    for change in answer.approved_changes:
        keys = change["path"].split(".")[1:]
        _set_path(out, keys, change.get("to"), "to" in change)
    return out


def _set_path(doc: Dict[str, Any], keys: List[str], value: Any, present: bool) -> None:
    """Sets (or, not ``present``, removes) ``doc[k0][k1]…`` in place; missing or non-object
    parents become objects, as ``inputToActOn`` does."""
    node = doc
    for k in keys[:-1]:
        child = node.get(k)
        if not isinstance(child, dict):
            child = {}
            node[k] = child
        node = child
    if not keys:
        return
    last = keys[-1]
    if present:
        node[last] = copy.deepcopy(value)
    else:
        node.pop(last, None)


def _same_json(a: Any, b: Any) -> bool:
    try:
        return json.dumps(a, sort_keys=True, allow_nan=False) == json.dumps(b, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return False


def apply_to_arguments(
    sig: inspect.Signature,
    bound: inspect.BoundArguments,
    requested: Mapping[str, Any],
    acted: Mapping[str, Any],
    answer: ActionAnswer,
    action: str,
) -> None:
    """Puts the approvers' changes into a guarded function's call (``bound``, changed in place).

    Each changed top-level input key must be one of the function's arguments by name (or a key
    of its ``**kwargs``) whose value is that key's value in the requested input — always so with
    the default ``input`` (the call's arguments by name). That argument then gets the changed
    value (a whole new dict for a change inside a dict argument).

    Raises:
        ApprovedChangesNotApplied: a change names no argument, an argument that is not what the
            input says (a custom ``input=``, a dataclass or model), ``*args``, or removes a
            named argument. Running with the requested values would defeat the approval.
    """
    keys = sorted({c["path"].split(".")[1] for c in answer.approved_changes or []})
    if answer.approved_changes is None and answer.approved_input is not None:
        keys = sorted(set(requested) | set(acted))
    params = list(sig.parameters.values())
    skipped = params[0].name if params and params[0].name in ("self", "cls") else None
    var_kw = next((p.name for p in params if p.kind is inspect.Parameter.VAR_KEYWORD), None)
    for key in keys:
        if _same_json(requested.get(key), acted.get(key)) and (key in requested) == (key in acted):
            continue
        param = sig.parameters.get(key)
        if param is not None and param.kind in _NAMED and key != skipped:
            holder: Dict[str, Any] = bound.arguments  # type: ignore[assignment]
        elif var_kw is not None and key in bound.arguments.get(var_kw, {}):
            holder = bound.arguments[var_kw]
        else:
            raise ApprovedChangesNotApplied(answer, action, f"input.{key} is not one of the function's arguments")
        if key not in requested or not _same_json(holder.get(key), requested[key]):
            raise ApprovedChangesNotApplied(answer, action, f"the argument {key} is not input.{key} as it was asked")
        if key in acted:
            holder[key] = copy.deepcopy(acted[key])
        elif holder is bound.arguments:
            raise ApprovedChangesNotApplied(answer, action, f"input.{key} was removed, but {key} is a named argument")
        else:
            del holder[key]
