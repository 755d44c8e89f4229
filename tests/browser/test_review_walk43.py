"""Walk 42's leftovers on the expert's review: Home / End on a focused limit did nothing (a slider's Home / End go to
its ends); « Commentaire publié. » was said while the comment landed off screen, under « Commentaires »."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules.review.api import MIN_STEP_SECONDS
from tests.browser.shots import shot
from tests.browser.test_review_timeline35 import _open, _steps, _version, phone, take_68s  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_home_and_end_take_a_limit_as_far_as_its_neighbours_allow(live_server, page, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    _open(page, live_server, footage, reviewer)
    before = [(round(s, 3), round(e, 3)) for _pk, s, e in _steps(footage)]
    # Walk 43: the help under the timeline says it too (only the keys list did).
    expect(page.locator('[data-role="edit-help"]')).to_contain_text(
        "Début / Fin\u00a0: aussi loin que les étapes voisines le permettent.")
    handle = page.locator('.geste-timeline__handle[data-prev="5"][data-next="6"]')
    handle.focus()
    version = _version(footage)
    page.keyboard.press("Home")
    lowest = round(before[5][0] + MIN_STEP_SECONDS, 3)
    expect(handle).to_have_attribute("aria-valuenow", f"{lowest:.3f}")
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    page.wait_for_timeout(300)
    after = [(round(s, 3), round(e, 3)) for _pk, s, e in _steps(footage)]
    assert after[5][1] == lowest and after[6][0] == lowest, (before, after)
    assert after[:5] == before[:5] and after[7:] == before[7:]
    assert _version(footage) > version
    # At the lowest already: ← moves nothing.
    page.keyboard.press("ArrowLeft")
    expect(handle).to_have_attribute("aria-valuenow", f"{lowest:.3f}")
    page.keyboard.press("End")
    highest = round(before[6][1] - MIN_STEP_SECONDS, 3)
    expect(handle).to_have_attribute("aria-valuenow", f"{highest:.3f}")
    page.wait_for_timeout(900)
    after = [(round(s, 3), round(e, 3)) for _pk, s, e in _steps(footage)]
    assert after[5][1] == highest and after[6][0] == highest, (before, after)
    # The page's own Home (the playhead's) is not taken: the playhead did not go to 0.
    expect(page.locator('[data-role="playhead"]')).not_to_have_text("0:00,0")


def test_a_comment_posted_out_of_view_says_where_it_went(live_server, phone, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer)
    page.locator(".geste-timeline__step").nth(2).tap()
    page.get_by_role("button", name="Commenter").first.tap()
    dialog = page.locator('[data-dialog="comment"]')
    expect(dialog).to_be_visible()
    page.locator("#comment-text").fill("Serrer avant de couper")
    dialog.get_by_role("button", name="Publier le commentaire").tap()
    expect(dialog).to_be_hidden()
    expect(page.locator('[data-role="saved"]')).to_have_text(
        "Commentaire publié, plus bas dans la liste «\u00a0Commentaires\u00a0».")
    line = page.locator('[data-role="comments"] li.is-new')
    expect(line).to_have_count(1)
    expect(line).to_contain_text("Serrer avant de couper")
    line.scroll_into_view_if_needed()
    shot(page, "review-comment-new43-phone", full_page=False)


def test_a_comment_posted_in_view_is_only_said_posted(live_server, page, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    page.set_viewport_size({"width": 1280, "height": 2400})  # the whole page in view
    _open(page, live_server, footage, reviewer)
    page.locator(".geste-timeline__step").nth(2).click()
    page.keyboard.press("c")
    page.locator("#comment-text").fill("Vérifier le serrage")
    page.locator('[data-dialog="comment"]').get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator('[data-role="saved"]')).to_have_text("Commentaire publié.")
    expect(page.locator('[data-role="comments"] li.is-new')).to_contain_text("Vérifier le serrage")


def test_the_page_end_scrolls_out_from_under_the_floating_video(live_server, browser, take_68s):  # noqa: F811
    """Walk 43: at the page's end the floating video covered the bottom of « Commentaires »."""
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    footage, reviewer = take_68s
    _open(page, live_server, footage, reviewer)
    page.locator('[data-step-title="11"]').scroll_into_view_if_needed()
    page.mouse.move(640, 400)
    for _ in range(6):
        page.mouse.wheel(0, 4000)
        page.wait_for_timeout(150)
    seen = page.evaluate("""() => { const v = document.querySelector('[data-role=video]').getBoundingClientRect();
      const c = document.querySelector('.geste-review__columns').getBoundingClientRect();
      return {floating: document.querySelector('.geste-review__player').classList.contains('is-floating'),
              videoTop: v.top, columnsBottom: c.bottom}; }""")
    assert seen["floating"], seen
    assert seen["columnsBottom"] <= seen["videoTop"], seen  # every line of the lists can be read above it
    shot(page, "review-floating43-page-end", full_page=False)
    ctx.close()
