"""First-user walk (ux33), the trainer's session page in English: the top said « Retention at 7 days — » and « No data
yet: the curve appears after the first practice reviews », yet a learner's row read « 0 reviews / 3 questions »
with « Retention 100% ». The practice cards of a learner who answered in the capsules carry the date of that
answer (their first review), so the scheduler's predicted recall came out at ~100 % with no practice review at
all. With no review, the row's retention is « — » (no data), on the page (both languages), the learner's own
page and the CSV."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from capsules.analytics.cohorts import cohort_report
from capsules.models import Cohort, PracticeCard
from tests import factories, pages

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def session():
    block = factories.SkillsBlockFactory()
    footage = factories.FootageFactory(skills_block=block, duration=60.0)
    capsule = factories.CapsuleFactory(footage=footage, skills_block=block, order=0, title="Capsule 1")
    pages.capsule_page(capsule)
    trainer, learner = factories.UserFactory(groups=["Trainers"]), factories.learner()
    cohort = Cohort.objects.create(name="Session de mars", skills_block=block, start_date=date(2026, 3, 2),
                                   end_date=date(2026, 3, 29))
    cohort.trainers.add(trainer)
    cohort.learners.add(learner)
    # Three questions answered in the capsule: three practice cards, each « reviewed » by that answer, none practised.
    for i in range(3):
        question = factories.InteractionFactory(capsule=capsule, time=5.0 + i)
        PracticeCard.objects.create(user=learner, interaction=question, due=NOW + timedelta(days=1),
                                    created_at=NOW - timedelta(hours=1), last_review=NOW - timedelta(hours=1),
                                    stability=3.0, difficulty=5.0, state=2)
    return {"cohort": cohort, "trainer": trainer, "learner": learner}


def test_a_learner_with_no_practice_review_has_no_retention(session):
    row = cohort_report(session["cohort"]).learners[0]
    assert (row.reviews, row.cards) == (0, 3)
    assert row.retention_percent is None


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_session_page_reads_a_dash_for_the_retention_of_a_learner_with_no_review(client, session, lang):
    trainer = session["trainer"]
    profile = UserProfile.get_for_user(trainer)
    profile.preferred_language = lang
    profile.save()
    client.force_login(trainer)
    html = client.get(reverse("geste_cohort", args=[session["cohort"].pk])).content.decode()
    # The row's cells after « 0 reviews / 3 questions »: the retention, then the badge.
    cells = re.findall(r"<td>(.*?)</td>", html[html.index("0 révision" if lang == "fr" else "0 reviews"):], re.S)
    assert cells[0] == "—", cells[:2]
