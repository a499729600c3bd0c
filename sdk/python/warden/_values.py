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


def js_truncate(text: str, limit: int) -> str:
    """Cuts ``text`` to ``limit`` JavaScript characters (UTF-16 code units), ending with "…"
    when cut, as the server counts string length."""
    units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
    if units <= limit:
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
