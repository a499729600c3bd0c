"""Decision receipts, verified offline with the standard library (the Python twin of
``sdk/src/receipts.ts``; docs/API.md "Receipts").

Every answer of ``POST /v1/actions`` and ``GET /v1/actions/{id}`` carries ``receipt`` =
``{"kid", "alg": "Ed25519", "payload": {...}, "signature"}``: an Ed25519 signature over the
RFC 8785 canonical JSON of ``payload``, by a key Warden publishes at ``GET /api/keys/receipts``.
A business system that receives an action from an agent checks the receipt before applying it::

    from warden.receipts import fetch_receipt_keys, input_hash, verify_receipt

    keys = fetch_receipt_keys("https://warden.example.com")     # once; or pinned in config
    check = verify_receipt(request["receipt"], keys)
    if not check.ok:
        refuse(check.reason, check.message)
    p = check.payload
    # Approved with changes, the receipt also states approvedInputHash: the changed input.
    if p["decision"] != "allow" or p["action"] != "pricing.set_price" \\
            or p.get("approvedInputHash", p["inputHash"]) != input_hash(request["input"]):
        refuse("mismatch")

Limits of the canonical JSON here (``canonical_json``): it covers what ``json.loads`` makes —
``None``, ``bool``, ``int``, ``float``, ``str``, ``list`` (and ``tuple``) and ``dict`` with
``str`` keys. Floats are written as ECMAScript writes them (RFC 8785 §3.2.2.3), from Python's
shortest round-trip ``repr``; integers beyond ±2**53 are first rounded to the nearest double,
as JavaScript reads them; NaN and infinities are refused. Strings keep lone surrogates as
``\\udxxx`` escapes, as ``JSON.stringify`` does. Anything else (``Decimal``, ``datetime``,
bytes, objects) raises ``TypeError``: convert it to what you sent as JSON first.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
import ssl
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from . import _ed25519

RECEIPT_TYPE = "warden.decision.receipt"

#: Why a receipt does not verify (the TypeScript SDK's ``ReceiptFailure``).
REASONS = ("malformed", "unsupported_alg", "unknown_key", "bad_signature", "key_retired")

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_SAFE = 2**53
#: How long after its key's ``validUntil`` a receipt may still be dated: instances notice a
#: rotation at their next signature, but their clocks (and a shared key directory's caches) can
#: lag the one that rotated by a little. The TypeScript SDK's ``RETIRED_KEY_GRACE_MS``.
RETIRED_KEY_GRACE = timedelta(minutes=2)


@dataclass(frozen=True)
class ReceiptCheck:
    """The outcome of :func:`verify_receipt`.

    Attributes:
        ok: True when the signature holds under a published key valid at the receipt's time.
        reason: when not ok, one of :data:`REASONS`.
        message: when not ok, what is wrong, for a log or an error answer.
        kid: the key id the receipt names (``None`` when it names none).
        payload: when ok, the signed statement (``actionId``, ``agentId``, ``action``,
            ``resource``, ``inputHash``, ``decision``, ``status``, ``policyVersions``,
            ``knowledge``, ``approvers``, ``time``; approved with changes also
            ``approvedInputHash``, the ``input_hash`` of the approved input as stored).
        key_status: when ok, ``"current"`` or ``"retired"``.
    """

    ok: bool
    reason: Optional[str] = None
    message: str = ""
    kid: Optional[str] = None
    payload: Optional[Dict[str, Any]] = None
    key_status: Optional[str] = None


def _es_number(x: float) -> str:
    """A double as ECMAScript's Number::toString writes it (ECMA-262 §7.1.12.1; RFC 8785 §3.2.2.3)."""
    if math.isnan(x) or math.isinf(x):
        raise TypeError(f"canonical_json: {x!r} is not a JSON number")
    if x == 0:
        return "0"
    text = repr(x)  # the shortest digits that round-trip, as ECMAScript chooses them
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("-")
    mantissa, _, exp = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = whole + frac
    n = len(whole) + (int(exp) if exp else 0)  # value = 0.digits × 10**n
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        out = (digits if k == 1 else digits[0] + "." + digits[1:]) + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + out


def _string(s: str) -> str:
    text = json.dumps(s, ensure_ascii=False)  # escapes as JSON.stringify: \b \t \n \f \r, \u00xx
    return _LONE_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), text)


def _utf16_key(k: str) -> bytes:
    return k.encode("utf-16-be", "surrogatepass")


def _canonical(v: Any, out: List[str]) -> None:
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, int):
        out.append(str(v) if -_MAX_SAFE <= v <= _MAX_SAFE else _es_number(float(v)))
    elif isinstance(v, float):
        out.append(_es_number(v))
    elif isinstance(v, str):
        out.append(_string(v))
    elif isinstance(v, (list, tuple)):
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(",")
            _canonical(x, out)
        out.append("]")
    elif isinstance(v, Mapping):
        for k in v:
            if not isinstance(k, str):
                raise TypeError(f"canonical_json: object keys must be strings, got {type(k).__name__}")
        out.append("{")
        for i, k in enumerate(sorted(v, key=_utf16_key)):
            if i:
                out.append(",")
            out.append(_string(k))
            out.append(":")
            _canonical(v[k], out)
        out.append("}")
    else:
        raise TypeError(f"canonical_json: {type(v).__name__} is not JSON")


