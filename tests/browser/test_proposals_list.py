"""The designer's list of drafted questions (issue "polish", item 3): French decimals (comma) and real
plural forms (ngettext), never "proposition(s)"; on a desktop and a 360 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules.models import Footage, Interaction
from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.browser.shots import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def drafted_capsule(django_db_serialized_rollback, transactional_db):
    ensure_baseline()
    footage = factories.FootageFactory(duration=20.0, status=Footage.Status.APPROVED)
    factories.StepFactory(footage=footage, order=0, start=0.0, end=20.0, title="Dévisser l'écrou", approved=True)
    capsule = factories.CapsuleFactory(footage=footage, title="Joint de siphon")
    factories.InteractionFactory(
        capsule=capsule, time=5.4, kind=Interaction.Kind.HOTSPOT, prompt="Où placez-vous la clé ?", choices=[],
        answer_key={"regions": [{"rect": [0.2, 0.3, 0.45, 0.25]}]}, draft_status=Interaction.DraftStatus.PROPOSED,
        origin=Interaction.Origin.DRAFTED, image="keyframes/siphon.jpg")  # a drafted zone comes with its picture
    factories.InteractionFactory(capsule=capsule, time=12.0, draft_status=Interaction.DraftStatus.DISCARDED,
                                 origin=Interaction.Origin.DRAFTED)
    return capsule


@pytest.mark.timeout(120)
def test_proposals_show_french_decimals_and_plurals(live_server, browser, drafted_capsule):
    user = factories.designer(username="conceptrice")
    for viewport, name in (({"width": 1280, "height": 900}, "proposals-desktop"),
                           ({"width": 360, "height": 740}, "proposals-360")):
        ctx = browser.new_context(locale="fr-FR", viewport=viewport)
        page = ctx.new_page()
        login(page, live_server.url, user.username)
        page.goto(f"{live_server.url}/admin/geste/capsules/{drafted_capsule.pk}/#drafts")
        drafts = page.locator('[data-role="drafts"]')
        expect(drafts).to_contain_text("0:05,4 · Zone à cliquer")  # times on the capsule clock (m:ss,t)
        expect(drafts).to_contain_text("Zone : x 0,20 ; y 0,30 ; largeur 0,45 ; hauteur 0,25")
        expect(page.locator('[data-role="discarded-count"]')).to_have_text("1 proposition écartée.")
        body = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
        assert "(s)" not in body and "5.4" not in body and "0.2" not in body and "0.45" not in body
        page.locator("#drafts").scroll_into_view_if_needed()
        shot(page, name, full_page=False)
        ctx.close()

    # Keyboard only: Tab reaches the proposal's "Accepter", Enter accepts it.
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/admin/geste/capsules/{drafted_capsule.pk}/")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Accepter":
            break
    else:
        pytest.fail("Tab never reached « Accepter »")
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="interactions"] > li[data-kind="hotspot"]')).to_have_count(1)
    expect(page.locator('[data-role="interactions"]')).to_contain_text("Zone : x 0,20 ; y 0,30")
    shot(page, "proposals-accepted-keyboard", full_page=False)
    ctx.close()

    # Drafting again (nothing new to propose here): a French reason, no '(s)' plural hack.
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/admin/geste/capsules/{drafted_capsule.pk}/")
    # A footage without a transcript: the button does not promise a commentary (walk 36).
    page.get_by_role("button", name="Proposer des quiz à partir des étapes", exact=True).click()
    # Nothing new (Geste no longer re-proposes what the capsule holds): the reason, said in French.
    reason = page.locator('[data-role="no-drafts"]')
    expect(reason).to_be_visible()
    message = reason.inner_text()
    assert message.startswith("Aucune") and "(s)" not in message, message
    shot(page, "proposals-generated", full_page=False)
    ctx.close()
