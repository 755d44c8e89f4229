"""First users' walk 36, the learner's player:

- Data saving on (hls.js, no segment before « Lecture »): the resume point showed only after « Lecture » (the
  clock and the seek bar read 0:00, then jumped to it). It shows as the page opens, still with no segment
  fetched, and the first play starts there.
- Home / End acted only with the focus on the seek bar; they now act with the focus anywhere in the player
  (the video area, its buttons), as ← / → do, and stay the page's (or a field's) elsewhere.
- On a 360x740 phone, after « Continuer » under an answered question, the video played on partly scrolled
  off the screen: it is brought back whole (instantly under reduced motion)."""

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

PLAYER = "[data-geste-player]"


def _errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.timeout(180)
def test_data_saver_shows_the_resume_point_before_play(live_server, phone_context, published):
    learner = factories.learner(username="dora-saver")
    models.Progress.objects.create(user=learner, capsule=published["capsule"], position=3.6, watched=[[0, 3.6]])
    phone_context.add_init_script("try { localStorage.setItem('geste:datasaver', '1'); } catch (e) {}")
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    errors = _errors(page)
    segments: list[str] = []
    page.on("request", lambda r: segments.append(r.url) if r.url.endswith(".ts") else None)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    assert page.locator(PLAYER).get_attribute("data-source") == "hls.js"
    page.wait_for_function(f"document.querySelector('{PLAYER}').gestePlayer.source.hls.levels.length > 0",
                           timeout=15000)
    page.wait_for_timeout(1200)
    # Before « Lecture »: the resume point on the clock and the seek bar, no segment fetched.
    assert page.locator(".gp-time").inner_text().startswith("0:03")
    assert abs(float(page.locator(".gp-seek").input_value()) - 3.6) < 0.11
    assert page.locator(".gp-seek").get_attribute("aria-valuetext") == "0:03"
    assert segments == []
    # « Lecture »: plays from there, never back through 0:00.
    page.evaluate("""() => { window.seen = []; const v = document.querySelector('video.gp-video');
        v.addEventListener('timeupdate', () => window.seen.push(v.currentTime));
        new MutationObserver(() => window.seen.push(document.querySelector('.gp-time').textContent))
          .observe(document.querySelector('.gp-time'), {childList: true, characterData: true, subtree: true}); }""")
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 4.2", timeout=15000)
    seen = page.evaluate("window.seen")
    assert segments
    assert all(x >= 3.5 for x in seen if isinstance(x, float | int)), seen
    assert not any(str(x).startswith(("0:00", "0:01", "0:02")) for x in seen if isinstance(x, str)), seen
    leave(page)
    assert not errors, errors


def _desk(browser, live_server, username):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    log_in(ctx, live_server, factories.learner(username=username))
    page = ctx.new_page()
    errors = _errors(page)
    return ctx, page, errors


