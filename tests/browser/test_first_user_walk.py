"""A first-user walk on a fresh clone:

1. a question in the gap between two steps belongs to the step before it: looping that step reaches
   it, the step list counts it under that step, and a mandatory one still holds the learner;
2. every time the learner reads about a question is the player's m:ss floor clock.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from capsules import models
from tests.browser.conftest import login
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    open_capsule,
    published,
    video,
)
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("GESTE_WALK_SHOTS", Path(__file__).resolve().parents[2] / "var" / "shots"))


def snap(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def gap_question(published) -> models.Interaction:  # noqa: F811
    """Step 1 now ends at 3.6 s and step 2 starts at 4.4 s; a mandatory question at 4.0 s, tied to no
    step, lies between them (like the demo's question at 0:12 after a step ending at 0:11.9)."""
    steps = published["steps"]
    models.Step.objects.filter(pk=steps[0].pk).update(end=3.6)
    models.Step.objects.filter(pk=steps[1].pk).update(start=4.4)
    return models.Interaction.objects.create(
        capsule=published["capsule"], time=4.0, kind="true_false", mandatory=True,
        prompt="Le siphon est prêt ?", answer_key={"correct": True},
        feedback_correct="Oui.", feedback_wrong="Regardez encore.",
    )


@pytest.mark.timeout(180)
@pytest.mark.parametrize("width", [1280, 360])
def test_looping_a_step_reaches_the_question_in_the_gap_after_it(live_server, browser, published, width):  # noqa: F811
    q = gap_question(published)
    steps = published["steps"]
    ctx = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 800 if width > 400 else 740})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")

    # Loop step 1 from its start (keyboard: the loop button), and play: the loop reaches the question
    # instead of turning back at 3.6 s.
    page.focus(".gp-loop")
    page.keyboard.press("Enter")
    assert page.get_attribute(".gp-loop", "aria-pressed") == "true"
    assert page.get_attribute("[data-geste-player]", "data-loop") == str(steps[0].pk)
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q.pk}']", timeout=12000)
    assert page.get_attribute("[data-geste-player]", "data-loops") in (None, "", "0")
    assert 3.9 <= video(page, "v.currentTime") <= 4.4
    assert page.locator(".gq-replay").count() == 0  # not asked wrong yet
    snap(page, f"gap-question-loop-{width}")
    # Answered right, the loop goes on: back to step 1's start, not into step 2 (nor stopped at q1).
    page.click(".gp-question label:has-text('Vrai')")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-feedback .gq-continue")
    page.click(".gq-feedback .gq-continue")
    page.wait_for_selector("[data-loops='1']", timeout=10000)
    assert video(page, "v.currentTime") < 3.6
    assert page.locator(f"[data-asking='{published['q1'].pk}']").count() == 0

    # The step list counts the gap question under the step before it (step 1), step 2 keeps its own.
    counts = page.eval_on_selector_all(
        ".gp-steps li[data-start]", "lis => lis.map(li => li.querySelector('.gp-step-q')?.textContent || '')")
    assert counts == ["1 question", "1 question", "1 question"]  # the gap one, q1 at 5.0 s, q2 at 10.0 s
    leave(page)
    ctx.close()
    assert not errors, errors


@pytest.mark.timeout(180)
def test_a_loop_turned_on_in_the_gap_holds_the_step_before_it(live_server, context, published):  # noqa: F811
    q = gap_question(published)
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.seek(3.8)")
    page.wait_for_function("Math.abs(document.querySelector('video.gp-video').currentTime - 3.8) < 0.05")
    page.click(".gp-loop")
    assert page.get_attribute("[data-geste-player]", "data-loop") == str(published["steps"][0].pk)
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q.pk}']", timeout=8000)
    leave(page)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("width", [1280, 360])
def test_the_review_screen_reads_the_site_clock(live_server, browser, footage_in_review, width):  # noqa: F811
    """The expert's screen: m:ss with the tenth the boundaries move by (it read "6,0 s"), the tenth
    rounded to the nearest since walk 19 (it was rounded down, like the learner's whole seconds: a limit
    at 9.584 s read 0:09,5), so 6.97 s reads 0:07,0 there."""
    footage, reviewer = footage_in_review
    Step = models.Step
    Step.objects.filter(footage=footage, order=2).update(start=6.97)
    Step.objects.filter(footage=footage, order=1).update(end=6.97)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 800})
    page = ctx.new_page()
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    page.wait_for_selector(".geste-steps__time")
    times = page.eval_on_selector_all(".geste-steps__time", "bs => bs.map(b => b.textContent)")
    assert times[:3] == ["0:00,0 – 0:07,0", "0:07,0 – 0:13,0", "0:13,0 – 0:20,0"], times
    assert page.inner_text('[data-role="playhead"]') == "0:00,0"
    snap(page, f"review-clock-{width}")
    ctx.close()
