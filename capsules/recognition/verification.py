"""Verify a credential as an outside verifier would: proof, validity dates, revocation status.

Keys and the status list of this site are resolved locally (they are what the site publishes at
the URLs named in the credential); a credential naming another issuer's key is not trusted here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

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
        return False, "Date de début de validité absente ou illisible."
    if start > now:
        return False, "Ce badge n'est pas encore valide."
    if end is not None and end < now:
        return False, "Ce badge a expiré."
    return True, "Dates de validité respectées."


def _status(document: dict) -> tuple[bool | None, str]:
    entry = document.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return None, "Statut de révocation absent."
    if entry.get("statusListCredential") != status_list.list_url():
        return None, "Liste de statuts d'un autre émetteur : non vérifiable ici."
    listing = signed_status_list()
    if not signing.verify(listing, keys.resolve).valid:
        return None, "La liste de statuts n'est pas correctement signée."
    try:
        revoked = status_list.is_set(status_list.decode(listing["credentialSubject"]["encodedList"]),
                                     int(entry.get("statusListIndex")))
    except (TypeError, ValueError):
        return None, "Entrée de statut illisible."
    return revoked, "Ce badge a été révoqué par l'émetteur." if revoked else "Ce badge n'a pas été révoqué."


def verify_credential(document: dict, now: datetime | None = None) -> Verification:
    check = signing.verify(document, keys.resolve)
    proof_message = "Signature valide : le badge est authentique et n'a pas été modifié." if check.valid \
        else check.reason
    dates_ok, dates_message = _dates(document, now or timezone.now())
    revoked, status_message = _status(document)
    return Verification(check.valid, proof_message, dates_ok, dates_message, revoked, status_message)
