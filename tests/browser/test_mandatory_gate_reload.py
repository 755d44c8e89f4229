"""Two things walkers met in the player (issue "polish", items 1-2):

- after a reload, a mandatory question answered wrong (and not left with « Continuer ») is asked again, and
  "Étape suivante" (button or N key) must not jump past it: the gate reads the server's answers (manifest),
  not the page's memory;
- a drafted cloze ("Complétez la phrase du commentaire : « … »") says "Complétez" once, not twice.
"""

from __future__ import annotations

import pytest

from capsules import models
from tests import factories
from tests.browser.shots import shot
from tests.browser.test_learner_journey import LONG_A, LONG_B, journey  # noqa: F401  (fixture)
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ready(page) -> None:
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)


@pytest.mark.timeout(240)
def test_next_step_after_reload_stops_at_a_mandatory_question_answered_wrong(live_server, context, journey):  # noqa: F811
    user = factories.learner(username="lea")
    log_in(context, live_server, user)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    multi = journey["multi"]
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{multi.pk}']", timeout=20000)
    page.locator(".gq-choice", has_text=LONG_A).locator("input").click()  # one only: wrong (two expected)
    page.click(".gq-submit")
    page.wait_for_selector(".gq-wrong")
    # The learner reloads with the wrong answer's feedback on screen, without going on (« Continuer »
    # then playing on resumes past it with a reminder: test_player_walk15).
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.save()")
    assert models.Attempt.objects.get(user=user, interaction=multi).correct is False

    page.reload()
    ready(page)
    # Saved at the question (0:01, just after the start): asked again on resume, or when played up to it.
    page.wait_for_timeout(1800)
    if not page.locator(f"[data-asking='{multi.pk}']").count():
        page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{multi.pk}']", timeout=15000)
    # "Étape suivante" by mouse: the player closes the question and stops at it again.
    page.click(".gp-step-fwd")
    page.wait_for_function("document.getElementById('gp-live').textContent.includes(\"Répondez d'abord\")",
                           timeout=5000)
    page.wait_for_timeout(300)
    assert video(page, "v.currentTime") <= multi.time + 0.06
    # ... and by keyboard (N on the player), twice.
    page.wait_for_selector(f"[data-asking='{multi.pk}']", timeout=5000)
    page.focus(".gp-step-fwd")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    page.focus(".gp-play")
    page.keyboard.press("n")
    page.keyboard.press("n")
    page.wait_for_timeout(600)
    assert video(page, "v.currentTime") <= multi.time + 0.06
    shot(page, "player-gate-after-reload", full_page=False)

    # Answered right now: the way is open.
    page.wait_for_selector(f"[data-asking='{multi.pk}']", timeout=5000)
    page.locator(".gq-choice", has_text=LONG_A).locator("input").click()  # options are shuffled: by text
    page.locator(".gq-choice", has_text=LONG_B).locator("input").click()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-right")
    page.click(".gq-continue")
    page.click(".gp-play")
    page.click(".gp-step-fwd")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime >= 7.9", timeout=5000)
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_a_drafted_cloze_says_complete_once(live_server, phone_context, journey):  # noqa: F811
    capsule = journey["capsule"]
    capsule.interactions.all().delete()
    drafted = models.Interaction.objects.create(
        capsule=capsule, time=4.6, kind="cloze", mandatory=False,
        prompt="Complétez la phrase du commentaire : « Dévissez ___ à la main. »",
        answer_key={"blanks": [["l'écrou"]]})
    typed = models.Interaction.objects.create(
        capsule=capsule, time=9.0, kind="cloze", mandatory=False,
        prompt="Serrez le joint avec ___.", answer_key={"blanks": [["la clé"]]})
    page = phone_context.new_page()
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{drafted.pk}']", timeout=20000)
    text = page.inner_text(".gp-question")
    assert text.lower().count("complétez") == 1, text
    assert "la phrase du commentaire" in text and page.locator(".gq-cloze input").count() == 1
    shot(page, "player-cloze-360")
    page.click(".gq-skip")
    page.wait_for_selector(f"[data-asking='{typed.pk}']", timeout=20000)
    text = page.inner_text(".gp-question")
    # A typed sentence without an instruction still gets one.
    assert text.lower().count("complétez") == 1 and "Complétez\u00a0:" in text, text
    leave(page)
