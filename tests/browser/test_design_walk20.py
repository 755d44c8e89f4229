"""Walk 20 of the designer's and expert's screens after steps were edited and re-approved: the dashboard's
« Publier » link opens the capsule on its publication section; the question list names each question's
step and flags those whose step changed; the question form's errors are not said twice; the review
screen drops « À vérifier » once the steps are approved. Screenshots go to var/shots/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from capsules.authoring import capsule as authoring
from capsules.models import Capsule, Step
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)
from tests.factories import InteractionFactory, designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 860}}


def _capsule(footage, user):
    steps = list(Step.objects.filter(footage=footage).order_by("order"))
    made = authoring.create_capsule(footage, title="Joint de siphon", first_step_id=steps[0].pk,
                                    last_step_id=steps[-1].pk, user=user)
    return Capsule.objects.get(pk=made.capsule_id)


@pytest.mark.parametrize("size", SIZES)
def test_publier_link_opens_on_the_publication_section(live_server, browser, approved_footage, size):  # noqa: F811
    footage, _reviewer, _author = approved_footage
    boss = designer(username="chef-walk20", is_superuser=True)
    capsule = _capsule(footage, boss)
    InteractionFactory(capsule=capsule, time=8.0)
    authoring.submit_for_validation(capsule, boss)
    ctx = browser.new_context(locale="fr-FR", viewport=SIZES[size], has_touch=size == "phone")
    page = ctx.new_page()
    login(page, live_server.url, boss.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]) + "#publication")
    section = page.locator("#publication")
    expect(section).to_have_count(1)
    expect(section).to_be_in_viewport()
    button = section.get_by_role("button").first
    expect(button).to_be_in_viewport()
    assert page.evaluate("document.activeElement.id") == "publication"
    shot(page, f"walk20-design-publication-{size}")
    ctx.close()


def test_a_doubtful_step_loses_its_a_verifier_mark_once_approved(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, pk=footage.steps.order_by("start").first().pk).update(confidence=0.3)
    ctx = browser.new_context(locale="fr-FR", viewport=SIZES["desktop"])
    page = ctx.new_page()
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-steps__doubt")).to_have_count(1)  # while the review is open
    page.locator('[data-action="approve"]').click()
    page.locator('[data-dialog="approve"] [data-role="confirm-approve"]').click()
    expect(page.locator('[data-role="locked"]')).to_be_visible()
    expect(page.locator(".geste-steps__doubt")).to_have_count(0)
    page.reload()
    expect(page.locator(".geste-timeline__step")).to_have_count(footage.steps.count())
    expect(page.get_by_text("À vérifier", exact=True)).to_have_count(0)
    shot(page, "walk20-design-review-approved-no-doubt")
    ctx.close()


@pytest.mark.parametrize("size", SIZES)
def test_question_list_names_the_step_and_flags_a_changed_one(live_server, browser, approved_footage, size):  # noqa: F811
    from capsules.learner_steps import build_snapshot

    footage, _reviewer, author = approved_footage
    footage.approved_snapshot = build_snapshot(footage)
    footage.save(update_fields=["approved_snapshot"])
    capsule = _capsule(footage, author)
    first = Step.objects.filter(footage=footage).order_by("start").first()
    authoring.apply_interaction_form(capsule, {
        "kind": "true_false", "time": "3", "prompt": "On coupe l'eau avant tout.", "true_false": "true",
        "step": str(first.pk), "feedback_wrong": "Revoyez « Couper l'eau ».", "mandatory": "on"})
    Step.objects.filter(pk=first.pk).update(title="Fermer le robinet d'arrêt")  # the expert renamed it, approved
    footage.approved_snapshot = build_snapshot(footage)
    footage.save(update_fields=["approved_snapshot"])
    ctx = browser.new_context(locale="fr-FR", viewport=SIZES[size], has_touch=size == "phone")
    page = ctx.new_page()
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[capsule.pk]) + "#interactions")
    row = page.locator('[data-role="interactions"] > li').first
    expect(row.locator('[data-role="step"]')).to_have_text("Étape 1 — Fermer le robinet d'arrêt")
    notice = row.locator('[data-role="step-changed"]')
    expect(notice).to_contain_text("L'étape de cette question a changé depuis sa rédaction")
    notice.scroll_into_view_if_needed()
    shot(page, f"walk20-design-step-changed-{size}")
    notice.get_by_role("button", name="Masquer").click()
    expect(page.locator('[data-role="step-changed"]')).to_have_count(0)
    ctx.close()
