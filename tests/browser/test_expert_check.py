"""The expert's click path for a capsule sent for validation, with the keyboard, on a 360 x 740 phone
and at 1280 x 800: the dashboard's « Vérifier », the capsule as learners will see it with « Approuver »
and « Demander des modifications », and the French confirmation back on the dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from wagtail.models import TaskState

from capsules.authoring import capsule as authoring
from capsules.models import Capsule
from cms.models import CapsulePage
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.test_authoring import approved_footage  # noqa: F401 (fixture)

CHECK_LINK = "Vérifier la capsule «\u00a0Changer le joint d'un siphon\u00a0»"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _tab_to(page, name: str, limit: int = 120) -> None:
    """Press Tab until the focused element is the link or button named ``name`` (keyboard reachability)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        label = page.evaluate("() => { const e = document.activeElement;"
                              " return e ? (e.getAttribute('aria-label') || e.innerText || '').trim() : ''; }")
        if label == name or label.startswith(name + " "):
            return
    raise AssertionError(f"« {name} » not reached with Tab in {limit} presses")


@pytest.mark.parametrize("viewport", [(360, 740), (1280, 800)], ids=["phone", "desktop"])
def test_expert_checks_and_approves_with_the_keyboard(live_server, browser, approved_footage, viewport):  # noqa: F811
    footage, reviewer, author = approved_footage
    made = authoring.create_capsule(footage, title="Changer le joint d'un siphon", user=author)
    authoring.submit_for_validation(Capsule.objects.get(pk=made.capsule_id), author)
    page_obj = CapsulePage.objects.get(pk=made.page_id)
    width, height = viewport
    ctx = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height},
                              is_mobile=width < 500, has_touch=width < 500, bypass_csp=False)
    page = ctx.new_page()
    violations: list[str] = []  # the framed preview, the check screen: under the site's real policies
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/")
    panel = page.locator("#geste-to-check")
    expect(panel).to_contain_text("En attente de votre vérification")
    check = panel.get_by_role("link", name=CHECK_LINK)
    expect(check).to_be_visible()
    assert page.locator("#awaiting-review-section").count() == 0  # not Wagtail's "…" menu
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    heading = panel.locator("h2")  # the whole heading is readable, not cut at the panel's edge
    assert heading.evaluate("h => h.scrollWidth <= h.clientWidth && h.getBoundingClientRect().right <= innerWidth")
    shot(page, f"expert-check-dashboard-{width}")

    _tab_to(page, CHECK_LINK)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/admin/geste/verification/{page_obj.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifier la capsule")
    frame = page.frame_locator("iframe.geste-check__frame")
    expect(frame.locator(".gp-video")).to_be_visible(timeout=15000)  # the learner's player, on the draft
    expect(page.get_by_role("button", name="Approuver")).to_be_visible()
    expect(page.get_by_role("button", name="Demander des modifications")).to_be_visible()
    assert page.locator('input[name="title"], select[name="capsule"]').count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"expert-check-screen-{width}", full_page=False)
    page.locator("#decision").scroll_into_view_if_needed()
    shot(page, f"expert-check-decision-{width}", full_page=False)

    page.locator("h1").focus()
    _tab_to(page, "Approuver", limit=200)
    page.keyboard.press("Enter")
    # Asked first (walk 37): the confirmation has the focus, Enter confirms.
    page.wait_for_url("**confirmer=approbation**")
    expect(page.get_by_role("button", name="Confirmer l'approbation")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/")
    expect(page.locator(".messages")).to_contain_text(
        "Capsule «\u00a0Changer le joint d'un siphon\u00a0» approuvée\u00a0: le concepteur peut la publier.")
    # the confirmation takes the focus (tabindex=-1) so that a screen reader reads it, not the page body
    confirmation = page.locator(".messages li", has_text="approuvée")
    expect(confirmation).to_be_focused()
    assert confirmation.get_attribute("tabindex") == "-1"
    shot(page, f"expert-check-approved-{width}", full_page=False)
    state = TaskState.objects.filter(workflow_state__object_id=str(page_obj.pk)).order_by("pk").first()
    assert state.status == TaskState.STATUS_APPROVED
    expect(page.locator("#geste-to-check")).to_have_count(0)  # nothing left to check
    assert violations == [] and errors == [], (violations, errors)
    ctx.close()
