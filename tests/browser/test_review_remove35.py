"""« Supprimer l'étape » (button, Suppr): a step proposed where no gesture is goes and its time becomes a rest
(walk 34: merging was the only way to remove one, and it stretched a neighbour over the idle time); « Annuler »
brings it back whole, under its old id."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules.models import Step
from tests.browser.conftest import login
from tests.browser.test_review_timeline35 import LIMITS, _open, _steps, take_68s  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_delete_a_step_leaves_a_rest_and_undo_brings_it_back(live_server, browser, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    before = _steps(footage)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    _open(page, live_server, footage, reviewer)
    saved = page.locator('[data-role="saved"]')
    # Keyboard: the fifth step's block focused, Suppr.
    page.locator(".geste-timeline__step").nth(4).focus()
    page.keyboard.press("Delete")
    expect(saved).to_have_text("Étape supprimée et enregistrée\u00a0: son temps est maintenant sans étape.")
    expect(page.locator(".geste-timeline__step")).to_have_count(11)
    after = _steps(footage)
    assert [pk for pk, *_ in after] == [pk for pk, *_ in before[:4] + before[5:]]
    # Its neighbours did not grow over it: 18.0-24.3 s is without a step.
    assert after[3][2] == pytest.approx(LIMITS[4]) and after[4][1] == pytest.approx(LIMITS[5])
    page.keyboard.press("Control+z")
    expect(saved).to_have_text("Suppression annulée\u00a0: l'étape est revenue.")
    expect(page.locator(".geste-timeline__step")).to_have_count(12)
    assert _steps(footage) == before
    # The button does the same, on the selected step; the only step left is refused.
    page.locator(".geste-timeline__step").nth(0).click()
    page.locator('[data-action="remove"]').click()
    expect(page.locator(".geste-timeline__step")).to_have_count(11)
    expect(saved).to_have_text("Étape supprimée et enregistrée\u00a0: son temps est maintenant sans étape.")
    assert Step.objects.filter(footage=footage).count() == 11
    ctx.close()


def test_the_only_step_is_not_deleted(live_server, browser, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    Step.objects.filter(footage=footage).exclude(pk=Step.objects.filter(footage=footage).order_by("start")[0].pk).delete()
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(1)
    page.locator('[data-action="remove"]').click()
    expect(page.locator('[data-role="message"]')).to_contain_text("C'est la seule étape")
    assert Step.objects.filter(footage=footage).count() == 1
    ctx.close()
