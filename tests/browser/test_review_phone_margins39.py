"""First-user walk 39, F8: the expert's review screen on a 360-px phone. The « Étapes » list, its title fields,
« Points de vigilance » and « Commentaires » reached x = 378 while the page is 360 wide (no horizontal scroll:
cut off): the selected step's highlight was cut at the right, the title fields touched the screen's edge.
They keep the page's side margins: nothing in those sections ends right of the stage (video, timeline) above
them, nor closer than 8 px to the screen's edge."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTH, MARGIN = 360, 8


@pytest.mark.timeout(120)
def test_steps_key_points_and_comments_keep_the_pages_margins_on_a_360_phone(live_server, browser,
                                                                            footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx = browser.new_context(locale="fr-FR", viewport={"width": WIDTH, "height": 740}, has_touch=True,
                              is_mobile=True)
    page = ctx.new_page()
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    expect(page.locator(".geste-steps > li")).to_have_count(3)
    page.locator(".geste-timeline__step").nth(1).click()  # a selected step: its highlight is measured too
    out = page.evaluate("""() => {
        const stage = document.querySelector('.geste-review__stage').getBoundingClientRect();
        const cols = document.querySelector('.geste-review__columns');
        const boxes = [cols, ...cols.querySelectorAll('*')].map(e => {
            const r = e.getBoundingClientRect();
            return {what: e.tagName + '.' + (e.className || '') + ' ' + (e.textContent || '').trim().slice(0, 30),
                    left: r.left, right: r.right, width: r.width};
        }).filter(b => b.width > 0);
        return {stageLeft: stage.left, stageRight: stage.right, boxes,
                scroll: document.documentElement.scrollWidth};
    }""")
    assert out["scroll"] <= WIDTH + 1
    assert len(out["boxes"]) > 10  # the steps, their fields, the two lists' headings
    limit = min(out["stageRight"], WIDTH - MARGIN) + 0.5
    past = [b for b in out["boxes"] if b["right"] > limit or b["left"] < out["stageLeft"] - 0.5]
    assert not past, (limit, out["stageLeft"], past[:6])
    ctx.close()
