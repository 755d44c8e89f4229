"""cmi5 statements follow learning: ``capsules.learning`` never imports interop, so interop listens
(as LTI grades do). A completed capsule's progress, or a right answer in it, lets the learner's open
cmi5 sessions of that capsule report completed and passed/failed, once the transaction commits.
Connected from ``CapsulesConfig.ready``."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from capsules.models import Cmi5Session, Progress


def _report(user_id: int, capsule_id: int) -> None:
    if Cmi5Session.objects.filter(user_id=user_id, capsule_id=capsule_id, terminated_at__isnull=True).exists():
        from capsules.interop.cmi5_runtime import on_progress

        on_progress(user_id, capsule_id)


@receiver(post_save, sender=Progress, dispatch_uid="cmi5-progress")
def on_progress_saved(sender, instance: Progress, **kwargs):
    if instance.completed:
        transaction.on_commit(lambda: _report(instance.user_id, instance.capsule_id))
