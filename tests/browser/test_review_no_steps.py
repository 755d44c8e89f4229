"""Footage where no hands were seen at work: the review screen opens with no step, says why in French,
and the expert adds steps by hand from the playhead (the button, then the E key)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules.models import Footage
from tests.browser.conftest import login
from tests.browser.test_review import _x_for, footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_no_step_proposed_then_added_by_hand(live_server, page, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    footage.steps.all().delete()
    footage.motion_curve = {**footage.motion_curve, "handwork": {
        "hands_seen_working": False, "share": 0.0, "reason": "", "camera": 0.04, "no_hands": True}}
    footage.save()
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-handwork-warning")).to_contain_text("Aucune étape n'a donc été proposée")
    expect(page.locator(".geste-timeline__step")).to_have_count(0)
    # nothing to split, merge, pin or comment yet: those wait for a step (a walk found them doing nothing)
    for name in ("Scinder", "Fusionner", "Point de vigilance", "Commenter l'étape"):
        expect(page.get_by_role("button", name=name)).to_be_disabled()
    expect(page.get_by_role("button", name="Nouvelle étape")).to_be_enabled()
    approve = page.get_by_role("button", name="Valider les étapes")
    expect(approve).to_be_disabled()  # the server refuses 0 steps
    # walk 29: greyed for that reason, and described by it, not by who may decide (he is the expert)
    expect(approve).to_have_attribute("aria-describedby", "approve-note")
    note = page.locator("#approve-note")
    expect(note).to_have_text("Aucune étape à valider\u00a0: ajoutez-en une avec « Nouvelle étape ».")
    expect(note).to_be_visible()
    assert page.get_by_role("button", name="Renvoyer avec un commentaire").get_attribute("aria-describedby") is None

    page.mouse.click(*_x_for(page, 4.0))
    page.get_by_role("button", name="Nouvelle étape").click()
    expect(page.locator('[data-role="saved"]')).to_have_text("Étape ajoutée et enregistrée.")
    expect(page.locator(".geste-timeline__step")).to_have_count(1)
    expect(page.get_by_role("button", name="Commenter l'étape")).to_be_enabled()
    expect(page.get_by_role("button", name="Valider les étapes")).to_be_enabled()
    expect(page.locator("#approve-note")).to_be_hidden()
    assert approve.get_attribute("aria-describedby") is None
    (step,) = Footage.objects.get(pk=footage.pk).steps.all()
    assert step.start == pytest.approx(4.0, abs=0.5) and step.end == pytest.approx(step.start + 5, abs=0.01)

    page.mouse.click(*_x_for(page, 15.0))  # after the first one: up to the end of the footage
    page.keyboard.press("e")
    expect(page.locator(".geste-timeline__step")).to_have_count(2)
    page.mouse.click(*_x_for(page, 6.0))  # inside a step: told to move the playhead or split
    page.get_by_role("button", name="Nouvelle étape").click()
    expect(page.locator('[data-role="message"]')).to_contain_text("La tête de lecture est dans une étape")
    assert Footage.objects.get(pk=footage.pk).steps.count() == 2
