"""Names and Role Provisioning: an LMS course's roster kept as the Geste cohort of a skills block.

The first launch of a course into a block (capsule or block link) creates the cohort ("session de
formation", one year from today, the LMS course's title) and asks for a sync; the sync reads every
member from the platform's membership service (pages followed), gives each a Geste account (as a
launch would: no password, Learners, Trainers for teachers), puts active learners in the cohort and
teachers among its trainers, and takes out members the platform says are inactive or gone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from lti_tool.models import LtiContext, LtiMembership
from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService

from capsules.interop.lti.accounts import AccountRefused, Roles, account_for
from capsules.interop.lti.grades import LmsUnavailable, service_connector
from capsules.models import Cohort, LtiCourseCohort, SkillsBlock


@dataclass(frozen=True)
class RosterReport:
    learners: int
    trainers: int
    removed: int


def course_cohort(context: LtiContext, block: SkillsBlock) -> LtiCourseCohort:
    existing = LtiCourseCohort.objects.filter(context=context, skills_block=block).select_related("cohort").first()
    if existing:
        return existing
    with transaction.atomic():
        today = timezone.localdate()
        title = (context.title or context.label or context.id_on_platform or "Cours LMS").strip()[:200]
        cohort = Cohort.objects.create(name=f"{title} ({block.code})"[:255], skills_block=block, start_date=today,
                                       end_date=today + dt.timedelta(days=365))
        link, created = LtiCourseCohort.objects.get_or_create(context=context, skills_block=block,
                                                              defaults={"cohort": cohort})
        if not created:
            cohort.delete()
        return link


def due(link: LtiCourseCohort) -> bool:
    if not link.context.memberships_url:
        return False
    if link.synced_at is None:
        return True
    return timezone.now() - link.synced_at >= dt.timedelta(seconds=settings.GESTE_LTI_ROSTER_INTERVAL_S)


def fetch_members(context: LtiContext) -> list[dict]:
    nrps = NamesRolesProvisioningService(service_connector(context.deployment.registration),
                                         {"context_memberships_url": context.memberships_url})
    try:
        return list(nrps.get_members())
    except requests.RequestException as exc:
        raise LmsUnavailable(f"Plateforme injoignable : {exc}") from exc
    except LtiException as exc:
        response = getattr(exc, "response", None)
        if response is not None and (response.status_code >= 500 or response.status_code == 429):
            raise LmsUnavailable(str(exc)) from exc
        raise


def sync(link_id: int) -> RosterReport:
    link = LtiCourseCohort.objects.select_related("context__deployment__registration", "cohort").get(pk=link_id)
    context = link.context
    try:
        members = [m for m in fetch_members(context) if isinstance(m, dict) and m.get("user_id")]
    except LtiException as exc:
        LtiCourseCohort.objects.filter(pk=link.pk).update(last_error=str(exc)[:2000])
        raise
    context.update_memberships([{**m, "roles": m.get("roles") or [], "status": m.get("status") or "Active"}
                                for m in members])
    active_subs = {str(m["user_id"]) for m in members if (m.get("status") or "Active") == "Active"}
    learners, trainers, removed = set(), set(), set()
    memberships = LtiMembership.objects.filter(context=context).select_related("user__registration", "user__auth_user")
    for membership in memberships:
        roles = Roles.of_membership(membership)
        if membership.user.sub not in active_subs or not membership.is_active:
            if membership.user.auth_user_id:
                removed.add(membership.user.auth_user_id)
            continue
        try:
            user = account_for(membership.user, roles)
        except AccountRefused:
            continue
        (trainers if roles.teacher else learners).add(user.pk)
    cohort = link.cohort
    with transaction.atomic():
        cohort.learners.add(*learners)
        cohort.trainers.add(*trainers)
        cohort.learners.remove(*removed)
        cohort.trainers.remove(*removed)
        LtiCourseCohort.objects.filter(pk=link.pk).update(synced_at=timezone.now(), members=len(learners | trainers),
                                                          last_error="")
    return RosterReport(len(learners), len(trainers), len(removed))
