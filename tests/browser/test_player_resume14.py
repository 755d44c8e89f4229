"""A first user's walk on a 360x740 phone (Chromium): an answered question does not reopen on resume."""

from __future__ import annotations

import pytest

from capsules import models
from tests import factories
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "[data-geste-player]"


def errors_of(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def play_to_question(page, at: float) -> None:
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.seek({at})")
    page.click(".gp-play")
    page.wait_for_selector(".gp-question:not([hidden])", timeout=15000)


@pytest.mark.timeout(240)
@pytest.mark.parametrize("which, choice", [("q1", "Couper l'arrivée d'eau"), ("q2", "Faux")])
def test_an_answered_question_does_not_reopen_on_reload(live_server, phone_context, published, which, choice):  # noqa: F811
    """Answered (right, or an optional one wrong, its feedback still open), then the page reloads
    with the saved position on the question's time: it is not asked again, on load nor on play."""
    inter = published[which]
    if which == "q2":  # reached without the mandatory question before it
        models.Interaction.objects.filter(pk=published["q1"].pk).update(mandatory=False)
    user = factories.learner()
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors = errors_of(page)
    url = f"{live_server.url}{published['page'].url}"
    open_capsule(page, url)
    play_to_question(page, inter.time - 0.6)
    page.get_by_label(choice).check()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-feedback")
    if which == "q1":
        page.click(".gq-continue")
        page.wait_for_selector(".gp-question", state="hidden")
    # q2, optional, answered wrong: the learner reloads with its feedback on screen (no « Continuer »).
    # The first user's saved point: exactly the question's time (paused where it was asked).
    page.evaluate(f"""() => {{ const p = document.querySelector('{PLAYER}').gestePlayer; p.video.pause();
        p.video.currentTime = {inter.time}; }}""")
    page.wait_for_function(f"Math.abs(document.querySelector('video.gp-video').currentTime - {inter.time}) < 0.01")
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.save()")
    for _ in range(2):
        page.reload()
        page.wait_for_selector(f"{PLAYER}[data-ready='1'][data-resumed]", timeout=15000)
        page.wait_for_timeout(1800)  # a pending question opens within 1.5 s of the resume
        assert page.locator(".gp-question").is_hidden(), f"{which} reopened on reload"
        page.click(".gp-play")
        page.wait_for_function(
            f"document.querySelector('video.gp-video').currentTime > {inter.time + 0.4}", timeout=15000)
        assert page.locator(".gp-question").is_hidden(), f"{which} reopened on play after the reload"
        page.evaluate(f"""() => {{ const p = document.querySelector('{PLAYER}').gestePlayer; p.video.pause();
            p.video.currentTime = {inter.time}; }}""")
        page.wait_for_function(f"Math.abs(document.querySelector('video.gp-video').currentTime - {inter.time}) < 0.01")
        page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.save()")
    leave(page)
    assert not errors, errors



@pytest.mark.timeout(240)
def test_offline_reload_keeps_play_loop_and_speed_on_the_first_screen(live_server, phone_context, published):  # noqa: F811
    """Offline after a reload (the « Hors ligne — version du… » band at the top): the player's offline note
    is compact and covers nothing; play, loop and speed are on the first screen of a 360x740 phone."""
    user = factories.learner()
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors = errors_of(page)
    url = f"{live_server.url}{published['page'].url}"
    open_capsule(page, url)
    page.click(".gp-offline")
    page.wait_for_selector("text=Disponible hors ligne ✓", timeout=30000)
    phone_context.set_offline(True)
    try:
        page.reload()
        page.wait_for_selector(f"{PLAYER}[data-ready='1']", timeout=15000)
        page.wait_for_selector(".gp-offline-banner:not([hidden])")
        page.evaluate("window.scrollTo(0, 0)")
        for sel in (".gp-play", ".gp-loop", ".gp-speed"):
            box = page.locator(sel).bounding_box()
            assert box["y"] + box["height"] <= 740, f"{sel} ends at {box['y'] + box['height']} px on a 740-px screen"
            hit = page.evaluate("([s, x, y]) => document.querySelector(s).contains(document.elementFromPoint(x, y))",
                                [sel, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
            assert hit, f"{sel} is covered"
        banner = page.locator(".gp-offline-banner").bounding_box()
        assert banner["height"] <= 60, f"the offline note is {banner['height']} px high"
    finally:
        phone_context.set_offline(False)
    leave(page)
    assert not errors, errors
