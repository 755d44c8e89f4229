"""First-user walk 25b: the demo capsule's last question sits at 0:36, right at the capsule's end. After
answering it and pressing « Continuer », each press of Play moved the video only ~0.27 s before it paused
again (the capsule's end stops playback at the next timeupdate), and it took three presses to reach the
end of the footage. Now:

- playback stops at the capsule's end itself (it ran up to a timeupdate, ~0.25 s, past it: frames from
  outside a capsule cut in its footage);
- « Continuer » after a question in the last half second goes to the end screen at once;
- Play at the end no longer runs the video on a few tenths past the capsule's end: the end screen
  comes (once it is shown, Play starts the capsule again, as « Revoir la capsule »)."""

from __future__ import annotations

import pytest

from capsules import models
from tests import factories
from tests.browser import test_player as base
from tests.browser.test_player import leave, log_in, open_capsule, video

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRAME = 1 / 25


def player(page, expr: str):
    return page.evaluate(
        f"(() => {{ const p = document.querySelector('[data-geste-player]').gestePlayer; return {expr}; }})()")


@pytest.mark.timeout(180)
def test_a_question_in_the_last_half_second_then_continue_and_play_at_the_end(live_server, context, published):
    q1, q2 = published["q1"], published["q2"]
    q1.delete()
    # The capsule ends at 11.5 s of a 12-s footage (the media go on past its end); its last question
    # 0.3 s before that end.
    end = 11.5
    models.Capsule.objects.filter(pk=published["capsule"].pk).update(end=end)
    models.Interaction.objects.filter(pk=q2.pk).update(time=11.2, mandatory=True)
    log_in(context, live_server, factories.learner(username="walk25b"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    video(page, "(v.muted = true, 0)")
    player(page, "p.seek(10.2)")
    page.wait_for_timeout(300)
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q2.pk}']", timeout=15000)
    page.check(".gp-question input[value='true']")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-feedback .gq-continue")
    page.click(".gq-feedback .gq-continue")
    # No second press of Play: the end screen comes by itself, at the capsule's end, not past it.
    page.wait_for_selector(".gp-end", state="visible", timeout=4000)
    page.wait_for_timeout(400)
    at = video(page, "v.currentTime")
    assert end - 0.1 <= at <= end + 2 * FRAME, at
    assert video(page, "v.paused")

    # Play on the end screen: no longer a few tenths further each press (walk: three presses to reach
    # the end of the footage); the capsule starts again, as « Revoir la capsule ».
    page.click(".gp-play")
    page.wait_for_timeout(700)
    assert video(page, "v.currentTime") < 3, video(page, "v.currentTime")
    assert not page.locator(".gp-end").is_visible()
    assert not video(page, "v.paused")
    video(page, "v.pause()")

    # Paused in the capsule's last moments, the end screen not shown (the seek bar dragged to the end):
    # Play shows the end at once, the video stays within the capsule.
    player(page, f"p.seek({end})")
    page.wait_for_timeout(400)
    page.click(".gp-play")
    page.wait_for_selector(".gp-end", state="visible", timeout=1000)
    page.wait_for_timeout(500)
    assert video(page, "v.currentTime") <= end + 0.01
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_a_free_recall_of_a_safety_point_keeps_the_step_titles(live_server, context, published):
    """A free recall whose expected answer is the expert's point of vigilance (a drafted safety recall):
    the steps' names give nothing away, they stay (the key points themselves are hidden). One whose
    expected answer is a step's name still hides them."""
    from tests.browser.test_player_steps_during_question import _ask_at, _cards

    capsule, steps = published["capsule"], published["steps"]
    capsule.interactions.all().delete()
    safety = models.Interaction.objects.create(
        capsule=capsule, time=6.0, kind="free_recall", step=steps[1], mandatory=False,
        prompt="Pendant « Dévisser l'écrou », à quoi le professionnel fait-il attention pour la sécurité ?",
        answer_key={"model_answer": "Coupez l'arrivée d'eau avant de dévisser."})
    gesture = models.Interaction.objects.create(
        capsule=capsule, time=9.0, kind="free_recall", step=steps[2], mandatory=False,
        prompt="Quel geste vient après le démontage ?", answer_key={"model_answer": "Serrer le joint"})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    titles = [s.title for s in steps]
    _ask_at(page, 5.96, safety.pk)
    cards = _cards(page)
    assert [c["title"] for c in cards] == titles
    assert not any(c["kp"] for c in cards)  # the answer itself stays hidden
    assert "Dévisser l'écrou" in page.inner_text(".gp-step-now")
    page.click(".gq-skip")
    _ask_at(page, 8.96, gesture.pk)
    assert [c["title"] for c in _cards(page)] == ["", "", ""]
    leave(page)
    assert not errors, errors
