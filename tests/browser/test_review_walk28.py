"""Walk 28 (an expert at 1280 px, keyboard only) on the review screen: the confirmation dialogs are modal
(a dimmed page behind, Tab and Shift+Tab cycling inside, Escape cancelling, the focus back on the button
that opened them); once the steps are sent back, the screen says they are in the designer's hands and
its decision and editing buttons are disabled with that reason; the designer sends them back to the expert."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules.models import Footage
from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)
from tests.factories import designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Where the focus is, and whether it is inside the open dialog (one snapshot).
WHERE = """() => {
  const d = document.querySelector('dialog[open]');
  const a = document.activeElement;
  return { open: d ? d.dataset.dialog : null, inside: Boolean(d && d.contains(a)),
           at: a === document.body ? 'BODY' : (a.dataset.action || a.value || a.id || a.tagName) };
}"""

BACKDROP_ALPHA = """() => {
  const d = document.querySelector('dialog[open]');
  const c = getComputedStyle(d, '::backdrop').backgroundColor;
  const m = c.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return 0;
  const parts = m[1].split(',').map((x) => parseFloat(x));
  return parts.length === 4 ? parts[3] : 1;
}"""


def _open(browser, live_server, footage, user):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(footage.steps.count())
    return ctx, page


def _check_modal(page, name: str, opener: str) -> None:
    """The dialog opened from ``opener`` (focused, Enter) is modal, and Escape gives the focus back."""
    page.locator(f'[data-action="{opener}"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator(f'[data-dialog="{name}"]')).to_be_visible()
    assert page.evaluate(BACKDROP_ALPHA) >= 0.3  # the page behind is dimmed
    for key in ["Tab"] * 6 + ["Shift+Tab"] * 6:
        page.keyboard.press(key)
        where = page.evaluate(WHERE)
        assert where["open"] == name and where["inside"], (key, where)
    page.keyboard.press("Escape")
    expect(page.locator(f'[data-dialog="{name}"]')).to_be_hidden()
    page.wait_for_function(f"() => document.activeElement.dataset.action === '{opener}'")


def test_dialogs_are_modal_and_sent_back_steps_wait_for_the_designer(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    _check_modal(page, "approve", "approve")
    _check_modal(page, "send-back", "send-back")

    page.locator('[data-action="send-back"]').focus()
    page.keyboard.press("Enter")
    page.keyboard.type("L'étape 2 est à refilmer.")
    page.locator('[data-dialog="send-back"] button[value="ok"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="status"]')).to_have_text("Renvoyée avec commentaire")
    note = page.locator('[data-role="with-designer"]')
    expect(note).to_be_visible()
    expect(note).to_contain_text("Le concepteur reprend maintenant les étapes")
    expect(note).to_contain_text("e-mail")
    # The button pressed is disabled now: the focus goes to the note (it fell to the page's body).
    page.wait_for_function("() => document.activeElement.dataset.role === 'with-designer'")
    note_id = note.get_attribute("id")
    for action in ("approve", "send-back", "split", "merge", "add-step", "key-point", "comment"):
        button = page.locator(f'[data-action="{action}"]')
        expect(button).to_be_visible()
        expect(button).to_be_disabled()
        assert note_id in (button.get_attribute("aria-describedby") or "").split(), action
    # Shortcuts do nothing either (no dialog opens).
    page.locator('[data-role="playhead-line"]').focus()
    page.keyboard.press("a")
    page.keyboard.press("k")
    expect(page.locator("dialog[open]")).to_have_count(0)
    ctx.close()
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.CHANGES_REQUESTED


def test_the_designer_sends_sent_back_steps_to_the_expert_again(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.CHANGES_REQUESTED,
                                                 review_comment="L'étape 2 est à refilmer.")
    ctx, page = _open(browser, live_server, footage, designer(username="concepteur-walk28"))
    expect(page.locator('[data-role="with-designer"]')).to_be_hidden()
    again = page.locator('[data-action="resubmit"]')
    expect(again).to_be_visible()
    expect(again).to_have_text("Renvoyer à l'expert")
    again.focus()
    page.keyboard.press("Enter")
    # Walk 28b: a dialog first, with an optional note to the expert; confirmed without one.
    page.locator('[data-dialog="resubmit"] button[value="ok"]').click()
    expect(page.locator('[data-role="status"]')).to_have_text("En relecture par l'expert")
    expect(again).to_be_hidden()
    expect(page.locator('[data-role="resubmitted"]')).to_contain_text("Renvoyées à l'expert")
    ctx.close()
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.IN_REVIEW
