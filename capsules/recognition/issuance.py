"""Issue, award by hand, and revoke block badges; sign what is published.

``award_if_earned`` is what the learning path triggers (through ``signals``): it evaluates the
block's rule and issues the credential once. ``award_by_hand`` is for trainers (workshop
observation, soft skills): the rule is not checked, the evidence narrative is required.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from capsules.learning.progress import live_capsules
from capsules.models import Achievement, BadgeCredential, SkillsBlock
from capsules.recognition import credentials, keys, signing, status_list
from capsules.recognition.achievements import CapsuleRecord, evaluate

log = logging.getLogger(__name__)


def sign_document(document: dict) -> dict:
    key = keys.active_key()
    created = document.get("validFrom") or credentials.iso(timezone.now())
    options = signing.proof_options(keys.method_id(key), created)
    return signing.sign(document, keys.private_key(key), options)


def live_credential(user, achievement: Achievement) -> BadgeCredential | None:
    return BadgeCredential.objects.filter(user=user, achievement=achievement, revoked_at=None).first()


def _issue(user, achievement: Achievement, records: list[CapsuleRecord], *, awarded_by=None,
           narrative: str = "") -> BadgeCredential:
    block_capsules = list(live_capsules(achievement.skills_block).values_list("pk", flat=True))
    for _ in range(20):  # random status index: retry on the rare collision
        try:
            with transaction.atomic():
                credential = BadgeCredential(user=user, achievement=achievement, awarded_by=awarded_by,
                                             evidence_narrative=narrative, issued_at=timezone.now(),
                                             status_index=status_list.random_index(), document={},
                                             block_capsule_ids=block_capsules)
                credential.document = sign_document(credentials.build(credential, records))
                credential.save()
                return credential
        except IntegrityError:
            existing = live_credential(user, achievement)
            if existing:
                return existing
    raise RuntimeError("no free status list index")


def award_if_earned(user, skills_block: SkillsBlock) -> BadgeCredential | None:
    """Issue the block's badge when the learner meets its rule (once; a no-op otherwise)."""
    achievement = Achievement.objects.filter(skills_block=skills_block, auto_award=True).first()
    if achievement is None or not user.is_active:
        return None
    existing = live_credential(user, achievement)
    if existing:
        return existing
    outcome = evaluate(user, achievement)
    if not outcome.earned:
        return None
    credential = _issue(user, achievement, outcome.capsules)
    log.info("badge %s issued to user %s", achievement.skills_block.code, user.pk)
    return credential


def award_by_hand(user, achievement: Achievement, awarded_by, narrative: str) -> BadgeCredential:
    if not narrative.strip():
        raise ValueError("Décrivez ce qui a été observé : la preuve est obligatoire.")
    existing = live_credential(user, achievement)
    if existing:
        return existing
    records = [r for r in evaluate(user, achievement).capsules if r.completed_at]
    return _issue(user, achievement, records, awarded_by=awarded_by, narrative=narrative.strip())


def revoke(credential: BadgeCredential, by, reason: str = "") -> BadgeCredential:
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.revoked_by = by
        credential.revocation_reason = reason
        credential.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    return credential


def signed_status_list() -> dict:
    """The revocation list, signed; dated by its last change so that it is stable between changes."""
    revoked = set(BadgeCredential.objects.exclude(revoked_at=None).values_list("status_index", flat=True))
    stamps = BadgeCredential.objects.aggregate(revoked=Max("revoked_at"), issued=Max("issued_at"))
    moment = stamps["revoked"] or stamps["issued"] or timezone.now()
    return sign_document(status_list.list_credential(revoked, credentials.iso(moment)))
