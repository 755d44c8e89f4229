"""First-user walk 20 of the expert's review screen: a new step (E) the server refuses while its title is
being typed takes its field away, says the typed title is not kept, and the rest of the title typed then
fires no shortcut (N, E, U, F went on as shortcuts: E drew a new step again); an untitled step shows
« Étape 2 » in the step list too, as a placeholder (the timeline said « Étape 2 », the list an empty
field). Screenshots go to var/shots/."""

from __future__ import annotations

import pytest
from django.db.models import F
from playwright.sync_api import expect

from capsules.models import Footage, Step
from tests.browser.shots import shot
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)
from tests.browser.test_review_walk19 import ACTIVE, _focus_on, _gap_and_playhead_in_it, _open, _titles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone-360"])
def test_a_new_step_the_server_refuses_leaves_no_field_and_the_rest_of_its_title_fires_no_shortcut(
        live_server, browser, footage_in_review, phone):  # noqa: F811
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, start=13).delete()
    held, puts = [], []

    def hold(route):
        if route.request.method == "PUT":
            puts.append(route.request.post_data)
            held.append(route)
        else:
            route.continue_()

    size = {"width": 360, "height": 740} if phone else {"width": 1280, "height": 800}
    ctx, page = _open(browser, live_server, footage, reviewer, **size)
    page.route("**/api/review/footage/*/steps/", hold)
    _gap_and_playhead_in_it(page)
    page.keyboard.press("e")
    page.keyboard.type("Mastic")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    # Another reviewer saved meanwhile: the server refuses this save (409), for real.
    Footage.objects.filter(pk=footage.pk).update(review_version=F("review_version") + 1)
    held.pop(0).continue_()
    message = page.locator('[data-role="message"]')
    expect(message).to_contain_text("le titre tapé (« Mastic ») n'est pas gardé")
    expect(page.locator(".geste-steps__title")).to_have_count(2)  # no half-created title field left
    _focus_on(page, "role:message")  # the message saying why, where the keyboard is
    page.keyboard.type(" neuf")  # the rest of the title, typed on: N, E, U, F and Space are no shortcuts
    page.wait_for_timeout(400)
    expect(page.locator("dialog[open]")).to_have_count(0)
    expect(page.locator(".geste-timeline__step")).to_have_count(2)  # E drew no new step
    expect(page.locator(".geste-steps__title")).to_have_count(2)
    assert len(puts) == 1, puts  # nothing sent after the refusal
    assert page.evaluate(ACTIVE) == "role:message"  # N did not move the focus to a step
    shot(page, f"walk20-review-refused-new-step-{'360' if phone else 'desktop'}")
    # After a pause the shortcuts act again.
    page.wait_for_timeout(1100)
    page.keyboard.press("n")
    _focus_on(page, "time:1")  # N goes on to a step again
    ctx.close()
    assert _titles(footage) == ["Couper l'eau", "Dévisser l'écrou"]


def test_an_untitled_step_shows_the_timelines_name_as_a_placeholder(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, start=6).update(title="")
    ctx, page = _open(browser, live_server, footage, reviewer)
    block = page.locator('.geste-timeline__step[data-step-index="1"]')
    expect(block).to_contain_text("Étape 2")
    title = page.locator('[data-step-title="1"]')
    expect(title).to_have_value("")  # nothing saved in its name
    expect(title).to_have_attribute("placeholder", "Étape 2")
    expect(page.locator('[data-step-title="0"]')).to_have_value("Couper l'eau")
    title.scroll_into_view_if_needed()
    shot(page, "walk20-review-untitled-placeholder-desktop", full_page=False)  # the list, in view
    ctx.close()
    assert _titles(footage) == ["Couper l'eau", "", "Remonter le siphon"]
