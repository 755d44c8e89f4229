"""Build the Open Badges 3.0 ``OpenBadgeCredential`` (VC Data Model 2.0) of an issued badge.

The learner is identified by the DID they supplied on their portfolio page, or else by a salted
SHA-256 hash (OB 3.0 ``IdentityObject``), never by their e-mail in clear; the achievement is
aligned to its RNCP skills block; the evidence lists the block's capsules with completion dates
and first-try scores, or the trainer's observation.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from capsules.models import Achievement, BadgeCredential
from capsules.recognition.achievements import CapsuleRecord
from capsules.recognition.contexts import CREDENTIALS_V2, OB_V3P0
from capsules.recognition.did import current_did
from capsules.recognition.site import issuer_profile_json, public_url
from capsules.recognition.status_list import status_entry

FRANCE_COMPETENCES_RNCP = "https://www.francecompetences.fr/recherche/rncp/{number}/"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_url(credential: BadgeCredential) -> str:
    return public_url(reverse("recognition-credential", args=[credential.uuid]))


def achievement_url(achievement: Achievement) -> str:
    return public_url(reverse("recognition-achievement", args=[achievement.skills_block.code]))


def achievement_json(achievement: Achievement) -> dict:
    block = achievement.skills_block
    number = block.certification.rncp_code.removeprefix("RNCP")
    data = {
        "id": achievement_url(achievement),
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria_narrative},
        "humanCode": block.code,
        "inLanguage": "fr",
        "alignment": [{
            "type": ["Alignment"],
            "targetName": f"{block.code} — {block.title}",
            "targetDescription": f"Bloc de compétences de la certification {block.certification}",
            "targetUrl": FRANCE_COMPETENCES_RNCP.format(number=number),
            "targetCode": block.code,
            "targetFramework": "RNCP",
        }],
    }
    if achievement.image_id:
        rendition = achievement.image.get_rendition("max-512x512")
        data["image"] = {"id": public_url(rendition.url), "type": "Image", "caption": achievement.name}
    return data


def identity_hash(value: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((value + salt).encode()).hexdigest()


def subject_identifier(user, salt: str) -> dict:
    """A salted hash of the learner's e-mail (or of their account id when they have none)."""
    if user.email:
        kind, value = "emailAddress", user.email.strip().lower()
    else:
        kind, value = "systemId", f"geste-user-{user.pk}"
    return {"type": "IdentityObject", "identityType": kind, "hashed": True,
            "identityHash": identity_hash(value, salt), "salt": salt}


def subject_reference(user) -> dict:
    """``id``: the learner's own DID when they gave one; else ``identifier``: a salted hash."""
    did = current_did(user)
    if did:
        return {"id": did}
    return {"identifier": [subject_identifier(user, secrets.token_hex(8))]}


def _first_try_count(right: int, answered: int) -> str:
    return ngettext("%(right)d sur %(n)d question notée réussie du premier coup",
                    "%(right)d sur %(n)d questions notées réussies du premier coup", answered) % {
        "right": right, "n": answered}


def capsule_evidence(record: CapsuleRecord) -> dict:
    """A completed capsule: its date and first-try count, not a percentage of its own (walk 22: « 67 % sur
    3 question(s) » and « 0 % sur 2 question(s) » under « au moins 50 % » read as two failed scores, while
    the rule scores the whole block: ``block_evidence``)."""
    parts = []
    if record.completed_at:
        parts.append("Capsule terminée le " + formats.date_format(timezone.localtime(record.completed_at),
                                                                   "j F Y", use_l10n=True))
    if record.first_try_answered:
        parts.append(_first_try_count(record.first_try_right, record.first_try_answered))
    return {"type": ["Evidence"], "name": record.title, "narrative": " ; ".join(parts) + "." if parts else "",
            "genre": "Capsule vidéo interactive"}


def block_evidence(records: list[CapsuleRecord], minimum: int) -> dict | None:
    """The figure the badge rule checks (``achievements.evaluate``): first-try right answers over the graded
    questions answered in the whole block (self-assessed ones left out), beside the minimum."""
    right = sum(r.first_try_right for r in records)
    answered = sum(r.first_try_answered for r in records)
    if not answered:
        return None
    # « 60 % (3 sur 5 …) », the count in brackets: shown as « name : narrative » it read « …sur le bloc :
    # 60 % : 3 sur 5 » (walk 24), two colons in a row.
    values = {"percent": round(100 * right / answered), "count": _first_try_count(right, answered), "minimum": minimum}
    narrative = (_("%(percent)d %% (%(count)s ; minimum exigé : %(minimum)d %%)") if minimum
                 else _("%(percent)d %% (%(count)s)")) % values
    return {"type": ["Evidence"], "name": _("Score au premier essai sur le bloc"), "narrative": narrative + ".",
            "genre": "Score au premier essai"}


def build(credential: BadgeCredential, records: list[CapsuleRecord]) -> dict:
    """The unsigned credential document."""
    achievement = credential.achievement
    with translation.override(settings.LANGUAGE_CODE):  # a signed document: one language, the site's
        overall = block_evidence(records, achievement.min_first_try_score)
        evidence = ([overall] if overall else []) + [capsule_evidence(r) for r in records if r.completed_at]
    if credential.evidence_narrative:
        who = credential.awarded_by.get_full_name() or credential.awarded_by.username if credential.awarded_by else ""
        evidence.append({"type": ["Evidence"], "name": "Observation du formateur",
                         "narrative": credential.evidence_narrative,
                         **({"description": f"Attribué à la main par {who}."} if who else {})})
    subject = {"type": ["AchievementSubject"], **subject_reference(credential.user),
               "achievement": achievement_json(achievement)}
    doc = {
        "@context": [CREDENTIALS_V2, OB_V3P0],
        "id": credential_url(credential),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "issuer": issuer_profile_json(),
        "validFrom": iso(credential.issued_at),
        "credentialSubject": subject,
        "credentialStatus": status_entry(credential.status_index),
    }
    if evidence:
        doc["evidence"] = evidence
    return doc