def canonical_json(value: Any) -> str:
    """The RFC 8785 (JSON Canonicalization Scheme) text of a JSON value: members sorted by
    UTF-16 code units, no white space, numbers and strings as ECMAScript writes them. See the
    module's docstring for what it accepts.

    Raises:
        TypeError: a value JSON can't hold (NaN, infinities, non-string keys, other types).
    """
    out: List[str] = []
    _canonical(value, out)
    return "".join(out)


def input_hash(input: Any) -> str:
    """A receipt's ``inputHash`` for ``input``: SHA-256 (lowercase hex) of
    ``canonical_json(input)``, ``{}`` when ``input`` is ``None`` — recompute it from the input
    you are asked to apply and compare."""
    return hashlib.sha256(canonical_json({} if input is None else input).encode("utf-8")).hexdigest()


def _b64url(s: str) -> Optional[bytes]:
    if not isinstance(s, str) or not _B64URL.match(s):
        return None
    try:
        return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    except (binascii.Error, ValueError):
        return None


def _time(s: Any) -> Optional[datetime]:
    if not isinstance(s, str):
        return None
    try:
        return datetime.fromisoformat(s[:-1] + "+00:00" if s.endswith("Z") else s)
    except ValueError:
        return None


KeysLike = Union[Mapping[str, Any], Sequence[Mapping[str, Any]]]


def verify_receipt(receipt: Any, keys: KeysLike) -> ReceiptCheck:
    """Verifies a receipt offline with Warden's published receipt keys — what
    ``GET /api/keys/receipts`` answers (``{"keys": [...]}``) or its list: the key named by
    ``kid``, the Ed25519 signature (RFC 8032) over the RFC 8785 canonical JSON of ``payload``,
    and the key's validity (a receipt dated more than :data:`RETIRED_KEY_GRACE` after its key's
    ``validUntil`` fails). Whether the
    receipt fits the request in hand (action, resource, ``inputHash``, freshness) is for the
    caller to check on ``payload``. Never raises.
    """

    def fail(reason: str, kid: Optional[str], message: str) -> ReceiptCheck:
        return ReceiptCheck(ok=False, reason=reason, message=message, kid=kid)

    if not isinstance(receipt, Mapping):
        return fail("malformed", None, "not a receipt (expected an object {kid, alg, payload, signature})")
    kid = receipt.get("kid")
    if not isinstance(kid, str) or not kid:
        return fail("malformed", None, "the receipt has no kid")
    if receipt.get("alg") != "Ed25519":
        return fail("unsupported_alg", kid, f"alg is {json.dumps(receipt.get('alg'))}; Warden receipts are Ed25519")
    payload = receipt.get("payload")
    if not isinstance(payload, Mapping) or payload.get("type") != RECEIPT_TYPE or payload.get("v") != 1 or payload.get("v") is True:
        return fail("malformed", kid, f"the payload is not a {RECEIPT_TYPE} v1")
    signature = _b64url(receipt.get("signature"))  # type: ignore[arg-type]
    if signature is None or len(signature) != 64:
        return fail("malformed", kid, "the signature is not 64 bytes of base64url")
    key_list = keys.get("keys") if isinstance(keys, Mapping) else keys
    entries = [k for k in key_list if isinstance(k, Mapping)] if isinstance(key_list, (list, tuple)) else []
    entry = next((k for k in entries if k.get("kid") == kid), None)
    if entry is None:
        return fail("unknown_key", kid, f"signed by key {kid}, which is not among the {len(entries)} receipt keys given")
    public = _b64url(entry.get("publicKey"))  # type: ignore[arg-type]
    if entry.get("alg", "Ed25519") != "Ed25519" or public is None or len(public) != 32:
        return fail("unknown_key", kid, f"the published key {kid} is not an Ed25519 public key")
    try:
        message = canonical_json(payload).encode("utf-8")
    except TypeError as err:
        return fail("malformed", kid, str(err))
    if not _ed25519.verify(public, message, signature):
        return fail("bad_signature", kid, f"the signature does not match the payload under key {kid}: the receipt was altered or signed by another key")
    until = entry.get("validUntil")
    retired_at = _time(until)
    if retired_at is not None:
        at = _time(payload.get("time"))
        try:
            late = at is None or at > retired_at + RETIRED_KEY_GRACE
        except TypeError:  # one with a time zone, one without
            late = True
        if late:
            return fail("key_retired", kid, f"key {kid} was retired at {until}, but the receipt is dated {payload.get('time')}")
    status = "retired" if entry.get("status") == "retired" or entry.get("validUntil") else "current"
    return ReceiptCheck(ok=True, kid=kid, payload=dict(payload), key_status=status)


def fetch_receipt_keys(url: str, timeout: float = 10.0, ssl_context: Optional[ssl.SSLContext] = None) -> Dict[str, Any]:
    """``GET <url>/api/keys/receipts`` (no credentials needed); ``url`` is Warden's base URL or
    the full keys URL. Returns ``{"keys": [...]}``.

    Raises:
        OSError (``urllib.error.URLError``) when unreachable; ValueError when the answer is not
        a key list.
    """
    target = url if re.search(r"/api/keys/receipts/?$", url) else url.rstrip("/") + "/api/keys/receipts"
    req = urllib.request.Request(target, headers={"accept": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout, context=ssl_context) as res:  # noqa: S310 - http(s) URL of Warden
        body = json.loads(res.read() or b"null")
    if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
        raise ValueError(f'GET {target} did not answer {{"keys": [...]}}')
    return {"keys": body["keys"]}
