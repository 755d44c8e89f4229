"""A DID the learner supplies to be named in their badges (``credentialSubject.id``).

Only the two methods a learner's wallet is likely to hand out are accepted, checked strictly and
returned in one normal form: ``did:key`` (a base58btc multibase public key whose multicodec is a
known key type of the right length) and ``did:web`` (a domain name, optional ``%3A`` port and
path segments; no IP address, no query, no fragment). Everything else gets a message in the request's language.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from capsules.models import LearnerDid
from capsules.recognition.signing import multibase_decode

MAX_LENGTH = 512
# multicodec varint prefix -> public key length in bytes (None: variable, RSA DER)
KEY_CODECS = {
    b"\xed\x01": 32,  # ed25519-pub
    b"\xec\x01": 32,  # x25519-pub
    b"\xe7\x01": 33,  # secp256k1-pub (compressed)
    b"\x80\x24": 33,  # p256-pub (compressed)
    b"\x81\x24": 49,  # p384-pub (compressed)
    b"\x85\x24": None,  # rsa-pub (DER)
}
_KEY = re.compile(r"did:key:(z[1-9A-HJ-NP-Za-km-z]+)")
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.[a-z]{{2,63}}|localhost")
_SEGMENT = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+")


def _key(did: str) -> str:
    match = _KEY.fullmatch(did)
    if not match:
        raise ValidationError(_("Un did:key s'écrit did:key:z… suivi de la clé publique en base58."))
    try:
        raw = multibase_decode(match.group(1))
    except ValueError as exc:
        raise ValidationError(_("Ce did:key n'est pas une clé publique lisible.")) from exc
    size = KEY_CODECS.get(raw[:2], 0)
    if size == 0 or (size is not None and len(raw) != 2 + size) or (size is None and len(raw) < 2 + 64):
        raise ValidationError(_("Ce did:key ne contient pas une clé publique d'un type connu "
                                "(Ed25519, X25519, secp256k1, P-256, P-384, RSA)."))
    return did


def _web(did: str) -> str:
    host, *path = did.removeprefix("did:web:").split(":")
    port = ""
    if "%3a" in host.lower():
        host, port = re.split("%3a", host, maxsplit=1, flags=re.IGNORECASE)
        if not port.isdigit() or not 0 < int(port) < 65536 or len(port) > 5:
            raise ValidationError(
                _("Le port d'un did:web s'écrit %(code)s suivi d'un numéro (1 à 65535).") % {"code": "%3A"})
        port = "%3A" + port
    host = host.lower()
    if not _HOST.fullmatch(host) or len(host) > 253 or host.replace(".", "").isdigit():
        raise ValidationError(_("Un did:web s'écrit did:web:nom-de-domaine (par exemple did:web:exemple.fr), "
                                "sans adresse IP."))
    if any(not _SEGMENT.fullmatch(segment) or segment in (".", "..") for segment in path):
        raise ValidationError(_("Le chemin de ce did:web contient des caractères non permis."))
    return ":".join(["did:web", host + port, *path])


def normalise_did(value: str) -> str:
    """The DID in normal form, or ValidationError with a message in the active language."""
    did = (value or "").strip()
    if not did:
        raise ValidationError(_("Saisissez un DID."))
    if len(did) > MAX_LENGTH:
        raise ValidationError(_("Ce DID est trop long (%(max)s caractères au plus).") % {"max": MAX_LENGTH})
    if not did.isascii() or not did.isprintable() or any(ch.isspace() for ch in did):
        raise ValidationError(_("Un DID ne contient ni espace, ni accent, ni caractère de contrôle."))
    method = did[:8].lower()
    if method not in ("did:key:", "did:web:"):
        raise ValidationError(_("Seuls les DID did:key et did:web sont acceptés."))
    if "?" in did or "#" in did or "/" in did:
        raise ValidationError(_("Donnez le DID seul, sans chemin, paramètre ni fragment (/, ? ou #)."))
    return _key(method + did[8:]) if method == "did:key:" else _web(method + did[8:])


def current_did(user) -> str:
    return LearnerDid.objects.filter(user=user).values_list("did", flat=True).first() or ""


def set_did(user, value: str) -> str:
    """Store the learner's DID (normal form) for the badges issued from now on; raises ValidationError."""
    did = normalise_did(value)
    LearnerDid.objects.update_or_create(user=user, defaults={"did": did})
    return did


def clear_did(user) -> None:
    LearnerDid.objects.filter(user=user).delete()
