"""First-user walk 29, a trainer's admin: revoking a badge asks for a reason and a confirmation, all by
keyboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from capsules.models import Achievement, BadgeCredential, Cohort
from capsules.recognition import issuance
from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_trainer_revokes_a_badge_with_a_reason_after_confirming_by_keyboard(live_server, browser):
    ensure_baseline()
    block = factories.SkillsBlockFactory(code="RNCP37274BC01", certification__rncp_code="RNCP37274")
    achievement = Achievement.objects.create(skills_block=block, name="Badge plomberie", description="Joints.",
                                             criteria_narrative="Toutes les capsules.")
    trainer = factories.UserFactory(groups=["Trainers"], username="formateur-walk29")
    learner = factories.learner(first_name="Léa", last_name="Apprenante")
    cohort = Cohort.objects.create(name="Session", skills_block=block, start_date=timezone.localdate(),
                                   end_date=timezone.localdate() + timedelta(days=30))
    cohort.trainers.add(trainer)
    cohort.learners.add(learner)
    credential = issuance.award_by_hand(learner, achievement, trainer, "Observé en atelier.")

    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, trainer.username)
    page.goto(live_server.url + reverse("geste_badges"))
    revoke = page.get_by_role("link", name="Révoquer… le badge « Badge plomberie » de Léa Apprenante")
    revoke.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Révoquer le badge de Léa Apprenante ?")).to_be_visible()
    expect(page.locator("[data-role=revoke-confirm]")).to_contain_text("Cette révocation est publiée et définitive")
    reason = page.get_by_label("Motif")
    reason.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Révoquer définitivement")).to_be_focused()
    page.keyboard.press("Enter")  # no reason: refused, in French, and said where the reason goes
    expect(page.get_by_role("alert")).to_contain_text("Indiquez le motif de la révocation")
    expect(page.get_by_label("Motif")).to_have_attribute("aria-invalid", "true")
    # Walk 29b: the field says it is required (Wagtail's asterisk), and the error's icon is apart from its words.
    expect(page.locator("label[for=id_reason] .w-required-mark")).to_have_text("*")
    gap = page.evaluate("""() => { const box = document.getElementById('reason-error');
        return box.querySelector('.error-message').getBoundingClientRect().left
             - box.querySelector('svg').getBoundingClientRect().right; }""")
    assert gap >= 4, gap
    assert BadgeCredential.objects.get(pk=credential.pk).revoked_at is None

    page.get_by_label("Motif").focus()
    page.keyboard.type("Badge attribué par erreur")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Badge révoqué : la liste de statuts publiée est à jour.")).to_be_visible()
    credential.refresh_from_db()
    assert credential.revoked_at and credential.revocation_reason == "Badge attribué par erreur"
    expect(page.locator("table.listing")).to_contain_text("Badge attribué par erreur")
    ctx.close()
