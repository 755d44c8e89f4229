"""First user's walk 37, the learner's player:

- « ? » did nothing and no screen listed the player's keys (only some tooltips hinted at them). « ? » (with the
  focus in the player or on the page, not in a text field) and a small « Raccourcis clavier » button open a modal
  dialog listing them, made from the table the keys use; Escape or « Fermer » closes it, the focus goes back.
- Coming back to a capsule, the video was placed at the resume point and only the live region said « Reprise à
  0:03 »: a visible note now says it over the video's top edge, with « Recommencer au début »; gone a few
  seconds into playing. No note from the start, nor for a #t= link.
- « Économiser les données » said « rien de chargé » though the poster and the playlist are loaded: « aucune
  vidéo chargée »."""

from __future__ import annotations

import pytest

from capsules import models
from tests import factories
from tests.browser import test_player as base
from tests.browser.test_player import accessibility_violations, leave, log_in, open_capsule, video

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIALOG = "dialog.gp-keys"
AT = "document.querySelector('video.gp-video').currentTime"


def _errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def _open(ctx, live_server, published, username, position=None, suffix=""):
    learner = factories.learner(username=username)
    if position is not None:
        models.Progress.objects.create(user=learner, capsule=published["capsule"], position=position,
                                       watched=[[0, position]])
    log_in(ctx, live_server, learner)
    page = ctx.new_page()
    errors = _errors(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}{suffix}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    return page, errors


def _is_open(page) -> bool:
    return page.evaluate(f"!!document.querySelector('{DIALOG}')?.open")


