"""Geste's own admin screens besides capsule design (tests/capsules/test_admin_english.py) follow the admin
user's Wagtail language: training sessions, placement tests, badges, and Geste's admin 403 and 404."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from capsules.models import Cohort
from tests import factories

pytestmark = pytest.mark.django_db


def english(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def cohort():
    block = factories.SkillsBlockFactory(code="RNCP37274BC07")
    made = Cohort.objects.create(
        name="Session de mars", skills_block=block, start_date=date(2026, 3, 2), end_date=date(2026, 3, 29)
    )
    made.learners.add(factories.learner())
    return made


def test_training_sessions_speak_english(client, cohort):
    client.force_login(english(factories.designer()))
    text = _text(client.get(reverse("geste_cohorts")))
    assert "Training sessions" in text and "New session" in text and "From" in text
    assert "Nouvelle session" not in text and "02/03/2026" in text  # English short dates day first (cms/formats/en)
    text = _text(client.get(reverse("geste_cohort", args=[cohort.pk])))
    assert "From 02/03/2026 to 29/03/2026 · 1 learner" in text
    for said in (
        "Efficiency indicators",
        "Median learning time",
        "Progress by week",
        "Retention curve",
        "First-try success",
        "Learners (CSV)",
    ):
        assert said in text, said
    assert "Indicateurs d'efficacité" not in text and "apprenant" not in text
    text = _text(client.get(reverse("geste_block_indicators", args=[cohort.skills_block.pk])))
    assert "All the block's learners" in text and "All reports" in text


def test_placement_test_screens_speak_english(client, cohort):
    client.force_login(english(factories.designer()))
    text = _text(client.get(reverse("geste_placement_index")))
    assert "Questions selected" in text and "Questions retenues" not in text
    url = reverse("geste_placement_selection", args=[cohort.skills_block.pk])
    text = _text(client.get(url))
    assert "Choose 1 to 3 questions per capsule" in text and "Propose a selection" in text
    text = _text(client.post(url, {"draft": "1"}))
    assert "0 questions proposed: check, then save the selection." in text


def test_badge_screen_speaks_english(client):
    # An administrator's: only theirs shows the signing keys (walk 30).
    client.force_login(english(factories.UserFactory(is_superuser=True, is_staff=True)))
    text = _text(client.get(reverse("geste_badges")))
    for said in (
        "Award a badge by hand",
        "Award the badge",
        "Issued badges (latest 200)",
        "Signing keys",
        "Published in the issuer document",
        "Change the signing key",
    ):
        assert said in text, said
    assert "Attribuer" not in text


def test_geste_s_admin_403_and_404_speak_english(client):
    client.force_login(english(factories.expert()))
    forbidden = client.get(reverse("geste_capsule_index"))
    text = _text(forbidden)
    assert forbidden.status_code == 403
    assert "Access denied" in text and "This screen is for instructional designers." in text
    assert "Back to the dashboard" in text and "Accès refusé" not in text

    client.force_login(english(factories.designer()))
    missing = client.get(reverse("geste_cohort", args=[999999]))  # Wagtail's admin 404, outside the view
    text = _text(missing)
    assert missing.status_code == 404 and 'lang="en"' in missing.content.decode()
    assert "Error 404" in text and "The requested page could not be found." in text and "introuvable" not in text


def test_the_admin_404_stays_french_for_a_designer_without_a_choice_whatever_the_browser(client):
    client.force_login(factories.designer())
    text = _text(client.get("/admin/geste/sessions/999999/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Erreur 404" in text and "Error 404" not in text


def test_the_expert_s_check_of_a_capsule_speaks_english(client):
    """The publish checks: the expert's dashboard panel and check screen, the message after asking for
    changes, and the designer's capsule screen saying what the expert asked, for English admin users."""
    from wagtail.models import TaskState

    from capsules.authoring import capsule as authoring
    from capsules.models import Capsule, Footage
    from cms.models import CapsulePage

    jean = english(factories.expert(username="jean-en", first_name="Jean", last_name="Plombier"))
    camille = english(factories.designer(username="camille-en", first_name="Camille", last_name="Concepteur"))
    footage = factories.FootageFactory(expert=jean, duration=30.0, status=Footage.Status.APPROVED)
    for i in range(2):
        factories.StepFactory(footage=footage, order=i + 1, start=i * 10.0, end=i * 10.0 + 10.0, approved=True)
    made = authoring.create_capsule(footage, title="Changer un joint", user=camille)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    authoring.submit_for_validation(capsule, camille)
    page = CapsulePage.objects.get(pk=made.page_id)
    assert TaskState.objects.filter(workflow_state__object_id=str(page.pk)).exists()

    client.force_login(jean)
    text = _text(client.get("/admin/"))
    assert "Waiting for your check" in text and "sent by Camille Concepteur on" in text
    text = _text(client.get(reverse("geste_expert_check", args=[page.pk])))
    for said in (
        "Go to your decision",
        "Your decision",
        "Approve",
        "Ask for changes",
        "It was sent to you by Camille Concepteur.",
    ):
        assert said in text, said
    assert "Votre décision" not in text
    res = client.post(
        reverse("geste_expert_check_action", args=[page.pk, "reject"]), {"comment": "Le joint"}, follow=True
    )
    assert "Changes requested for the capsule “Changer un joint”" in _text(res)

    client.force_login(camille)
    text = _text(client.get(reverse("geste_capsule_edit", args=[capsule.pk])))
    assert "The expert Jean Plombier asks for changes (on " in text and ": “Le joint”" in text
    assert "Send back to the expert for approval" in text and "Changes requested by the expert" in text
    history = _text(client.get(reverse("wagtailadmin_pages:workflow_history", args=[page.pk])))
    assert "Reviewers' comments" in history and "Le joint" in history
