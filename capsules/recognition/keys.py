"""The issuer's Ed25519 keys: creation, rotation, and the controller document that publishes them.

Private keys are stored encrypted (Fernet, key derived from ``SECRET_KEY``). Rotation retires the
current key and creates a new one; retired keys stay in the controller document, so credentials
signed before the rotation still verify.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from capsules.models import IssuerKey
from capsules.recognition import signing
from capsules.recognition.contexts import CID_V1
from capsules.recognition.site import issuer_id


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"geste-issuer-key:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def method_id(key: IssuerKey) -> str:
    return f"{issuer_id()}#{key.public_key_multibase}"


def create_key() -> IssuerKey:
    private = Ed25519PrivateKey.generate()
    token = _fernet().encrypt(signing.secret_key_multibase(private).encode()).decode()
    return IssuerKey.objects.create(public_key_multibase=signing.public_key_multibase(private.public_key()),
                                    private_key_encrypted=token)


def private_key(key: IssuerKey) -> Ed25519PrivateKey:
    return signing.private_key_from_multibase(_fernet().decrypt(key.private_key_encrypted.encode()).decode())


@transaction.atomic
def active_key() -> IssuerKey:
    """The newest key not retired (created on first use)."""
    key = IssuerKey.objects.select_for_update().filter(retired_at=None).order_by("-created_at", "-pk").first()
    return key or create_key()


@transaction.atomic
def rotate_key() -> IssuerKey:
    IssuerKey.objects.filter(retired_at=None).update(retired_at=timezone.now())
    return create_key()


def resolve(method: str) -> tuple[Ed25519PublicKey, str] | None:
    """verificationMethod id -> (public key, controller) for this site's keys, retired ones included."""
    controller = issuer_id()
    base, _, fragment = method.partition("#")
    if base != controller or not fragment:
        return None
    key = IssuerKey.objects.filter(public_key_multibase=fragment).first()
    return (signing.public_key_from_multibase(key.public_key_multibase), controller) if key else None


def controller_document() -> dict:
    """The issuer's controller document (W3C Controlled Identifiers): every key as a Multikey."""
    controller = issuer_id()
    keys = list(IssuerKey.objects.order_by("created_at", "pk"))
    methods = [{"id": method_id(key), "type": "Multikey", "controller": controller,
                "publicKeyMultibase": key.public_key_multibase} for key in keys]
    return {
        "@context": CID_V1,
        "id": controller,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }
