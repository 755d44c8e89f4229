"""A percentage in the page's language: « 42 % » in French (a non-breaking space, checked catalogue-wide by
test_french_spacing_everywhere.py), « 42% » in English. First-user walk: the figures formatted in Python (the
footage listing's running stage, the badge's first-try score, the reports' CSV of choices, the session's
retention chart) read « 42 % » on English pages too. They now go through ``geste_i18n.percent``, as the
templates' ``|percent`` filter does."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from capsules.analytics.cohort_views import _charts
from capsules.analytics.report_views import _choices_text
from capsules.recognition.achievements import evaluate
from tests import factories
from tests.capsules.test_badge_walk22 import _answer, _first_try
from tests.capsules.test_footage_admin import footage  # noqa: F401  (fixture)
from tests.capsules.test_recognition import block  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SPACED = re.compile(r"\d[ \u00a0\u202f]%")  # a number, any space, then « % »


def _english(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def test_the_footage_listing_writes_the_running_stage_s_percentage_in_the_admin_user_s_language(
        client, footage):  # noqa: F811
    designer = factories.designer()
    client.force_login(designer)
    body = client.get("/admin/footage/").content.decode()
    assert re.search(r" 4[23]\u00a0%<", body), "French: « 42 % » with a non-breaking space"
    _english(designer)
    body = client.get("/admin/footage/").content.decode()
    assert re.search(r" 4[23]%<", body) and not re.search(r"4[23][ \u00a0]%", body)


def test_the_badge_s_first_try_score_is_42_percent_in_english_and_42_nbsp_percent_in_french(block):  # noqa: F811
    learner = factories.learner()
    first, _second = block["capsules"]
    _answer(learner, first.interactions.get(), False, timezone.now() - timedelta(minutes=1))
    with translation.override("fr"):
        assert _first_try(evaluate(learner, block["achievement"])).text.startswith(
            "Score au premier essai\u00a0: 0\u00a0% (minimum 50\u00a0%).")
    with translation.override("en"):
        text = _first_try(evaluate(learner, block["achievement"])).text
    assert text.startswith("First-try score: 0% (minimum 50%)."), text
    assert not SPACED.search(text), text


def test_the_reports_csv_of_choices_writes_42_percent_in_english():
    question = SimpleNamespace(blanks=[], choices=[
        SimpleNamespace(text="Couper l'eau", correct=True, most_common_wrong=False, count=5, percent=42)])
    with translation.override("fr"):
        assert "5 (42\u00a0%)" in _choices_text(question)
    with translation.override("en"):
        text = _choices_text(question)
    assert "5 (42%)" in text and not SPACED.search(text), text


def test_the_session_s_retention_chart_writes_42_percent_in_english():
    report = SimpleNamespace(weeks=[], learners=[], retention_curve=[("1 j", 42, 3), ("8–14 j", None, 0)])
    with translation.override("fr"):
        assert ">42\u00a0%<" in _charts(report)["retention_chart"]
    with translation.override("en"):
        svg = str(_charts(report)["retention_chart"])
    assert ">42%<" in svg and not SPACED.search(svg), svg
