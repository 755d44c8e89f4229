"""Walk 42, the expert on a 360-px phone: a limit could not be moved by about a second. Drags under 8 px are taps, and
the shortest drags that counted moved it 1,6-3,4 s (0,2 s a pixel); there was no other way on a touch screen. The limit
tapped now shows a row under the timeline, « Limite entre les étapes 6 et 7 : 0:30,1 », with −1 s, −0,1 s, +0,1 s and
+1 s (44-px targets), saved and undone as the arrow keys' moves are."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.shots import shot
from tests.browser.test_review_timeline35 import _open, _steps, _track, _version, _x, phone, take_68s  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _ends(footage):
    return [round(e, 1) for _pk, _s, e in _steps(footage)]


def test_phone_moves_a_tapped_limit_by_a_tenth_and_a_second(live_server, phone, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer)
    row = page.locator('[data-role="nudge"]')
    expect(row).to_be_hidden()  # no limit selected yet
    before = _ends(footage)
    box = _track(page)
    page.touchscreen.tap(_x(box, 30.1), box["y"] + box["height"] / 2)
    expect(page.locator('.geste-timeline__handle[data-prev="5"][data-next="6"]')).to_have_class(
        re.compile(r"\bis-selected\b"))
    expect(row).to_be_visible()
    expect(row.locator('[data-role="nudge-label"]')).to_have_text("Limite entre les étapes 6 et 7\u00a0: 0:30,1")
    for button in row.locator("button").all():
        b = button.bounding_box()
        assert b["width"] >= 44 and b["height"] >= 44, b
    # On screen with the timeline, without scrolling.
    assert row.bounding_box()["y"] + row.bounding_box()["height"] <= 740
    shot(page, "review-nudge42-phone", full_page=False)
    version = _version(footage)
    row.get_by_role("button", name="Limite 1 s plus tard").tap()
    row.get_by_role("button", name="Limite 0,1 s plus tard").tap()
    row.get_by_role("button", name="Limite 0,1 s plus tard").tap()
    expect(row.locator('[data-role="nudge-label"]')).to_have_text("Limite entre les étapes 6 et 7\u00a0: 0:31,3")
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:31,3")
    after = _ends(footage)
    assert after[5] == 31.3 and after[:5] == before[:5] and after[6:] == before[6:], (before, after)
    assert _version(footage) > version
    # Taps in a row are one change: one « Annuler » puts the limit back.
    page.locator('[data-role="undo-row"] [data-action="undo"]').tap()
    page.wait_for_function("document.querySelector('[data-role=saved]').textContent.includes('annul')", timeout=5000)
    expect(row.locator('[data-role="nudge-label"]')).to_have_text("Limite entre les étapes 6 et 7\u00a0: 0:30,1")
    page.wait_for_timeout(800)
    assert _ends(footage) == before
    # Earlier, clamped by the neighbour's minimum length: never past the previous limit. Walk 42b: « +1 s » that moved
    # 0,9 s said nothing and stayed active; a shortened move is said, and a button that cannot move is disabled.
    earlier = row.get_by_role("button", name="Limite 1 s plus tôt")
    for _ in range(12):
        if earlier.is_disabled():
            break
        earlier.tap()
    expect(earlier).to_be_disabled()
    expect(row.get_by_role("button", name="Limite 1 s plus tard")).to_be_enabled()
    expect(row.locator('[data-role="nudge-note"]')).to_have_text(
        re.compile(r"^Limite arrêtée à 0:\d\d,\d\u00a0: chaque étape dure au moins [\d,]+ s\.$"))
    page.wait_for_timeout(900)
    ends = _ends(footage)
    assert ends[4] < ends[5] < 30.1, ends


def test_the_row_is_hidden_when_a_step_is_chosen_and_once_approved(live_server, phone, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer)
    row = page.locator('[data-role="nudge"]')
    box = _track(page)
    page.touchscreen.tap(_x(box, 30.1), box["y"] + box["height"] / 2)
    expect(row).to_be_visible()
    page.touchscreen.tap(_x(box, 27.0), box["y"] + box["height"] / 2)  # a step, not a limit
    expect(row).to_be_hidden()


def test_a_comment_of_spaces_is_refused_in_its_dialog(live_server, page, take_68s):  # noqa: F811
    """Walk 42: the dialog closed and the server's refusal showed at the top of the page, 590 px above the expert."""
    from capsules.models import ReviewComment

    footage, reviewer = take_68s
    _open(page, live_server, footage, reviewer)
    page.locator(".geste-timeline__step").nth(2).click()
    page.keyboard.press("c")
    dialog = page.locator('[data-dialog="comment"]')
    expect(dialog).to_be_visible()
    page.locator("#comment-text").fill("   ")
    dialog.get_by_role("button", name="Publier le commentaire").click()
    page.wait_for_timeout(400)
    expect(dialog).to_be_visible()
    assert page.evaluate("document.querySelector('#comment-text').validationMessage") == (
        "Ce texte ne contient que des espaces\u00a0: écrivez au moins un mot.")
    # Walk 42b: the browser's bubble goes after a few seconds; the reason stays under the field.
    expect(dialog.locator(".geste-dialog__error")).to_have_text(
        "Ce texte ne contient que des espaces\u00a0: écrivez au moins un mot.")
    expect(page.locator("#comment-text")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#comment-text")).to_be_focused()
    assert not ReviewComment.objects.filter(footage=footage).exists()
    page.locator("#comment-text").fill("  Vérifier le serrage  ")
    expect(dialog.locator(".geste-dialog__error")).to_be_hidden()
    dialog.get_by_role("button", name="Publier le commentaire").click()
    expect(dialog).to_be_hidden()
    # Its line lies under the fold here: the status says where it went (session 43).
    expect(page.locator('[data-role="saved"]')).to_have_text(re.compile(r"^Commentaire publié(\.|, plus bas .*)$"))
    assert ReviewComment.objects.filter(footage=footage).count() == 1


VIDEO_BOX = """() => { const v = document.querySelector('[data-role=video]').getBoundingClientRect();
  const a = document.activeElement.getBoundingClientRect();
  const over = a.right > v.left && a.left < v.right && a.bottom > v.top && a.top < v.bottom;
  return {top: v.top, bottom: v.bottom, left: v.left, right: v.right, h: innerHeight, w: innerWidth, over,
          floating: document.querySelector('.geste-review__player').classList.contains('is-floating')}; }"""


def test_desk_keyboard_in_the_step_list_keeps_the_video_in_view(live_server, browser, take_68s):  # noqa: F811
    """Walk 42: Enter on a step's time moved the video to it, scrolled out of view above."""
    footage, reviewer = take_68s
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    _open(page, live_server, footage, reviewer)
    assert not page.evaluate(VIDEO_BOX)["floating"]
    page.locator('[data-step-title="9"]').focus()
    page.keyboard.press("Shift+Tab")  # the step's time, in the list
    page.keyboard.press("Enter")
    # Floats once the page has scrolled to the step (500 ms were once too few on a loaded CI machine: rerun, passed).
    page.wait_for_function(f"({VIDEO_BOX})().floating", timeout=5000)
    page.wait_for_timeout(300)
    seen = page.evaluate(VIDEO_BOX)
    assert seen["floating"], seen
    assert 0 <= seen["top"] and seen["bottom"] <= seen["h"] and seen["right"] <= seen["w"], seen
    assert seen["bottom"] - seen["top"] >= 120 and not seen["over"], seen  # large enough, not over the focus
    expect(page.locator('[data-role="playhead"]')).not_to_have_text("0:00,0")
    shot(page, "review-floating42-desk", full_page=False)
    # The last titles, at the bottom right: the video goes to the top right rather than cover them.
    page.locator('[data-step-title="11"]').focus()
    page.wait_for_timeout(300)
    assert not page.evaluate(VIDEO_BOX)["over"]
    # Back up to the player: the video is back in its place.
    page.evaluate("window.scrollTo(0, 0); document.querySelector('.content-wrapper')?.scrollTo(0, 0)")
    page.locator('[data-action="split"]').focus()
    page.wait_for_timeout(500)
    assert not page.evaluate(VIDEO_BOX)["floating"]
    ctx.close()


def test_a_sent_back_comment_keeps_its_lines_apart_from_the_banner(live_server, page, take_68s):  # noqa: F811
    """Walk 42b: « Renvoyée avec le commentaire : … » ran the expert's two lines and the next sentence together."""
    from capsules.models import Footage

    footage, reviewer = take_68s
    Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.CHANGES_REQUESTED,
                                                 review_comment="Étape 2 trop longue <b>x</b>\nLigne 2 : renommer")
    _open(page, live_server, footage, reviewer)
    text = page.locator('[data-role="returned"] .geste-review__comment-text')
    expect(text).to_be_visible()
    assert text.inner_text().splitlines() == ["Étape 2 trop longue <b>x</b>", "Ligne 2 : renommer"]
    assert page.locator('[data-role="returned"] b').count() == 0
