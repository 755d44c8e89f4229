"""Revocation published as a W3C Bitstring Status List credential (``credentialStatus``).

One list of 131,072 entries (16 KiB, the minimum size for herd privacy); each credential gets a
random free index. A set bit means revoked. The list credential is signed like any credential and
built deterministically (its dates are those of the last change), so it verifies and caches well.
"""

from __future__ import annotations

import base64
import gzip
import secrets

from django.urls import reverse

from capsules.recognition.contexts import CREDENTIALS_V2
from capsules.recognition.site import issuer_id, public_url

LIST_SIZE = 131072
LIST_NAME = "revocation"


def list_url() -> str:
    return public_url(reverse("recognition-status-list", args=[LIST_NAME]))


def random_index() -> int:
    return secrets.randbelow(LIST_SIZE)


def status_entry(index: int) -> dict:
    return {"id": f"{list_url()}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": str(index), "statusListCredential": list_url()}


def encode(revoked: set[int], size: int = LIST_SIZE) -> str:
    """Multibase base64url (no padding) of the GZIP-compressed bitstring; index 0 is the leftmost bit."""
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList : multibase base64url attendu")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise ValueError("statusListIndex hors de la liste")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def list_credential(revoked: set[int], valid_from: str) -> dict:
    """The unsigned BitstringStatusListCredential."""
    return {
        "@context": [CREDENTIALS_V2],
        "id": list_url(),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": valid_from,
        "credentialSubject": {"id": f"{list_url()}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": encode(revoked)},
    }
