"""Geste accounts for people who come from an LMS: one per LMS identity (registration + ``sub``).

The link is django-lti's ``LtiUser.auth_user``. An account made here has no usable password (the
LMS is how its owner signs in), joins Learners, and — for the course's instructors, administrators
and content developers — Trainers: they follow their cohort, they never get Geste's design rights.
An existing account is never matched by e-mail (anyone may type any address in an LMS profile), and a
launch never signs in a superuser or staff account, even one linked by hand.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

LEARNERS_GROUP = "Learners"
TRAINERS_GROUP = "Trainers"


class AccountRefused(Exception):
    """The LMS identity is linked to an account a launch must not sign in (French message)."""


@dataclass(frozen=True)
class Roles:
    learner: bool
    teacher: bool  # instructor, administrator or content developer of the course

    @classmethod
    def of_membership(cls, membership) -> Roles:
        if membership is None:
            return cls(learner=True, teacher=False)
        teacher = bool(membership.is_instructor or membership.is_administrator or membership.is_content_developer)
        return cls(learner=bool(membership.is_learner) or not teacher, teacher=teacher)


def username_for(lti_user) -> str:
    """Stable and opaque: the platform's ``sub`` is not shown, nor trusted to be a valid username."""
    digest = hashlib.sha256(f"{lti_user.registration.uuid}|{lti_user.sub}".encode()).hexdigest()[:20]
    return f"lti-{digest}"


def _account_made_for(lti_user):
    """The account named for this identity if a launch made it (no usable password, linked to no other
    identity: the identity row was made again), else a new one. Never an account a person made under that
    name (audit 37: anyone could sign up as ``lti-<digest>`` beforehand and get the learner's work and
    grades; sign-up now refuses the name, and accounts made before are not taken over)."""
    User = get_user_model()
    username = username_for(lti_user)
    found = User.objects.filter(username=username).first()
    if found is not None and not found.has_usable_password() \
            and not found.lti_users.exclude(pk=lti_user.pk).exists():
        return found
    if found is not None:
        username = f"{username}-{uuid.uuid4().hex[:8]}"
    user = User(username=username)
    user.set_unusable_password()
    user.save()
    return user


def _names(lti_user) -> tuple[str, str]:
    first = (lti_user.given_name or "").strip()
    last = (lti_user.family_name or "").strip()
    if not first and not last and lti_user.name:
        first, _, last = lti_user.name.strip().partition(" ")
    return first[:150], last[:150]


@transaction.atomic
def account_for(lti_user, roles: Roles):
    """The Geste account of this LMS identity, created on first use; groups follow the roles."""
    lti_user = (type(lti_user).objects.select_for_update(of=("self",)).select_related("registration", "auth_user")
                .get(pk=lti_user.pk))
    user = lti_user.auth_user
    if user is None:
        user = _account_made_for(lti_user)
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user", "datetime_modified"])
    if user.is_superuser or user.is_staff:
        raise AccountRefused("Ce compte Geste ne peut pas être ouvert depuis une plateforme de formation.")
    first, last = _names(lti_user)
    changed = []
    if not user.password:  # just created: no password at all, the LMS is how its owner signs in
        user.set_unusable_password()
        changed.append("password")
    for field, value in (("first_name", first), ("last_name", last), ("email", (lti_user.email or "")[:254])):
        if value and getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    if not user.is_active:
        raise AccountRefused("Ce compte Geste est désactivé.")
    if changed:
        user.save(update_fields=sorted(set(changed)))
    groups = [LEARNERS_GROUP] + ([TRAINERS_GROUP] if roles.teacher else [])
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user
