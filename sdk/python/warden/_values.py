"""Turning Python values into what the API takes: JSON outputs within the API's caps, error
texts, and a guarded function's arguments as the action's ``input``."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, Dict, Mapping, Tuple

from ._http import dumps, loads

MAX_OUTPUT_BYTES = 64 * 1024  # the API's cap on a reported output (serialized)
MAX_ERROR_CHARS = 4000  # the API's cap on a reported error, in JavaScript string length


class _Omitted:
    def __repr__(self) -> str:
        return "OMITTED"


#: Returned by :func:`to_output` when a value can't be reported (not JSON, or too big).
OMITTED: Any = _Omitted()


def plain(value: Any) -> Any:
    """Dataclasses and pydantic-style models (anything with ``model_dump``) as plain data;
    anything else unchanged."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, type):
        try:
            return dump(mode="json")
        except TypeError:
            return dump()
    return value


def to_output(value: Any) -> Any:
    """``value`` as JSON data the API takes as an output, or :data:`OMITTED` when it is
    ``None``, not JSON (cycles, sets, NaN, arbitrary objects) or over 64 KiB serialized."""
    if value is None:
        return OMITTED
    try:
        text = dumps(plain(value))
    except (TypeError, ValueError, RecursionError):
        return OMITTED
    if len(text.encode("utf-8")) > MAX_OUTPUT_BYTES:
        return OMITTED
    return loads(text)


def js_length(text: str) -> int:
    """``text``'s length as JavaScript counts it (UTF-16 code units), as the server does."""
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def js_truncate(text: str, limit: int) -> str:
    """Cuts ``text`` to ``limit`` JavaScript characters (UTF-16 code units), ending with "…"
    when cut, as the server counts string length."""
    if js_length(text) <= limit:
        return text
    out = []
    n = 0
    for c in text:
        w = 2 if ord(c) > 0xFFFF else 1
        if n + w > limit - 1:
            break
        out.append(c)
        n += w
    return "".join(out) + "…"


def error_text(err: Any) -> str:
    """What to report as a failed action's ``error``: the exception's message (its type's name
    when it has none), at most 4,000 characters."""
    try:
        text = str(err) if not isinstance(err, BaseException) else (str(err) or type(err).__name__)
    except Exception:  # a __str__ that raises
        text = type(err).__name__
    return js_truncate(text, MAX_ERROR_CHARS)


def json_object(value: Any, what: str) -> Dict[str, Any]:
    """``value`` (a mapping, dataclass or model) as a JSON object, or TypeError saying why not."""
    value = plain(value)
    if not isinstance(value, Mapping):
        raise TypeError(f"Warden: {what} must be a JSON object (a dict), got {type(value).__name__}")
    try:
        out: Dict[str, Any] = loads(dumps(dict(value)))
        return out
    except (TypeError, ValueError, RecursionError) as err:
        raise TypeError(f"Warden: {what} is not JSON-serialisable ({err}); pass {what}= explicitly") from None


def call_arguments(sig: inspect.Signature, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """A call's arguments by parameter name, defaults applied; ``self``/``cls`` left out,
    ``**kwargs`` merged in, ``*args`` as a list. Raises TypeError as the call itself would."""
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    out: Dict[str, Any] = {}
    for i, (name, value) in enumerate(bound.arguments.items()):
        kind = sig.parameters[name].kind
        if i == 0 and name in ("self", "cls"):
            continue
        if kind is inspect.Parameter.VAR_KEYWORD:
            out.update(value)
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            out[name] = list(value)
        else:
            out[name] = plain(value)
    return out


MAX_HANDOFF_REASON_CHARS = 500  # the API's cap on a hand-off's reason (JavaScript length, trimmed)


def handoff_body(value: Any) -> Dict[str, Any]:
    """A hand-off (``{"reason": str, "confidence"?: number}``) checked as the API checks it:
    ``reason`` 1–500 characters once trimmed, ``confidence`` a number in 0..1, nothing else.
    Raises ValueError (TypeError for a value that is not a mapping) before anything is sent."""
    if not isinstance(value, Mapping):
        raise TypeError(f'Warden: handoff must be a dict {{"reason": …, "confidence"?: …}}, got {type(value).__name__}')
    unknown = set(value) - {"reason", "confidence"}
    if unknown:
        raise ValueError(f"Warden: handoff takes reason and confidence only, not {', '.join(sorted(map(str, unknown)))}")
    reason = value.get("reason")
    if not isinstance(reason, str) or reason.strip() == "":
        raise ValueError("Warden: handoff needs a reason (a non-empty string)")
    if js_length(reason.strip()) > MAX_HANDOFF_REASON_CHARS:
        raise ValueError(f"Warden: a handoff reason is at most {MAX_HANDOFF_REASON_CHARS} characters")
    body: Dict[str, Any] = {"reason": reason}
    if "confidence" in value and value["confidence"] is not None:
        c = value["confidence"]
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not 0 <= c <= 1:  # NaN fails 0 <= c
            raise ValueError(f"Warden: handoff confidence must be a number from 0 to 1, got {c!r}")
        body["confidence"] = c
    return body
