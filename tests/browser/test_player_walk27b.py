"""A first user's walk of the player (walk 27, second part), in Chromium:

1. with the keyboard focus on a player button (« Boucler l'étape », « Étape suivante », a step marker…),
   Space played or paused the video instead of pressing the button: the player's shortcuts now leave Space
   and Enter to the focused button (and every key to a focused slider, field or radio); Space still plays
   and pauses with the focus on the player's non-interactive parts, and the seek bar keeps its arrow keys;
2. the end panel of a capsule not complete yet had, as its big primary button, « Capsule pas encore
   terminée : <another capsule> », which read as being about this one: finishing this capsule
   (« Regarder l'étape N ») is now the primary action, and the other capsule a secondary link named for
   what it is (« Autre capsule à terminer : … », « Capsule suivante : … »);
3. on a phone, a video played to its end showed the end panel below the screen (its heading at the bottom
   edge) without scrolling to it: the panel now comes into view like after « Continuer ».
"""

from __future__ import annotations

import pytest

from capsules import models
from tests import factories, pages
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

PAUSED = "document.querySelector('video.gp-video').paused"
TIME = "document.querySelector('video.gp-video').currentTime"


def _tab_to(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} never took the focus by Tab")


@pytest.mark.timeout(180)
def test_space_presses_the_focused_player_button(live_server, context, published):  # noqa: F811
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    assert page.evaluate(PAUSED)
    # « Boucler l'étape », reached by Tab: Space turns the loop on, the video stays paused.
    _tab_to(page, ".gp-loop")
    page.keyboard.press("Space")
    assert page.get_attribute(".gp-loop", "aria-pressed") == "true"
    assert page.evaluate(PAUSED)
    page.keyboard.press("Space")
    assert page.get_attribute(".gp-loop", "aria-pressed") == "false"
    assert page.evaluate(PAUSED)
    # « Étape suivante »: Space goes to step 2, the video still paused.
    _tab_to(page, ".gp-step-fwd")
    page.keyboard.press("Space")
    page.wait_for_function(f"Math.abs({TIME} - {published['steps'][1].start}) < 0.2", timeout=5000)
    assert page.evaluate(PAUSED)
    # A step marker under the bar: Space does what its click does (its step, played from its start).
    page.focus(".gp-stepbar .gp-mark-step >> nth=2")
    page.keyboard.press("Space")
    start = published["steps"][2].start
    page.wait_for_function(f"!{PAUSED} && {TIME} >= {start} - 0.1 && {TIME} < {start} + 1.5", timeout=5000)
    page.evaluate("document.querySelector('video.gp-video').pause()")
    # The seek bar keeps its own arrow keys (5 s back); Space there, which a range does nothing with, plays and
    # pauses (walk 32: it did nothing).
    page.focus(".gp-seek")
    before = page.evaluate(TIME)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"Math.abs({TIME} - {before - 5}) < 0.3", timeout=5000)
    page.keyboard.press("Space")
    page.wait_for_function(f"!{PAUSED}", timeout=5000)
    page.keyboard.press("Space")
    page.wait_for_function(PAUSED, timeout=5000)
    # The focus on the player's non-interactive part (the video): Space plays, and pauses again.
    page.evaluate("document.querySelector('video.gp-video').tabIndex = -1")
    page.focus("video.gp-video")
    page.keyboard.press("Space")
    page.wait_for_function(f"!{PAUSED}", timeout=5000)
    page.keyboard.press("Space")
    page.wait_for_function(PAUSED, timeout=5000)
    leave(page)
    assert not errors, errors


def _other_capsule(published, title: str, order: int):  # noqa: F811
    other = factories.CapsuleFactory(footage=published["footage"], title=title,
                                     skills_block=published["capsule"].skills_block, order=order)
    pages.capsule_page(other)
    return other


