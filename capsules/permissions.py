"""Who may see and change which footage, enforced on the server for every admin view and API.

Designers (and superusers) author: they see every footage and every capsule. Experts review:
they see only the footage assigned to them. Learners (and anyone else) see no footage at all.
Views answer 404 for a footage the user may not see, so that its existence does not leak.
"""

from __future__ import annotations

from django.db.models import QuerySet

from capsules.models import Footage

REVIEW_PERMISSION = "capsules.review_footage"
AUTHOR_PERMISSION = "capsules.add_capsule"


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_author(user) -> bool:
    """Designers create capsules, edit texts and quizzes, and see every footage."""
    return _active(user) and (user.is_superuser or user.has_perm(AUTHOR_PERMISSION))


def is_reviewer(user) -> bool:
    """Experts hold the review permission; what they may review depends on the assignment."""
    return _active(user) and user.has_perm(REVIEW_PERMISSION)


def visible_footage(user) -> QuerySet[Footage]:
    """The footage a user may see: all for designers, their assigned ones for experts, none otherwise."""
    if can_author(user):
        return Footage.objects.all()
    if is_reviewer(user):
        return Footage.objects.filter(expert=user)
    return Footage.objects.none()


def can_see(user, footage: Footage) -> bool:
    return can_author(user) or (is_reviewer(user) and footage.expert_id == user.pk)


def can_review(user, footage: Footage) -> bool:
    """May change the steps, key points and comments of this footage (the assigned expert, designers)."""
    return can_see(user, footage)


def can_approve(user, footage: Footage) -> bool:
    """Sign-off belongs to the assigned expert; a designer signs off only footage with no expert assigned,
    and a superuser always may (to unblock a team)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if footage.expert_id is not None:
        return footage.expert_id == user.pk and is_reviewer(user)
    return can_author(user)
