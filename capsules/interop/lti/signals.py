"""Send a grade back when learning changes it: ``capsules.learning`` never imports interop, so
interop listens (as recognition does). A completed capsule's progress, or a right answer in a
completed capsule, queues ``send_grade`` for the learner's LTI links of that capsule and of its
block, once the transaction commits. Connected from ``CapsulesConfig.ready``.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from capsules.models import Attempt, LtiGradeLink, Progress
from capsules.pages import new_content_generation


def has_links(user_id: int) -> bool:
    """Whether the learner has any grade link (came from an LMS), remembered under the learner content
    stamp (``content_cache``; a new link starts a new one): most learners have none, and their answers
    and progress saves then cost no query and, within a request that read the stamp, no round trip."""
    from capsules.learning.content_cache import cached

    return cached(f"geste:lti-has-links:{user_id}",
                  lambda: LtiGradeLink.objects.filter(user_id=user_id).exists())


def queue_changed(user_id: int, capsule_id: int) -> None:
    """Only links whose result differs from what the platform last got (progress is saved every few
    seconds while a completed capsule is watched again: that must not resend anything). No query
    for a learner known to have no LTI link."""
    from capsules.interop.lti.grades import links_for, needs_sending
    from capsules.interop.lti.tasks import queue_grade

    if not has_links(user_id):
        return
    for link in links_for(user_id, capsule_id).select_related("lti_user", "user", "capsule"):
        if needs_sending(link):
            queue_grade(link.pk)


@receiver(post_save, sender=Progress, dispatch_uid="lti-progress")
def on_progress_saved(sender, instance: Progress, **kwargs):
    if instance.completed:
        transaction.on_commit(lambda: queue_changed(instance.user_id, instance.capsule_id))


@receiver(post_save, sender=Attempt, dispatch_uid="lti-attempt")
def on_attempt_saved(sender, instance: Attempt, created: bool, **kwargs):
    if created and instance.correct:  # a better score in a completed capsule (needs_sending reads progress)
        capsule_id = instance.interaction.capsule_id
        transaction.on_commit(lambda: queue_changed(instance.user_id, capsule_id))


@receiver(post_save, sender=LtiGradeLink, dispatch_uid="lti-link-saved")
def on_link_saved(sender, instance: LtiGradeLink, created: bool, **kwargs):
    if created:  # once per learner and resource link: cheap enough to renew every learner content entry
        new_content_generation()
