"""Send a grade back when learning changes it: ``capsules.learning`` never imports interop, so
interop listens (as recognition does). A completed capsule's progress, or a right answer in a
completed capsule, queues ``send_grade`` for the learner's LTI links of that capsule and of its
block, once the transaction commits. Connected from ``CapsulesConfig.ready``.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from capsules.models import Attempt, Progress


def _queue_for(user_id: int, capsule) -> None:
    """Only links whose result differs from what the platform last got (progress is saved every few
    seconds while a completed capsule is watched again: that must not resend anything)."""
    from capsules.interop.lti.grades import links_for, needs_sending
    from capsules.interop.lti.tasks import queue_grade

    for link in links_for(user_id, capsule).select_related("lti_user", "user", "capsule"):
        if needs_sending(link):
            queue_grade(link.pk)


@receiver(post_save, sender=Progress, dispatch_uid="lti-progress")
def on_progress_saved(sender, instance: Progress, **kwargs):
    if instance.completed:
        _queue_for(instance.user_id, instance.capsule)


@receiver(post_save, sender=Attempt, dispatch_uid="lti-attempt")
def on_attempt_saved(sender, instance: Attempt, created: bool, **kwargs):
    if created and instance.correct:
        capsule = instance.interaction.capsule
        if Progress.objects.filter(user_id=instance.user_id, capsule=capsule, completed=True).exists():
            _queue_for(instance.user_id, capsule)
