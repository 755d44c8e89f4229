"""User walk 31, the learner's player.

1. Playback in a stretch that belongs to no step (the expert's hands idle between two steps, a lead-in
   before the first, a tail after the last): the step list, the step bar and the label under the player
   showed nothing, the learner could not tell where they were. Now the label says « Entre deux étapes —
   suivante : … » (« Avant la première étape », « Après la dernière étape ») in the same non-live paragraph
   as the step's name, and the list marks the next step « À venir ». At 360 px, and in English on a desktop.
2. At 360 px the captions menu cut its label (« Sous-titres : Anglais (traduction automatique) » read
   « Sous-titres : Anglais (tradu »): the choice is now shown whole, on two lines where needed.

``GESTE_SCREENSHOTS=<folder>`` keeps screenshots of both, at 360 px and on a desktop, for a person to look at."""

from __future__ import annotations

import os

import pytest

from capsules.models import Step
from tests.browser import test_player as base
from tests.browser.test_player import leave, open_capsule, video

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("GESTE_SCREENSHOTS")
# A lead-in (0–1 s), a gap between steps 1 and 2 (3–5 s), a tail after the last step (11–12 s).
GAPPED = [(1.0, 3.0), (5.0, 8.0), (8.0, 11.0)]


def _gapped(published) -> None:
    published["capsule"].interactions.all().delete()
    steps = Step.objects.filter(footage=published["footage"]).order_by("start")
    for step, (start, end) in zip(steps, GAPPED, strict=True):
        step.start, step.end = start, end
        step.save()


def _at(page, t: float) -> dict:
    """Seek the paused video to ``t`` and return what the player shows once the seek has landed."""
    video(page, f"(v.pause(), v.currentTime = {t})")
    page.wait_for_function(f"(() => {{ const v = document.querySelector('video.gp-video'); "
                           f"return !v.seeking && Math.abs(v.currentTime - {t}) < 0.05; }})()", timeout=5000)
    page.wait_for_timeout(300)  # the timeupdate that follows the seek has been handled
    return page.evaluate("""() => {
        const label = document.querySelector('.gp-step-now');
        const items = [...document.querySelectorAll('.gp-steps > ol > li')];
        return {
          label: label.textContent, labelShown: !label.hidden && label.getBoundingClientRect().height > 0,
          live: label.getAttribute('aria-live'),
          current: items.map((li) => li.classList.contains('current')),
          upcoming: items.map((li) => li.classList.contains('upcoming')),
          // What a screen reader reads for each step of the list (its button's name) and what is seen.
          names: items.map((li) => li.querySelector('.gp-step').innerText.replace(/\\s+/g, ' ').trim()),
          bar: [...document.querySelectorAll('.gp-mark-step')].map((b) => b.getAttribute('aria-current')),
          barUpcoming: [...document.querySelectorAll('.gp-mark-step')].map((b) => b.classList.contains('upcoming')),
        };
    }""")


@pytest.mark.timeout(240)
def test_a_stretch_between_steps_says_where_the_playhead_is(live_server, phone_context, published):
    _gapped(published)
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    video(page, "(v.muted = true)")

    # Inside a step: as before (the step's name, lit in the list, aria-current on the bar), nothing « à venir ».
    s = _at(page, 2.0)
    assert s["label"] == "Étape\u00a0: Préparer le siphon", s
    assert s["current"] == [True, False, False] and s["upcoming"] == [False, False, False], s
    assert s["bar"] == ["step", None, None], s
    assert not any("À venir" in n for n in s["names"]), s

    # Between steps 1 and 2: said, and the next step marked « À venir » (in its button's name too).
    s = _at(page, 4.0)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/gap-phone.png")
        page.locator(".gp-steps").screenshot(path=f"{SCREENSHOTS}/gap-phone-list.png")
    assert s["label"] == "Entre deux étapes — suivante\u00a0: Dévisser l'écrou", s
    assert s["labelShown"], s
    assert s["live"] == "off", s  # the same non-live paragraph as a step's name: no announcement at each timeupdate
    assert s["current"] == [False, False, False] and s["upcoming"] == [False, True, False], s
    assert "À venir" in s["names"][1], s
    assert not any("À venir" in n for n in (s["names"][0], s["names"][2])), s
    assert s["bar"] == [None, None, None] and s["barUpcoming"] == [False, True, False], s
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert base.accessibility_violations(page) == []

    # Before the first step, after the last.
    s = _at(page, 0.5)
    assert s["label"] == "Avant la première étape", s
    assert s["upcoming"] == [True, False, False] and s["current"] == [False, False, False], s
    s = _at(page, 11.5)
    assert s["label"] == "Après la dernière étape", s
    assert s["upcoming"] == [False, False, False] and s["current"] == [False, False, False], s

    # Played through the gap: the label follows; the live region is not written on each timeupdate.
    _at(page, 2.6)
    page.evaluate("document.getElementById('gp-live').textContent = ''")
    page.click(".gp-play")
    label = "document.querySelector('.gp-step-now').textContent"
    page.wait_for_function(f"{label}.startsWith('Entre deux étapes')", timeout=5000)
    page.wait_for_function(f"{label} === 'Étape\u00a0: Dévisser l\\'écrou'", timeout=8000)
    video(page, "v.pause()")
    assert page.evaluate("document.getElementById('gp-live').textContent") == ""
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_a_stretch_between_steps_is_said_in_english_on_a_desktop(live_server, browser, published):
    _gapped(published)
    ctx = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    try:
        page = ctx.new_page()
        open_capsule(page, f"{live_server.url}{published['page'].url}")
        page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
        s = _at(page, 4.0)
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/gap-desktop.png", full_page=True)
        assert s["label"] == "Between steps — next: Dévisser l'écrou", s
        assert "Coming up" in s["names"][1] and s["upcoming"] == [False, True, False], s
        assert _at(page, 0.5)["label"] == "Before the first step"
        assert _at(page, 11.5)["label"] == "After the last step"
        leave(page)
    finally:
        ctx.close()


