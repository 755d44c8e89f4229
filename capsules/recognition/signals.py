"""Issue a block badge when learning progress completes it.

``capsules.learning`` must not import recognition, so recognition listens: after a capsule's
progress is saved completed, or a correct answer is recorded, the block's rule is evaluated once
the transaction commits (``award_if_earned`` is idempotent). Connected from ``CapsulesConfig.ready``.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from capsules.models import Achievement, Attempt, BadgeCredential, Capsule, Progress

log = logging.getLogger(__name__)


def badge_rule(capsule_id: int) -> tuple[int, bool] | None:
    """(achievement id, require_all_capsules) of the auto-awarded badge of the capsule's block, or None.

    Cached under the learner content stamp (``content_cache``; an Achievement change starts a new one):
    most answers and progress saves come from blocks without a badge, or from learners who cannot have
    earned it yet, and now cost no query here."""
    from capsules.learning.content_cache import cached

    def compute():
        row = (Achievement.objects.filter(skills_block__capsules=capsule_id, auto_award=True)
               .values_list("pk", "require_all_capsules")[:1])
        return tuple(row[0]) if row else None

    return cached(f"geste:badge-rule:{capsule_id}", compute)


def check_block_badge(user_id: int, capsule_id: int, completed: bool = False) -> None:
    """Award the block's badge if this learner has just earned it (``completed``: the capsule's progress
    is known to be complete)."""
    from django.contrib.auth import get_user_model

    from capsules.recognition.issuance import award_if_earned

    rule = badge_rule(capsule_id)
    if rule is None:
        return
    achievement_id, require_all = rule
    if require_all and not completed and not Progress.objects.filter(
            user_id=user_id, capsule_id=capsule_id, completed=True).exists():
        return  # every capsule of the block must be completed, this one is not
    if BadgeCredential.objects.filter(user_id=user_id, achievement_id=achievement_id, revoked_at=None).exists():
        return
    capsule = Capsule.objects.select_related("skills_block").filter(pk=capsule_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if capsule is None or user is None:
        return
    try:
        award_if_earned(user, capsule.skills_block)
    except Exception:  # a signing problem must never break the learner's answer or progress
        log.exception("block badge check failed for user %s, capsule %s", user_id, capsule_id)


@receiver(post_save, sender=Progress, dispatch_uid="recognition-progress")
def on_progress_saved(sender, instance: Progress, **kwargs):
    if instance.completed:
        transaction.on_commit(lambda: check_block_badge(instance.user_id, instance.capsule_id, completed=True))


@receiver(post_save, sender=Attempt, dispatch_uid="recognition-attempt")
def on_attempt_saved(sender, instance: Attempt, created: bool, **kwargs):
    if created and instance.correct:
        capsule_id = instance.interaction.capsule_id
        transaction.on_commit(lambda: check_block_badge(instance.user_id, capsule_id))
