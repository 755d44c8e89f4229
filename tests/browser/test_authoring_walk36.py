"""First-user walk 36 in Chromium: the designer's dashboard says which footage the expert approved and leads
to « Créer la capsule »; on a footage filmed without commentary the capsule screen proposes quizzes « à partir
des étapes » (no « commentaire »), and they come; the expert approves on the review screen without being
offered the benchmark's truth export, which the designer still gets."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from capsules.authoring import capsule as authoring
from capsules.models import Capsule, Transcript
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)
from tests.factories import designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PANEL_TITLE = "Étapes validées par l'expert\u00a0: créer la capsule"


def test_the_dashboard_leads_the_designer_from_approved_steps_to_a_capsule(live_server, page, approved_footage):  # noqa: F811
    footage, reviewer, author = approved_footage
    login(page, live_server.url, author.username)
    page.goto(f"{live_server.url}/admin/")
    panel = page.locator("section#geste-steps-approved")
    expect(panel.get_by_role("heading", name=PANEL_TITLE)).to_be_visible()
    expect(panel).to_contain_text("Remplacement du joint de siphon")
    shot(page, "walk36-dashboard-steps-approved")
    panel.get_by_role("link", name="Créer la capsule depuis «\u00a0Remplacement du joint de siphon\u00a0»").click()
    expect(page).to_have_url(live_server.url + reverse("geste_capsule_create", args=[footage.pk]))
    page.get_by_role("button", name="Créer la capsule").click()
    expect(page).to_have_url(
        live_server.url + reverse("geste_capsule_edit", args=[Capsule.objects.get(footage=footage).pk]))
    # Once a capsule uses the footage, the dashboard no longer asks for one.
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("section#geste-steps-approved")).to_have_count(0)


def test_the_expert_gets_no_capsule_panel(live_server, page, approved_footage):  # noqa: F811
    _footage, reviewer, _author = approved_footage
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("section.w-panel").first).to_be_visible()
    expect(page.get_by_text("Étapes validées par l'expert")).to_have_count(0)
    expect(page.get_by_role("link", name="Créer la capsule")).to_have_count(0)


def test_a_silent_footage_proposes_quizzes_from_its_steps(live_server, page, approved_footage):  # noqa: F811
    footage, _reviewer, author = approved_footage
    Transcript.objects.filter(footage=footage).delete()  # filmed without a word
    made = authoring.create_capsule(footage, title="Changer le joint", user=author)
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[made.capsule_id]) + "#drafts")
    button = page.get_by_role("button", name="Proposer des quiz à partir des étapes", exact=True)
    expect(button).to_be_visible()
    expect(page.get_by_text("et du commentaire")).to_have_count(0)
    button.click()
    expect(page.locator(".messages")).to_contain_text("pas de commentaire transcrit")
    expect(page.locator('[data-role="drafts"] > li').first).to_be_visible()
    expect(page.locator('[data-role="drafts"] > li[data-kind="cloze"]')).to_have_count(0)
    shot(page, "walk36-silent-drafts")


def test_with_a_commentary_the_button_names_it(live_server, page, approved_footage):  # noqa: F811
    footage, _reviewer, author = approved_footage
    made = authoring.create_capsule(footage, title="Changer le joint", user=author)
    login(page, live_server.url, author.username)
    page.goto(live_server.url + reverse("geste_capsule_edit", args=[made.capsule_id]) + "#drafts")
    expect(page.get_by_role("button", name="Proposer des quiz à partir des étapes et du commentaire")).to_be_visible()


def test_the_expert_approves_without_the_truth_export_the_designer_keeps_it(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx = browser.new_context(locale="fr-FR")
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    page.keyboard.press("a")
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    expect(page.locator('[data-role="locked"]')).to_be_visible()  # review.js went on past the export's line
    expect(page.get_by_role("link", name="Exporter les étapes validées (JSON)")).to_have_count(0)
    page.reload()
    expect(page.locator('[data-role="locked"]')).to_be_visible()
    expect(page.get_by_role("link", name="Exporter les étapes validées (JSON)")).to_have_count(0)
    assert errors == []
    res = page.request.get(f"{live_server.url}/api/review/footage/{footage.pk}/truth.json")
    assert res.status == 403
    ctx.close()

    ctx = browser.new_context(locale="fr-FR")
    page = ctx.new_page()
    login(page, live_server.url, designer(username="concepteur-export36").username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.get_by_role("link", name="Exporter les étapes validées (JSON)")).to_be_visible()
    ctx.close()