CAPTION_LABEL = """() => {
    // What the learner sees of the captions choice, and the room it has: the element that shows the chosen
    // language (the menu itself, or a label drawn over it), its text measured in its own font.
    const sel = document.querySelector('select.gp-captions');
    const shown = document.querySelector('.gp-captions-text') || sel;
    const cs = getComputedStyle(shown);
    const text = shown === sel ? sel.selectedOptions[0].text : shown.textContent;
    let needed, room;
    if (shown === sel) {  // a closed <select> shows its option on one line, cut at its width (arrow: ~20 px)
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      needed = ctx.measureText(text).width;
      room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
    } else {
      needed = shown.scrollWidth; room = shown.clientWidth;
      if (shown.scrollHeight > shown.clientHeight + 1) needed = Infinity;
    }
    const box = (shown.closest('.gp-captions-box') || sel).getBoundingClientRect();
    const controls = document.querySelector('.gp-controls').getBoundingClientRect();
    return { text, needed, room, left: box.left, right: box.right, top: box.top, bottom: box.bottom,
             controlsLeft: controls.left, controlsRight: controls.right, height: box.height };
}"""


@pytest.mark.parametrize(("locale", "width", "label"), [
    ("fr-FR", 360, "Sous-titres\u00a0: Anglais (traduction automatique)"),
    ("en-GB", 360, "Subtitles: English (machine translation)"),
    ("fr-FR", 1280, "Sous-titres\u00a0: Anglais (traduction automatique)"),
])
def test_the_captions_menu_shows_its_whole_label(live_server, browser, published, locale, width, label):
    from capsules import pages as capsule_pages
    from capsules.models import Transcript

    Transcript.objects.update_or_create(footage=published["footage"], task="translate",
                                        defaults={"language": "en", "segments": []})
    capsule_pages.new_content_generation()
    phone = width < 400
    ctx = browser.new_context(locale=locale, viewport={"width": width, "height": 740 if phone else 800},
                              has_touch=phone, is_mobile=phone)
    try:
        page = ctx.new_page()
        open_capsule(page, f"{live_server.url}{published['page'].url}")
        page.select_option(".gp-captions", "en")
        page.wait_for_timeout(100)
        s = page.evaluate(CAPTION_LABEL)
        if SCREENSHOTS:
            page.locator(".gp-controls").scroll_into_view_if_needed()
            page.screenshot(path=f"{SCREENSHOTS}/captions-{locale}-{width}.png")
            page.locator(".gp-controls").screenshot(path=f"{SCREENSHOTS}/captions-{locale}-{width}-controls.png")
        assert s["text"] == label, s
        assert s["needed"] <= s["room"] + 0.5, s  # not cut
        assert s["controlsLeft"] - 0.5 <= s["left"] and s["right"] <= min(s["controlsRight"], width) + 0.5, s
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # The menu keeps its spoken name and says the whole choice (the chosen option's text).
        assert page.get_attribute("select.gp-captions", "aria-label") in {"Sous-titres", "Subtitles"}
        assert page.evaluate("document.querySelector('select.gp-captions').selectedOptions[0].text") == label
        if not phone:
            assert s["height"] <= 48, s  # one row on a desktop, as before
        # Reached with Tab, the (transparent) menu shows the focus ring around the label.
        page.focus(".gp-frame-fwd")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.matches('select.gp-captions')")
        ring = page.evaluate("getComputedStyle(document.querySelector('.gp-captions').parentElement).outlineStyle")
        assert ring == "solid", ring
        if SCREENSHOTS:
            page.locator(".gp-controls").screenshot(path=f"{SCREENSHOTS}/captions-{locale}-{width}-focus.png")
        # Chosen again: the label shown follows.
        page.select_option(".gp-captions", "off")
        assert page.evaluate(CAPTION_LABEL)["text"] == ("Sans sous-titres" if locale == "fr-FR" else "No subtitles")
        leave(page)
    finally:
        ctx.close()
