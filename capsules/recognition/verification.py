"""Verify a credential as an outside verifier would: proof, validity dates, revocation status.

Keys and the status list of this site are resolved locally (they are what the site publishes at
the URLs named in the credential); a credential naming another issuer's key is not trusted here.
Messages are in the request's language (the public verification page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from capsules.recognition import keys, signing, status_list
from capsules.recognition.issuance import signed_status_list


@dataclass(frozen=True)
class Verification:
    proof_valid: bool
    proof_message: str
    dates_valid: bool
    dates_message: str
    revoked: bool | None
    status_message: str

    @property
    def valid(self) -> bool:
        return self.proof_valid and self.dates_valid and self.revoked is False


def _dates(document: dict, now: datetime) -> tuple[bool, str]:
    start = parse_datetime(document.get("validFrom") or "")
    end = parse_datetime(document["validUntil"]) if document.get("validUntil") else None
    if start is None:
        return False, _("Date de début de validité absente ou illisible.")
    if start > now:
        return False, _("Ce badge n'est pas encore valide.")
    if end is not None and end < now:
        return False, _("Ce badge a expiré.")
    return True, _("Dates de validité respectées.")


def _status(document: dict) -> tuple[bool | None, str]:
    entry = document.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return None, _("Statut de révocation absent.")
    if entry.get("statusListCredential") != status_list.list_url():
        return None, _("Liste de statuts d'un autre émetteur : non vérifiable ici.")
    listing = signed_status_list()
    if not signing.verify(listing, keys.resolve).valid:
        return None, _("La liste de statuts n'est pas correctement signée.")
    try:
        revoked = status_list.is_set(status_list.decode(listing["credentialSubject"]["encodedList"]),
                                     int(entry.get("statusListIndex")))
    except (TypeError, ValueError):
        return None, _("Entrée de statut illisible.")
    return revoked, _("Ce badge a été révoqué par l'émetteur.") if revoked else _("Ce badge n'a pas été révoqué.")


def verify_credential(document: dict, now: datetime | None = None) -> Verification:
    check = signing.verify(document, keys.resolve)
    # signing.py (no Django) gives its reasons as French msgids, marked there for makemessages
    proof_message = _("Signature valide : le badge est authentique et n'a pas été modifié.") if check.valid \
        else _(check.reason) if check.reason else ""
    dates_ok, dates_message = _dates(document, now or timezone.now())
    revoked, status_message = _status(document)
    return Verification(check.valid, proof_message, dates_ok, dates_message, revoked, status_message)
