"""Walk 28b (designer = admin, expert, 1280 px): « Renvoyer à l'expert » opens a modal dialog with an
optional note to the expert (a review comment, in the e-mail); on the expert's screen a banner says the
designer sent the steps back, when, with the note. Disabled buttons look disabled. After sending back,
the status line says the state only (the comment is in the banner and the list)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules.models import Footage
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)
from tests.browser.test_review_walk28 import WHERE, _open
from tests.factories import designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Each decision/editing button's look (one snapshot): background, text colour, cursor, and their contrast.
LOOKS = """() => {
  const lum = (c) => { const v = c.match(/[\\d.]+/g).slice(0, 3).map((x) => {
    x = x / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const out = {};
  for (const b of document.querySelectorAll('.geste-review__decision button, .geste-review__toolbar button')) {
    if (b.hidden) continue;
    const s = getComputedStyle(b);
    const [l1, l2] = [lum(s.color), lum(s.backgroundColor)].sort((a, b) => b - a);
    out[b.dataset.action] = { disabled: b.disabled, bg: s.backgroundColor, color: s.color, cursor: s.cursor,
                              contrast: (l1 + 0.05) / (l2 + 0.05) };
  }
  return out;
}"""


def test_resubmitting_asks_for_a_note_the_expert_then_reads(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.CHANGES_REQUESTED,
                                                 review_comment="L'étape 2 est à refilmer.")
    ctx, page = _open(browser, live_server, footage, designer(username="concepteur-walk28b"))
    again = page.locator('[data-action="resubmit"]')
    again.focus()
    page.keyboard.press("Enter")
    dialog = page.locator('[data-dialog="resubmit"]')
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text("Renvoyer les étapes à l'expert ?")
    for key in ["Tab"] * 4 + ["Shift+Tab"] * 4:
        page.keyboard.press(key)
        where = page.evaluate(WHERE)
        assert where["open"] == "resubmit" and where["inside"], (key, where)
    page.keyboard.press("Escape")  # cancelled: nothing sent, the focus back on the button
    expect(dialog).to_be_hidden()
    page.wait_for_function("() => document.activeElement.dataset.action === 'resubmit'")
    expect(page.locator('[data-role="status"]')).to_have_text("Renvoyée avec commentaire")
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.locator("#resubmit-note").fill("Étape 2 refilmée.")
    dialog.locator('button[value="ok"]').click()
    expect(page.locator('[data-role="status"]')).to_have_text("En relecture par l'expert")
    expect(page.locator('[data-role="comments"]')).to_contain_text("Étape 2 refilmée.")
    ctx.close()
    assert Footage.objects.get(pk=footage.pk).resubmit_note == "Étape 2 refilmée."

    ctx, page = _open(browser, live_server, footage, reviewer)
    banner = page.locator('[data-role="resubmitted"]')
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Le concepteur vous a renvoyé les étapes")
    expect(banner).to_contain_text("Étape 2 refilmée.")
    at = Footage.objects.get(pk=footage.pk).resubmitted_at.isoformat()
    expect(banner.locator("time")).to_have_attribute("datetime", at)
    ctx.close()


def test_sent_back_the_disabled_buttons_look_disabled_and_the_status_line_says_the_state(
        live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    active = page.evaluate(LOOKS)
    page.locator('[data-action="send-back"]').click()
    page.locator("#send-back-text").fill("L'étape 2 est à refilmer.")
    page.locator('[data-dialog="send-back"] button[value="ok"]').click()
    expect(page.locator('[data-role="with-designer"]')).to_be_visible()
    expect(page.locator('[data-role="comments"]')).to_contain_text("L'étape 2 est à refilmer.")
    meta = page.locator(".geste-review__meta")
    expect(meta).to_contain_text("Renvoyée avec commentaire")
    expect(meta).not_to_contain_text("Renvoyée au concepteur")
    expect(meta).not_to_contain_text("refilmer")
    looks = page.evaluate(LOOKS)
    for action in ("approve", "send-back", "split", "merge", "add-step", "key-point", "comment"):
        look = looks[action]
        assert look["disabled"], action
        assert look["cursor"] == "not-allowed", (action, look)
        assert (look["bg"], look["color"]) != (active[action]["bg"], active[action]["color"]), (action, look)
        assert look["contrast"] >= 3, (action, look)
    # All disabled buttons share one look (walk 28b: only « Valider les étapes » turned grey).
    assert len({(looks[a]["bg"], looks[a]["color"]) for a in ("approve", "send-back", "split", "comment")}) == 1
    ctx.close()
