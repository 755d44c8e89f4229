"""Who may be assigned to review a footage, and telling them when something waits for them.

Only active members of the Experts group can be assigned (learners and other users cannot, even
through a forged form): ``check_expert`` is the server-side guard used by every form and service
that sets ``Footage.expert``. The assigned expert gets an e-mail (through Django's mail backend)
when the footage is assigned, when its steps are ready for review, and when a capsule made from
it is sent for validation; the Wagtail dashboard lists the same waiting work.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from capsules.models import Footage

log = logging.getLogger(__name__)

EXPERTS_GROUP = "Experts"


def eligible_experts() -> QuerySet:
    """Active members of the Experts group, by name."""
    return (get_user_model().objects.filter(is_active=True, groups__name=EXPERTS_GROUP).distinct()
            .order_by("last_name", "first_name", "username"))


def expert_label(user) -> str:
    """The full name a person recognises, the login name only when no name is known."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def check_expert(user) -> None:
    """Refuse anyone who is not an active member of the Experts group (French message)."""
    if user is None:
        return
    if not eligible_experts().filter(pk=user.pk).exists():
        raise ValidationError(
            _("%(name)s ne fait pas partie du groupe Experts : seul un expert peut relire une vidéo.")
            % {"name": expert_label(user)}, code="not_expert")


def assign_expert(footage: Footage, expert, *, notify: bool = True) -> bool:
    """Set (or clear, with None) the footage's expert after the guard; returns True when it changed.

    The new expert is told once the transaction commits."""
    check_expert(expert)
    new_id = expert.pk if expert is not None else None
    if footage.expert_id == new_id:
        return False
    footage.expert = expert
    footage.save(update_fields=["expert", "updated_at"])
    if notify and expert is not None:
        transaction.on_commit(lambda: notify_footage(footage.pk))
    return True


def _absolute(url: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def _send(user, subject: str, body: str) -> bool:
    if not user or not user.email:
        return False
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # a mail server down never breaks an upload or an approval
        log.exception("could not e-mail %s", user.email)
        return False
    return True


def notify_footage(footage_id: int) -> bool:
    """E-mail the assigned expert about a footage: ready for review, or still being processed."""
    footage = Footage.objects.select_related("expert").filter(pk=footage_id).first()
    if footage is None or footage.expert is None:
        return False
    note = ""
    if footage.status == Footage.Status.IN_REVIEW and footage.resubmitted_at:
        # Steps the expert sent back, sent to them again by a designer, with their note if any (walk 28b).
        subject = _("Geste : « %(title)s » attend votre relecture") % {"title": footage.title}
        lead = _("Le concepteur vous a renvoyé les étapes de la vidéo « %(title)s » : merci de les relire.")
        if footage.resubmit_note:
            note = _("Sa note : %(note)s") % {"note": footage.resubmit_note}
    elif footage.status == Footage.Status.IN_REVIEW:
        subject = _("Geste : « %(title)s » attend votre relecture") % {"title": footage.title}
        lead = _("Les étapes proposées pour la vidéo « %(title)s » sont prêtes : merci de les relire.")
    else:
        subject = _("Geste : la vidéo « %(title)s » vous est confiée") % {"title": footage.title}
        lead = _("La vidéo « %(title)s » vous est confiée pour relecture. Vous recevrez un autre message "
                 "quand ses étapes seront prêtes.")
    body = "\n\n".join([
        _("Bonjour %(name)s,") % {"name": expert_label(footage.expert)},
        lead % {"title": footage.title},
        *([note] if note else []),
        _("Relecture des étapes : %(url)s") % {"url": _absolute(reverse("geste_review", args=[footage.pk]))},
    ])
    return _send(footage.expert, subject, body)


def notify_footage_ready(footage_id: int) -> None:
    """Called by the pipeline when a footage enters review (after the commit)."""
    notify_footage(footage_id)


def waiting_footage(user) -> QuerySet[Footage]:
    """The footage assigned to this user whose steps wait for their review."""
    return Footage.objects.filter(expert=user, status=Footage.Status.IN_REVIEW).order_by("-updated_at")


def waiting_for_review(user) -> QuerySet[Footage]:
    """The admin dashboard's « Vidéos qui attendent votre relecture » rule, for the site's home page too (walk 36):
    a reviewer (``permissions.is_reviewer``: active, with the review permission) gets the footage assigned to them
    and in review; anyone else (learner, anonymous visitor, designer) none."""
    from capsules import permissions

    return waiting_footage(user) if permissions.is_reviewer(user) else Footage.objects.none()
