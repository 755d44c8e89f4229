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

from capsules.models import Attempt, Capsule, Progress

log = logging.getLogger(__name__)


def check_block_badge(user_id: int, capsule_id: int) -> None:
    from django.contrib.auth import get_user_model

    from capsules.recognition.issuance import award_if_earned

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
        transaction.on_commit(lambda: check_block_badge(instance.user_id, instance.capsule_id))


@receiver(post_save, sender=Attempt, dispatch_uid="recognition-attempt")
def on_attempt_saved(sender, instance: Attempt, created: bool, **kwargs):
    if created and instance.correct:
        capsule_id = instance.interaction.capsule_id
        transaction.on_commit(lambda: check_block_badge(instance.user_id, capsule_id))
