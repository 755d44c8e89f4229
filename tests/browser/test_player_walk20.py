"""A first user's walk of the learner player's questions (walk 20), in Chromium, on a 360x740 phone
and on a desktop, by keyboard:

1. after a wrong answer the choices stayed active under « Ce n'est pas la bonne réponse » : the learner
   changed them there, with nothing to say that the new choice was not sent. Now they are locked (inert,
   dimmed) under the feedback; « Réessayer » opens them again, puts the focus on the first one and says
   so in the live region.
2. the options of a choice question come in a per-learner order (server side, tested in
   tests/capsules/test_learner_api.py): picked here by their text, never by their position.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

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

PLAYER = "[data-geste-player]"
RIGHT = "Couper l'arrivée d'eau"
WRONG = "Serrer l'écrou au maximum"


def _at_the_question(page, live_server, published) -> list[str]:  # noqa: F811
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.seek(4.6)")
    page.focus(".gp-play")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=8000)
    return errors


def _choose_by_keyboard(page, text: str) -> None:
    """Tab to the radio whose label says ``text`` and select it with the space bar."""
    page.focus(".gp-question h2")
    for _ in range(12):
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement.closest('.gq-choice')?.textContent || ''")
        if text in label:
            page.keyboard.press("Space")
            return
        if page.evaluate("document.activeElement.closest('.gq-choice') !== null"):
            page.keyboard.press("ArrowDown")  # a radio group is one Tab stop: the arrows move in it
            label = page.evaluate("document.activeElement.closest('.gq-choice')?.textContent || ''")
            if text in label:
                return
    raise AssertionError(f"no choice « {text} » reached by keyboard")


def _live(page) -> str:
    return page.inner_text("#gp-live")


@pytest.mark.parametrize("where", ["phone", "desktop"])
def test_a_wrong_answer_locks_the_choices_until_retry(live_server, phone_context, context, published, where):  # noqa: F811
    ctx = phone_context if where == "phone" else context
    log_in(ctx, live_server, factories.learner(username=f"walk20{where}"))
    page = ctx.new_page()
    errors = _at_the_question(page, live_server, published)
    _choose_by_keyboard(page, WRONG)
    page.keyboard.press("Enter")  # sends the form
    page.wait_for_selector(".gq-wrong")
    assert page.evaluate("document.querySelector('.gp-question form').inert") is True
    assert "gq-locked" in page.get_attribute(".gp-question form", "class")
    # The focus is on the feedback itself, which is announced (walk 25: it was on « Revoir l'étape », the
    # middle button, when the designer asked for the step to be replayed: « Ce n'est pas la bonne réponse »
    # came after it for a screen reader). Tab then reaches the buttons in their order.
    assert page.evaluate("document.activeElement.classList.contains('gq-feedback')")
    for button in ("gq-retry", "gq-replay", "gq-continue"):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == button
    page.focus(".gq-feedback")
    page.wait_for_function("document.getElementById('gp-live').textContent.includes(\"Ce n'est pas la bonne réponse\")")
    # Tab around the question: never back into the locked choices.
    reached = set()
    for _ in range(8):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.closest('.gq-choice') ? 'choice' : 'other'"))
    assert "choice" not in reached
    # A click on the right one does nothing while locked.
    page.locator(".gq-choice", has_text=RIGHT).locator("input").click(force=True, timeout=2000, no_wait_after=True)
    assert page.locator(".gq-choice", has_text=RIGHT).locator("input").is_checked() is False
    shot(page, f"walk20-player-wrong-locked-{where}")
    # « Réessayer » by keyboard: the choices are open again, the focus on them, and the live region says so.
    page.focus(".gq-retry")
    page.keyboard.press("Enter")
    assert page.evaluate("document.querySelector('.gp-question form').inert") is False
    assert page.evaluate("!!document.activeElement.closest('.gq-choice')")
    page.wait_for_function("document.getElementById('gp-live').textContent.includes('Nouvel essai')")
    # The wrong answer is no longer ticked (a walk found it still checked after « Réessayer »).
    assert page.locator(".gp-question form input:checked").count() == 0
    _choose_by_keyboard(page, RIGHT)
    page.keyboard.press("Enter")
    page.wait_for_selector(".gq-right")
    assert page.evaluate("document.activeElement.classList.contains('gq-feedback')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "gq-continue"
    shot(page, f"walk20-player-right-{where}")
    leave(page)
    assert not errors, errors


# Filmed footage, not a generated test card: OpenCV's sample from a real camera (Debian's opencv-doc,
# installed by scripts/setup.sh).
REAL_CLIP = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")


@pytest.fixture(scope="module")
def real_media(tmp_path_factory):
    """The capsule's media made from a filmed clip (looped to the capsule's 12 s, the spoken steps as its
    sound) instead of the generated test card."""
    if not REAL_CLIP.exists() or not shutil.which("ffmpeg"):
        pytest.skip("no filmed clip on this machine")
    from tests.browser import learner_capsule

    def from_real_clip(path, duration, audio):
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(REAL_CLIP), "-i", str(audio),
                        "-map", "0:v", "-map", "1:a", "-t", str(duration), "-af", "apad", "-c:v", "libx264",
                        "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(path)], check=True)
        return path

    original = learner_capsule.make_clip
    learner_capsule.make_clip = from_real_clip
    try:
        return learner_capsule.build_media(tmp_path_factory.mktemp("real-media"))
    finally:
        learner_capsule.make_clip = original


@pytest.mark.timeout(240)
@pytest.mark.parametrize("where", ["phone", "desktop"])
def test_walk_on_a_filmed_clip_by_keyboard(live_server, phone_context, context, real_media, storage_root,  # noqa: F811
                                           built_player, where):  # noqa: F811
    from tests.browser.learner_capsule import publish_capsule

    real = publish_capsule(real_media, storage_root)
    ctx = phone_context if where == "phone" else context
    log_in(ctx, live_server, factories.learner(username=f"real20{where}"))
    page = ctx.new_page()
    errors = _at_the_question(page, live_server, real)
    shot(page, f"walk20-real-question-{where}")
    _choose_by_keyboard(page, WRONG)
    page.keyboard.press("Enter")
    page.wait_for_selector(".gq-wrong")
    assert page.evaluate("document.querySelector('.gp-question form').inert") is True
    shot(page, f"walk20-real-wrong-{where}")
    page.focus(".gq-retry")
    page.keyboard.press("Enter")
    _choose_by_keyboard(page, RIGHT)
    page.keyboard.press("Enter")
    page.wait_for_selector(".gq-right")
    assert page.evaluate("!!document.activeElement.closest('.gq-feedback')")
    page.keyboard.press("Tab")  # « Continuer »
    assert page.evaluate("document.activeElement.className") == "gq-continue"
    page.keyboard.press("Enter")
    page.wait_for_function("!document.querySelector('.gp-question:not([hidden])')")
    shot(page, f"walk20-real-after-{where}")
    leave(page)
    assert not errors, errors