@pytest.mark.timeout(180)
def test_question_mark_opens_the_list_of_the_players_keys(live_server, browser, published):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page, errors = _open(ctx, live_server, published, "lea-keys")
    # The focus on the seek bar (a slider, which keeps its own keys): « ? » as Shift+/ opens the list.
    page.focus(".gp-seek")
    page.keyboard.press("Shift+Slash")
    assert _is_open(page)
    dialog = page.get_by_role("dialog", name="Raccourcis clavier")
    assert dialog.is_visible()
    assert page.evaluate("document.activeElement.matches('dialog.gp-keys h2')")
    keys = page.locator(f"{DIALOG} dt").all_inner_texts()
    does = page.locator(f"{DIALOG} dd").all_inner_texts()
    for key in ("Espace / K", "←", "→", "Début", "Fin", "P", "N", ",", ".", "M", "F", "?"):
        assert key in keys, keys
    assert does[keys.index("N")] == "Étape suivante"
    assert does[keys.index("F")] == "Plein écran / quitter le plein écran"  # walk 45
    assert does[keys.index(",")].startswith("Image précédente")
    text = dialog.inner_text()
    for english in ("Space", "Home", "Play", "Close", "Shift", "Keyboard"):
        assert english not in text, text
    assert accessibility_violations(page) == []
    if base.SCREENSHOTS:
        page.screenshot(path=f"{base.SCREENSHOTS}/keys-dialog-desk.png")
    # The video behind does not move while the list is open (its keys are the player's only).
    before = video(page, "v.currentTime")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("n")
    page.wait_for_timeout(300)
    assert video(page, "v.currentTime") == before
    # Escape closes it; the focus is back on the seek bar.
    page.keyboard.press("Escape")
    assert not _is_open(page)
    assert page.evaluate("document.activeElement.matches('.gp-seek')")

    # On the page's body: « ? » as Chromium reports the key; « Fermer » closes, the focus back in the player.
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("?")
    assert _is_open(page)
    page.get_by_role("button", name="Fermer").click()
    assert not _is_open(page)
    assert page.evaluate("document.querySelector('[data-geste-player]').contains(document.activeElement)")

    # Typed in a text field (the transcript's search), « ? » is text.
    search = page.locator(".gt-search")
    search.focus()
    page.keyboard.type("joint ?")
    assert not _is_open(page)
    assert search.input_value() == "joint ?"

    # The button, for a mouse or a finger; the focus goes back to it.
    page.get_by_role("button", name="Raccourcis clavier").click()
    assert _is_open(page)
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.matches('.gp-keys-open')")
    leave(page)
    ctx.close()
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_keys_button_fits_a_phone_and_the_list_too(live_server, phone_context, published):
    page, errors = _open(phone_context, live_server, published, "lea-keys-phone")
    button = page.get_by_role("button", name="Raccourcis clavier")
    assert button.is_visible()
    box = button.bounding_box()
    assert box["height"] <= 48 and box["x"] + box["width"] <= 360, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    button.tap()
    assert _is_open(page)
    rect = page.evaluate(f"(() => {{ const r = document.querySelector('{DIALOG}').getBoundingClientRect(); "
                         "return [r.left, r.right]; })()")
    assert rect[0] >= 0 and rect[1] <= 360, rect
    if base.SCREENSHOTS:
        page.screenshot(path=f"{base.SCREENSHOTS}/keys-dialog-phone.png")
    page.get_by_role("button", name="Fermer").tap()
    assert not _is_open(page)
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_a_silent_capsules_list_has_no_sound_key(live_server, browser, published):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page, errors = _open(ctx, live_server, published, "lea-keys-silent")
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.m.audio = false")
    page.keyboard.press("?")
    assert _is_open(page)
    assert "M" not in page.locator(f"{DIALOG} dt").all_inner_texts()
    leave(page)
    ctx.close()
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_resume_is_said_on_screen_with_a_way_back_to_the_start(live_server, phone_context, published):
    page, errors = _open(phone_context, live_server, published, "lea-resume", position=3.6)
    note = page.locator(".gp-resume-note")
    assert note.is_visible()
    assert note.inner_text().startswith("Reprise à 0:03")
    if base.SCREENSHOTS:
        page.screenshot(path=f"{base.SCREENSHOTS}/resume-note-phone.png")
    assert abs(video(page, "v.currentTime") - 3.6) < 0.2
    page.get_by_role("button", name="Recommencer au début").tap()
    page.wait_for_function(f"{AT} < 0.05 && !document.querySelector('video.gp-video').seeking", timeout=5000)
    assert page.locator(".gp-resume-note").count() == 0
    assert page.evaluate("document.activeElement.matches('.gp-play')")
    assert page.locator(".gp-time").inner_text().startswith("0:00")
    leave(page)
    # Back from the start (the position saved at 0:00): no note. Nor for a link to a time (it says « Lecture à
    # partir de … »), whatever the position saved.
    models.Progress.objects.filter(capsule=published["capsule"], user__username="lea-resume").update(position=0)
    page = phone_context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    page.wait_for_timeout(500)
    assert page.locator(".gp-resume-note").count() == 0
    models.Progress.objects.filter(capsule=published["capsule"], user__username="lea-resume").update(position=3.6)
    page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('geste:pos'))"
                  ".forEach((k) => localStorage.removeItem(k))")
    page.goto(f"{live_server.url}{published['page'].url}#t=2")
    page.reload()
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    page.wait_for_function("document.querySelector('[data-geste-player]').dataset.linked", timeout=15000)
    page.wait_for_timeout(500)
    assert page.locator(".gp-resume-note").count() == 0
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_resume_note_goes_a_few_seconds_into_playing(live_server, phone_context, published):
    page, errors = _open(phone_context, live_server, published, "lea-resume-play", position=1.5)
    note = page.locator(".gp-resume-note")
    assert note.is_visible() and note.inner_text().startswith("Reprise à 0:01")
    page.click(".gp-play")
    page.wait_for_function("!document.querySelector('video.gp-video').paused", timeout=10000)
    page.wait_for_timeout(1000)
    assert note.is_visible()  # not gone at the first frame: the learner has time to read it
    note.wait_for(state="detached", timeout=8000)
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(120)
def test_the_data_saver_label_says_what_is_loaded(live_server, phone_context, published):
    page, errors = _open(phone_context, live_server, published, "lea-saver")
    label = page.locator("label.gp-datasaver").inner_text()
    assert "aucune vidéo chargée avant «\u00a0Lecture\u00a0»" in label, label
    assert "rien de chargé" not in label
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_list_and_the_resume_note_in_english(live_server, browser, published):
    ctx = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    page, errors = _open(ctx, live_server, published, "lea-keys-en", position=3.6)
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator(".gp-resume-note").inner_text().startswith("Resuming at 0:03")
    assert page.get_by_role("button", name="Start from the beginning").is_visible()
    assert "no video loaded before “Play”" in page.locator("label.gp-datasaver").inner_text()
    page.get_by_role("button", name="Keyboard shortcuts").click()
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    assert dialog.is_visible()
    keys = page.locator(f"{DIALOG} dt").all_inner_texts()
    does = page.locator(f"{DIALOG} dd").all_inner_texts()
    assert does[keys.index("Space / K")] == "Play / pause"
    assert does[keys.index("Home")] == "Go to the start of the capsule"
    assert does[keys.index("F")] == "Full screen / exit full screen"
    text = dialog.inner_text()
    for french in ("Espace", "Début", "Étape", "Fermer", "Maj", "seconde"):
        assert french not in text, text
    page.get_by_role("button", name="Close").click()
    leave(page)
    ctx.close()
    assert not errors, errors
