"""Offline receipt verification: RFC 8785 canonical JSON and RFC 8032 Ed25519, against the
RFCs' own test vectors. Receipts signed by Warden itself are checked in two other places:
``test_real_warden.py`` (a running Warden) and ``test/unit/receipts-python.test.ts`` (receipts
signed by Warden's code, verified here and by the TypeScript SDK, compared)."""

from __future__ import annotations

import base64
import hashlib
import struct
import unittest

from support import warden  # noqa: F401 - puts sdk/python on the path

from warden import _ed25519
from warden.receipts import canonical_json, input_hash, verify_receipt

# RFC 8032 §7.1, TEST 1–3: (public key, message, signature), hex.
RFC8032 = [
    (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
]

# RFC 8785 appendix B: IEEE 754 doubles (hex) and their canonical text.
NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def b64url(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


class CanonicalJson(unittest.TestCase):
    def test_rfc8785_example(self) -> None:
        doc = {
            "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001],
            "string": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
            "literals": [None, True, False],
        }
        self.assertEqual(
            canonical_json(doc),
            '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
        )

    def test_members_sorted_by_utf16_code_units(self) -> None:
        doc = {"\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\U0001f600": 5, "\u0080": 6, "\u00f6": 7}
        # U+1F600 is the surrogate pair D83D DE00: before U+FB33 in UTF-16, after it in code points.
        self.assertEqual(canonical_json(doc), '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\U0001f600":5,"\ufb33":3}')

    def test_numbers_as_ecmascript_writes_them(self) -> None:
        for hex_, text in NUMBERS:
            with self.subTest(hex_):
                self.assertEqual(canonical_json(struct.unpack(">d", bytes.fromhex(hex_))[0]), text)
        self.assertEqual(canonical_json([1, -0.0, 100.0, 2**53, 2**53 + 1, 10**21, 120.5]), "[1,0,100,9007199254740992,9007199254740992,1e+21,120.5]")

    def test_strings_escaped_as_json_stringify_does(self) -> None:
        self.assertEqual(canonical_json("tab\t\x01\x1f\x7f\u2028é\ud800"), '"tab\\t\\u0001\\u001f\x7f\u2028é\\ud800"')

    def test_refuses_what_json_cannot_hold(self) -> None:
        for bad in (float("nan"), float("inf"), {1: "x"}, b"bytes", object()):
            with self.subTest(repr(bad)):
                with self.assertRaises(TypeError):
                    canonical_json(bad)

    def test_input_hash_is_sha256_of_the_canonical_text(self) -> None:
        self.assertEqual(
            input_hash({"sku": "LUX-1", "price": 120.5, "tags": ["b", "a"]}),
            hashlib.sha256(b'{"price":120.5,"sku":"LUX-1","tags":["b","a"]}').hexdigest(),
        )
        self.assertEqual(input_hash(None), hashlib.sha256(b"{}").hexdigest())


class Ed25519(unittest.TestCase):
    def test_rfc8032_vectors_verify_and_any_change_fails(self) -> None:
        for pk, msg, sig in RFC8032:
            pk_b, msg_b, sig_b = bytes.fromhex(pk), bytes.fromhex(msg), bytes.fromhex(sig)
            with self.subTest(pk[:8]):
                self.assertTrue(_ed25519.verify(pk_b, msg_b, sig_b))
                self.assertFalse(_ed25519.verify(pk_b, msg_b + b"!", sig_b))
                for i in (0, 31, 32, 63):
                    bad = bytearray(sig_b)
                    bad[i] ^= 0x01
                    self.assertFalse(_ed25519.verify(pk_b, msg_b, bytes(bad)))
                other = bytes.fromhex(RFC8032[(RFC8032.index((pk, msg, sig)) + 1) % 3][0])
                self.assertFalse(_ed25519.verify(other, msg_b, sig_b))

    def test_refuses_s_not_below_the_group_order_and_bad_lengths(self) -> None:
        pk, msg, sig = (bytes.fromhex(x) for x in RFC8032[0])
        s = int.from_bytes(sig[32:], "little") + _ed25519.q  # the same signature, S + L: malleated
        self.assertFalse(_ed25519.verify(pk, msg, sig[:32] + s.to_bytes(32, "little")))
        self.assertFalse(_ed25519.verify(pk[:31], msg, sig))
        self.assertFalse(_ed25519.verify(pk, msg, sig[:63]))


class VerifyReceiptShape(unittest.TestCase):
    """The checks before any signature: what is malformed, which key. (Signatures made by
    Warden are verified in test_real_warden.py and test/unit/receipts-python.test.ts.)"""

    KEY = {"kid": "k1", "alg": "Ed25519", "publicKey": RFC8032[0][0], "validFrom": None, "validUntil": None}
    PAYLOAD = {"type": "warden.decision.receipt", "v": 1, "time": "2026-11-29T12:00:00.000Z"}

    def receipt(self, **over: object) -> dict:
        return {"kid": "k1", "alg": "Ed25519", "payload": dict(self.PAYLOAD), "signature": b64url(bytes(64)), **over}

    def test_reasons(self) -> None:
        key = dict(self.KEY, publicKey=b64url(bytes.fromhex(RFC8032[0][0])))
        cases = [
            ("not a receipt", "malformed"),
            (self.receipt(kid=None), "malformed"),
            (self.receipt(alg="EdDSA"), "unsupported_alg"),
            (self.receipt(payload={"type": "other", "v": 1}), "malformed"),
            (self.receipt(payload=dict(self.PAYLOAD, v=True)), "malformed"),
            (self.receipt(signature="not base64url!"), "malformed"),
            (self.receipt(signature=b64url(bytes(63))), "malformed"),
            (self.receipt(kid="k2"), "unknown_key"),
            (self.receipt(), "bad_signature"),
        ]
        for receipt, reason in cases:
            with self.subTest(reason=reason, receipt=receipt):
                check = verify_receipt(receipt, {"keys": [key]})
                self.assertFalse(check.ok)
                self.assertEqual(check.reason, reason)
                self.assertTrue(check.message)
        self.assertEqual(verify_receipt(self.receipt(), {"keys": [dict(key, publicKey="c2hvcnQ")]}).reason, "unknown_key")
        self.assertEqual(verify_receipt(self.receipt(), [key]).reason, "bad_signature")  # a bare key list works too


if __name__ == "__main__":
    unittest.main()
