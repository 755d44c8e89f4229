"""A first learner's walk around completion and badges (walk 21), in Chromium:

1. a mandatory question answered wrong, then « Continuer »: the capsule is « Capsule terminée » (the rule,
   progress.py: answered is enough) while the block's badge needs it right; the end panel and the skills
   block page now say so, from the server's word, with a way back to the question;
2. the player's clock read « 0:07 / 0:08 » at the end of an 8-s capsule: it reads the whole duration.
"""

from __future__ import annotations

import pytest

from capsules.models import Achievement, BadgeCredential, Capsule, Progress
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
PROMPT = "Avant de dévisser l'écrou, que faut-il faire ?"
TO_GET_RIGHT = f"Pour le badge du bloc, la question obligatoire «\u00a0{PROMPT}\u00a0» doit être réussie."


def _answer(page, text: str, outcome: str) -> None:
    page.locator(".gq-choice", has_text=text).locator("input").check()
    page.click(".gq-submit")
    page.wait_for_selector(outcome)


def _fast(page) -> None:
    page.evaluate("document.querySelector('video.gp-video').playbackRate = 2")


@pytest.mark.timeout(240)
def test_completed_with_a_wrong_mandatory_answer_says_the_badge_needs_it_right(live_server, context, published):  # noqa: F811
    capsule, q1 = published["capsule"], published["q1"]
    published["q2"].delete()
    Achievement.objects.create(skills_block=capsule.skills_block, name="Plomberie sanitaire",
                               description="Joints et siphons.", criteria_narrative="Toutes les capsules.")
    user = factories.learner(username="walk21")
    log_in(context, live_server, user)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    _fast(page)
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=15000)
    _answer(page, WRONG, ".gq-wrong")
    page.click(".gq-feedback .gq-continue")
    end = page.locator(".gp-end:not([hidden])")
    page.wait_for_selector(".gp-end:not([hidden])[data-state='complete'] .gp-end-badge-retake", timeout=30000)
    assert Progress.objects.get(user=user, capsule=capsule).completed  # the rule is kept
    assert end.locator("h2").inner_text() == "Capsule terminée"
    retake = end.locator(".gp-end-badge-retake")
    assert retake.count() == 1
    assert retake.inner_text() == f"{TO_GET_RIGHT} Reprendre la question de 0:05"
    page.wait_for_function("document.getElementById('gp-live').textContent.includes('doit être réussie')")
    assert page.inner_text("#gp-live").startswith(f"Capsule terminée. {TO_GET_RIGHT}")
    shot(page, "walk21-end-complete-badge-needs-right")
    # Its button asks the question again, here.
    retake.locator("button").click()
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=5000)
    assert page.locator(".gp-end").is_hidden()
    leave(page)

    # The block page says it under the capsule, with its way back; the two counts say what they count.
    page = context.new_page()
    page.goto(f"{live_server.url}{capsule.page.get_parent().url}")
    note = page.locator("ol.capsules .capsule-to-get-right")
    assert note.inner_text() == (f"Capsule terminée. {TO_GET_RIGHT} "
                                 "Aller à la question «\u00a0Avant de dévisser l'écrou, que faut-il…\u00a0» (0:05)")
    # The summary counts the completed capsules' mandatory questions, the badge the whole block's: each says so.
    assert page.inner_text("p.meta .progress-text").endswith(
        "1 capsule terminée sur 1 (100\u00a0%) — à consolider pour le badge\u00a0: questions obligatoires réussies "
        "dans les capsules terminées, 0 sur 1")
    # Walk 27: the badge's list behind one line (« 1 question obligatoire à réussir »), opened here.
    reason = page.locator(".block-badge .badge-reasons > li").first
    assert reason.locator("summary").inner_text() == "1 question obligatoire à réussir"
    reason.locator("summary").click()
    assert " ".join(reason.inner_text().split()).startswith(
        "1 question obligatoire à réussir Dans tout le bloc, capsules non terminées comprises, 1 question "
        "obligatoire n'a pas encore reçu de bonne réponse :")
    shot(page, "walk21-block-page-badge-needs-right")
    note.locator("a").click()
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    assert page.url.endswith(f"{capsule.page.url}#t=5")
    _fast(page)
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=15000)
    _answer(page, RIGHT, ".gq-right")
    page.click(".gq-feedback .gq-continue")
    page.wait_for_selector(".gp-end:not([hidden]) .gp-badge:not(.gp-badge--pending)", timeout=30000)
    assert BadgeCredential.objects.filter(user=user).exists()
    assert page.locator(".gp-end-badge-retake").count() == 0
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(120)
def test_the_clock_reads_the_whole_duration_once_the_video_ended(live_server, context, published):  # noqa: F811
    """Walk 21: « 0:07 / 0:08 » at the very end of an 8-s video. The footage's recorded duration (the
    probe's) lies past where its video stops, so the video ends (``ended``) a little before the capsule's
    end, and that last moment was rounded down to the second before while the duration was not. Here the
    capsule lasts 12.005 s (from 0.195 s of a footage said to last 12.2 s) and its video stops at about
    12.05 s, 11.86 s in: it read « 0:11 / 0:12 »."""
    published["q1"].delete()
    published["q2"].delete()
    footage, capsule = published["footage"], Capsule.objects.get(pk=published["capsule"].pk)
    footage.duration = 12.2
    footage.save(update_fields=["duration"])
    capsule.start, capsule.end = 0.195, None
    capsule.save()  # through save(): the cached manifest is dropped
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    assert page.inner_text(".gp-time") == "0:00 / 0:12"
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.seek(10.5)")
    page.wait_for_function("!document.querySelector('video.gp-video').seeking", timeout=5000)
    page.click(".gp-play")
    page.wait_for_selector(".gp-end:not([hidden])", timeout=20000)
    assert page.evaluate("document.querySelector('video.gp-video').ended")  # the video's own end
    assert page.evaluate("document.querySelector('video.gp-video').currentTime") < 12.195  # under 0:12 in
    page.wait_for_timeout(300)  # a late timeupdate would draw the clock again
    assert page.inner_text(".gp-time") == "0:12 / 0:12"
    assert page.get_attribute(".gp-seek", "aria-valuetext") == "0:12"
    leave(page)