@pytest.mark.timeout(180)
def test_home_and_end_anywhere_in_the_player(live_server, browser, published):
    published["q1"].delete()
    published["q2"].delete()
    ctx, page, errors = _desk(browser, live_server, "hugo-home")
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    end = page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.m.end")
    at = "document.querySelector('video.gp-video').currentTime"

    def settled(cond: str) -> None:
        page.wait_for_function(f"!document.querySelector('video.gp-video').seeking && {cond}", timeout=5000)

    # A button of the player (« Boucler l'étape », « Étape suivante »…): End goes to the end and shows the end
    # screen, its title focused as at a natural end (walk 48); Home goes to the start, the focus staying put.
    for button in (".gp-loop", ".gp-step-fwd", ".gp-mute"):
        video(page, "(v.currentTime = 6)")
        settled(f"Math.abs({at} - 6) < 0.01")
        page.focus(button)
        page.keyboard.press("End")
        settled(f"{at} > {end} - 0.2")
        page.wait_for_function("!document.querySelector('.gp-end').hidden", timeout=5000)
        assert page.evaluate("document.activeElement.matches('.gp-end h2')")
        page.focus(button)
        page.keyboard.press("Home")
        settled(f"{at} < 0.05")
        assert page.evaluate(f"document.activeElement.matches('{button}')")

    # The video area: a click there focuses the player, End and Home act.
    video(page, "(v.currentTime = 6)")
    settled(f"Math.abs({at} - 6) < 0.01")
    page.click("video.gp-video")  # plays
    page.wait_for_function("!document.querySelector('video.gp-video').paused", timeout=5000)
    video(page, "v.pause()")
    assert page.evaluate(f"document.querySelector('{PLAYER}').contains(document.activeElement)")
    page.keyboard.press("End")
    settled(f"{at} > {end} - 0.2")
    page.keyboard.press("Home")
    settled(f"{at} < 0.05")

    # The speed menu (a select) keeps its own Home / End; the page's body and the site's search keep theirs.
    video(page, "(v.currentTime = 6)")
    settled(f"Math.abs({at} - 6) < 0.01")
    page.focus(".gp-speed")
    page.keyboard.press("End")
    page.wait_for_timeout(300)
    assert abs(video(page, "v.currentTime") - 6) < 0.01
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("End")
    page.wait_for_timeout(300)
    assert abs(video(page, "v.currentTime") - 6) < 0.01
    assert page.evaluate("scrollY") > 0  # the page scrolled, as End does
    search = page.locator("input[type=search], input[name=q]").first
    search.focus()
    page.keyboard.type("joint")
    page.keyboard.press("Home")
    page.keyboard.type("le ")
    assert search.input_value() == "le joint"
    assert abs(video(page, "v.currentTime") - 6) < 0.01
    leave(page)
    ctx.close()
    assert not errors, errors


RECT = ("(() => { const r = document.querySelector('video.gp-video').getBoundingClientRect();"
        " return [r.top, r.bottom, innerHeight]; })()")


@pytest.mark.timeout(180)
@pytest.mark.parametrize("how, motion", [("continuer", "no-preference"), ("step bar", "no-preference"),
                                         ("step bar", "reduce")])
def test_the_video_comes_back_into_view_after_a_question_on_a_phone(live_server, phone_context, published, how,
                                                                    motion):
    """Answered wrong, the learner reads the feedback and scrolls on (the card, the step list under it): the
    video is partly above the screen. « Continuer », or a step of the step bar (the question closes, the video
    plays from that step), brings the video back whole: smooth, or at once under reduced motion."""
    phone_context.add_init_script("try { localStorage.setItem('geste:engine', 'mp4'); } catch (e) {}")
    log_in(phone_context, live_server, factories.learner(username=f"pia-{how.replace(' ', '')}-{motion}"))
    page = phone_context.new_page()
    page.emulate_media(reduced_motion=motion)
    errors = _errors(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    video(page, "(v.muted = true)")
    q1 = published["q1"]
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.seek({q1.time - 0.6})")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=15000)
    page.get_by_label("Serrer l'écrou au maximum", exact=True).check()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-feedback .gq-continue")
    page.evaluate("window.scrollBy(0, 160)")
    page.wait_for_timeout(300)
    top, bottom, h = page.evaluate(RECT)
    assert top < 0, (top, bottom, h)  # the video partly off the screen while answering
    if how == "continuer":
        page.locator(".gq-continue").tap()
    else:
        step = page.locator(".gp-mark-step").first
        step.scroll_into_view_if_needed()
        assert page.evaluate(RECT)[0] < 0
        step.tap()
    page.wait_for_selector(".gp-question", state="hidden")
    page.wait_for_function("!document.querySelector('video.gp-video').paused", timeout=5000)
    if motion == "reduce":
        top, bottom, h = page.evaluate(RECT)  # at once
    else:
        page.wait_for_function(f"(() => {{ const [t, b, h] = {RECT}; return t >= -1 && b <= h + 1; }})()",
                               timeout=3000)
        top, bottom, h = page.evaluate(RECT)
    assert top >= -1 and bottom <= h + 1, (top, bottom, h)
    leave(page)
    assert not errors, errors
