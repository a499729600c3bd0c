"""Ed25519 signature verification in pure Python (standard library only).

This is the reference implementation of RFC 8032 ("Edwards-Curve Digital Signature Algorithm
(EdDSA)", S. Josefsson and I. Liusvaara, January 2017), section 6 ("Ed25519 Python
Illustration"), reduced to verification (section 5.1.7), with one correction: ``recover_x``
reduces ``x2`` modulo p before testing it for zero, so the encodings of y = p − 1 are decoded as
section 5.1.3 says.

It checks the cofactorless equation [S]B = R + [k]A' that section 5.1.7 allows ("sufficient, but
not required") and refuses S ≥ L and non-canonical point encodings (y ≥ p), as OpenSSL and
Node's crypto do; a signature Warden makes verifies the same way here and there.

Not constant-time — verification handles only public data — and slow next to a C library
(a few milliseconds per signature): fine for checking receipts, not for bulk work.
"""

from __future__ import annotations

import hashlib
from typing import Optional, Tuple

Point = Tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T): x = X/Z, y = Y/Z, x*y = T/Z

p = 2**255 - 19
q = 2**252 + 27742317777372353535851937790883648493  # the group order L


def _modp_inv(x: int) -> int:
    return pow(x, p - 2, p)


d = -121665 * _modp_inv(121666) % p
_modp_sqrt_m1 = pow(2, (p - 1) // 4, p)


def _sha512_modq(s: bytes) -> int:
    return int.from_bytes(hashlib.sha512(s).digest(), "little") % q


def _point_add(P: Point, Q: Point) -> Point:
    A, B = (P[1] - P[0]) * (Q[1] - Q[0]) % p, (P[1] + P[0]) * (Q[1] + Q[0]) % p
    C, D = 2 * P[3] * Q[3] * d % p, 2 * P[2] * Q[2] % p
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F, G * H, F * G, E * H)


def _point_mul(s: int, P: Point) -> Point:
    Q: Point = (0, 1, 1, 0)  # the neutral element
    while s > 0:
        if s & 1:
            Q = _point_add(Q, P)
        P = _point_add(P, P)
        s >>= 1
    return Q


def _point_equal(P: Point, Q: Point) -> bool:
    # x1 / z1 == x2 / z2  <==>  x1 * z2 == x2 * z1
    if (P[0] * Q[2] - Q[0] * P[2]) % p != 0:
        return False
    if (P[1] * Q[2] - Q[1] * P[2]) % p != 0:
        return False
    return True


def _recover_x(y: int, sign: int) -> Optional[int]:
    if y >= p:
        return None
    x2 = (y * y - 1) * _modp_inv(d * y * y + 1) % p
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (p + 3) // 8, p)
    if (x * x - x2) % p != 0:
        x = x * _modp_sqrt_m1 % p
    if (x * x - x2) % p != 0:
        return None
    if (x & 1) != sign:
        x = p - x
    return x


_g_y = 4 * _modp_inv(5) % p
_g_x = _recover_x(_g_y, 0)
assert _g_x is not None
G: Point = (_g_x, _g_y, 1, _g_x * _g_y % p)


def _point_decompress(s: bytes) -> Optional[Point]:
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % p)


def verify(public: bytes, msg: bytes, signature: bytes) -> bool:
    """True when ``signature`` (64 bytes) is a valid Ed25519 signature of ``msg`` under the raw
    32-byte public key ``public`` (RFC 8032 §5.1.7). Never raises on bad input: False."""
    if len(public) != 32 or len(signature) != 64:
        return False
    A = _point_decompress(public)
    if A is None:
        return False
    Rs = signature[:32]
    R = _point_decompress(Rs)
    if R is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= q:
        return False
    h = _sha512_modq(Rs + public + msg)
    sB = _point_mul(s, G)
    hA = _point_mul(h, A)
    return _point_equal(sB, _point_add(R, hA))
