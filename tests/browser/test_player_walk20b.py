"""A first user's walk of the learner's capsule page (walk 20, second part), in Chromium:

1. the end panel said « Fin de la capsule » with the score while the server did not count the capsule
   complete (the learner had jumped to step 2 from the step list): it now says « Capsule pas encore
   terminée », names what is left by the server's rule (progress.py: 90 % watched, every mandatory question
   answered) with a button to it, and « Capsule terminée » once the server says so;
2. « Revoir l'étape » said the question would come back « à la fin » (of the step): it says its time;
3. on a phone, a step tapped in the « Étapes » list played off-screen: the video is brought into view
   (at once when the learner asked for reduced motion), and the page does not move when it is in view.
"""

from __future__ import annotations

import pytest

from capsules.models import Progress
from tests import factories
from tests.browser.shots import shot
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RIGHT = "Couper l'arrivée d'eau"
WRONG = "Serrer l'écrou au maximum"
# Wholly on screen (give or take the fraction of a pixel a scroll to a CSS pixel leaves).
VIDEO_IN_VIEW = """() => { const r = document.querySelector('video.gp-video').getBoundingClientRect();
    return r.top >= -1 && r.bottom <= innerHeight + 1; }"""


def _tap_step_in_list(page, n: int) -> None:
    item = page.locator(".gp-steps [data-seek]").nth(n)
    item.scroll_into_view_if_needed()
    assert not page.evaluate(VIDEO_IN_VIEW)  # the list is below the video: it is off-screen
    item.click()


def _answer(page, text: str, outcome: str) -> None:
    page.locator(".gq-choice", has_text=text).locator("input").check()
    page.click(".gq-submit")
    page.wait_for_selector(outcome)


@pytest.mark.timeout(180)
def test_end_panel_says_what_is_left_until_the_server_counts_it_complete(live_server, phone_context, published):  # noqa: F811
    user = factories.learner(username="walk20b")
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    _tap_step_in_list(page, 1)  # step 2, « Dévisser l'écrou »: step 1 never played
    page.wait_for_function(VIDEO_IN_VIEW, timeout=5000)
    page.evaluate("document.querySelector('video.gp-video').playbackRate = 2")
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=15000)
    _answer(page, RIGHT, ".gq-right")
    page.click(".gq-continue")
    page.wait_for_selector(f"[data-asking='{published['q2'].pk}']", timeout=15000)
    page.click(".gq-skip")
    end = page.locator(".gp-end:not([hidden])")
    end.wait_for(timeout=20000)
    page.wait_for_function("!!document.querySelector('.gp-end[data-state]')")
    assert end.locator("h2").inner_text() == "Capsule pas encore terminée"
    left = end.locator(".gp-end-left")
    assert left.count() == 1
    assert left.inner_text().startswith("Il reste à regarder l'étape 1 «\u00a0Préparer le siphon\u00a0».")
    assert "Capsule pas encore terminée. Il reste à regarder l'étape 1" in page.inner_text("#gp-live")
    # The server agrees: not complete.
    page.wait_for_function("document.querySelector('.gp-end').dataset.state === 'incomplete'")
    assert not Progress.objects.get(user=user, capsule=published["capsule"]).completed
    shot(page, "walk20b-end-not-complete-phone")
    # Its button plays step 1 again, video in view; played to the end, the capsule is complete.
    left.locator("button").click()
    assert page.evaluate("document.querySelector('video.gp-video').currentTime") < 0.5
    page.wait_for_function(VIDEO_IN_VIEW, timeout=5000)
    page.evaluate("document.querySelector('video.gp-video').playbackRate = 2")
    page.wait_for_selector(".gp-end:not([hidden])[data-state='complete']", timeout=30000)
    assert end.locator("h2").inner_text() == "Capsule terminée"
    assert end.locator(".gp-end-left").count() == 0
    assert Progress.objects.get(user=user, capsule=published["capsule"]).completed
    shot(page, "walk20b-end-complete-phone")
    leave(page)
    assert not errors, errors


def test_end_panel_names_a_mandatory_question_left_unanswered(live_server, context, published):  # noqa: F811
    """A visitor may browse past a mandatory question (no gate without an account): the end names it."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.seek(11.4)")
    page.wait_for_function("!document.querySelector('video.gp-video').seeking", timeout=5000)
    page.click(".gp-play")
    end = page.locator(".gp-end:not([hidden])")
    end.wait_for(timeout=20000)
    assert end.locator("h2").inner_text() == "Capsule pas encore terminée"
    question = end.locator(".gp-end-left", has_text="question obligatoire")
    assert question.inner_text().startswith("Il reste à répondre à la question obligatoire de 0:05.")
    question.locator("button").click()
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=5000)
    assert page.locator(".gp-end").is_hidden()
    leave(page)
    assert not errors, errors


@pytest.mark.parametrize("where", ["phone", "desktop"])
def test_replay_step_says_when_the_question_comes_back(live_server, phone_context, context, published, where):  # noqa: F811
    ctx = phone_context if where == "phone" else context
    log_in(ctx, live_server, factories.learner(username=f"walk20b{where}"))
    page = ctx.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.seek(4.6)")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=8000)
    _answer(page, WRONG, ".gq-wrong")
    page.click(".gq-replay")
    # The question is at 0:05, in the middle of the step (4 s to 8 s): the whole step plays (words 28: it played
    # from 0:04 to the question only), then the question is asked again.
    page.wait_for_function("document.getElementById('gp-live').textContent.includes("
                           "'Revoyez l\\'étape (jusqu\\'à 0:08)\u00a0: la question de 0:05 vous sera reposée "
                           "ensuite.')")
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=10000)
    assert page.evaluate("document.querySelector('video.gp-video').currentTime") < 5.5
    leave(page)


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_a_step_tapped_in_the_list_brings_the_video_into_view(live_server, browser, published, motion):  # noqa: F811
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True,
                              reduced_motion=motion)
    try:
        page = ctx.new_page()
        open_capsule(page, f"{live_server.url}{published['page'].url}")
        item = page.locator(".gp-steps [data-seek]").nth(2)
        item.scroll_into_view_if_needed()
        assert not page.evaluate(VIDEO_IN_VIEW)
        # Reduced motion: no smooth scroll, the video is in view as soon as the tap is handled.
        in_view_at_once = page.evaluate(f"""() => {{ document.querySelectorAll('.gp-steps [data-seek]')[2].click();
            return ({VIDEO_IN_VIEW})(); }}""")
        assert in_view_at_once is (motion == "reduce")
        page.wait_for_function(VIDEO_IN_VIEW, timeout=5000)
        assert abs(page.evaluate("document.querySelector('video.gp-video').currentTime") - 8.0) < 1.5
        shot(page, f"walk20b-step-tapped-{motion}")
        leave(page)
    finally:
        ctx.close()


def test_a_step_tapped_with_the_video_in_view_does_not_move_the_page(live_server, context, published):  # noqa: F811
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.set_viewport_size({"width": 1280, "height": 2400})  # the whole page on screen, list and video
    assert page.evaluate(VIDEO_IN_VIEW)
    before = page.evaluate("scrollY")
    page.locator(".gp-steps [data-seek]").nth(1).click()
    page.wait_for_timeout(400)
    assert page.evaluate("scrollY") == before
    assert page.evaluate(VIDEO_IN_VIEW)
    leave(page)