def _to_the_end_missing_step_1(page, published) -> None:  # noqa: F811
    """Step 2 from the step bar, q1 answered, q2 skipped: the end, step 1 never watched."""
    page.click(".gp-stepbar .gp-mark-step >> nth=1")
    page.evaluate("document.querySelector('video.gp-video').playbackRate = 2")
    page.evaluate("document.querySelector('video.gp-video').play()")
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=15000)
    page.locator(".gq-choice", has_text="Couper l'arrivée d'eau").locator("input").check()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-right")
    page.click(".gq-continue")
    page.wait_for_selector(f"[data-asking='{published['q2'].pk}']", timeout=15000)
    page.click(".gq-skip")
    page.wait_for_selector(".gp-end:not([hidden])[data-state='incomplete']", timeout=20000)


@pytest.mark.timeout(180)
@pytest.mark.parametrize("where", ["before", "after"])
def test_an_incomplete_capsule_ends_on_finishing_it_first(live_server, phone_context, published, where):  # noqa: F811
    capsule = published["capsule"]
    if where == "before":  # the other one comes first in the block, not completed: « todo »
        capsule.order = 5
        capsule.save(update_fields=["order"])
    _other_capsule(published, "Remplacer le joint d'un robinet", 0 if where == "before" else capsule.order + 1)
    log_in(phone_context, live_server, factories.learner())
    page = phone_context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    _to_the_end_missing_step_1(page, published)
    end = page.locator(".gp-end")
    assert end.locator("h2").inner_text() == "Capsule pas encore terminée"
    go = end.locator(".gp-end-go")
    assert go.inner_text() == "Regarder l'étape 1"
    nxt = end.locator("a.gp-next")
    kind = "Autre capsule à terminer\u00a0: " if where == "before" else "Capsule suivante\u00a0: "
    label = f"{kind}Remplacer le joint d'un robinet"
    assert nxt.inner_text() == label
    assert "pas encore terminée" not in nxt.inner_text()
    # Finishing this capsule is the filled (primary) button; the other capsule an outlined one.
    style = """(el) => { const s = getComputedStyle(el); return {bg: s.backgroundColor, border: s.borderTopColor}; }"""
    go_style, next_style = go.evaluate(style), nxt.evaluate(style)
    white = "rgb(255, 255, 255)"
    assert go_style["bg"] != white, go_style
    assert next_style["bg"] == white, next_style
    assert next_style["border"] == go_style["bg"], (next_style, go_style)
    assert go.evaluate("(el) => el.classList.contains('gp-end-primary')")
    nxt.scroll_into_view_if_needed()
    shot(page, f"walk27b-end-incomplete-{where}-phone", full_page=False)
    leave(page)


@pytest.mark.timeout(180)
def test_a_video_played_to_its_end_brings_the_end_panel_into_view_on_a_phone(live_server, phone_context,
                                                                             published):  # noqa: F811
    models.Interaction.objects.filter(capsule=published["capsule"]).delete()
    log_in(phone_context, live_server, factories.learner())
    page = phone_context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    end_t = published["capsule"].effective_end
    page.click(".gp-stepbar .gp-mark-step >> nth=2")
    page.evaluate(f"(() => {{ const v = document.querySelector('video.gp-video'); v.currentTime = {end_t - 1.2};"
                  " v.play(); })()")
    page.wait_for_selector(".gp-end:not([hidden])", timeout=20000)
    page.wait_for_function("document.activeElement.matches('.gp-end h2')", timeout=5000)
    # The panel scrolled up: its heading on screen well above the bottom edge, its buttons in view below it.
    page.wait_for_function("(() => { const r = document.querySelector('.gp-end .gp-again').getBoundingClientRect();"
                           " return r.bottom <= innerHeight; })()", timeout=5000)
    page.wait_for_timeout(800)  # a smooth scroll settles
    top = page.evaluate("document.querySelector('.gp-end h2').getBoundingClientRect().top")
    assert 0 <= top < 740 / 2, top
    assert page.evaluate("document.querySelector('.gp-end .gp-again').getBoundingClientRect().bottom") <= 740
    shot(page, "walk27b-natural-end-phone", full_page=False)
    leave(page)
