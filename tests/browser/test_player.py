"""The learner scenario on a 360-px phone, in Debian's Chromium against the running site:
play a capsule, be paused by a question, fail to seek past it, answer wrong then right, resume
after a reload, loop a step, download for offline, play and answer offline, sync back online."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files import File
from django.core.files.storage import default_storage
from django.test import Client

from capsules.models import Attempt, LearnerEvent, Progress, Step
from tests import factories
from tests.browser.learner_capsule import build_media, publish_capsule
from tests.browser.shots import shot
from tests.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("GESTE_SCREENSHOTS")  # a folder: keep screenshots for a human look
FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


@pytest.fixture(scope="session")
def built_player():
    """The built player; built here when node_modules is present (CI runs `npm ci` first)."""
    dist = FRONTEND / "dist"
    if not (dist / "geste/player.js").exists() and (FRONTEND / "node_modules").exists():
        subprocess.run(["npm", "run", "build"], cwd=FRONTEND, check=True, capture_output=True)
    if not finders.find("geste/player.js") and (dist / "geste/player.js").exists():
        # Built after the settings were read: STATICFILES_DIRS only lists dist/ when it existed then.
        from django.conf import settings
        from django.contrib.staticfiles.finders import get_finder

        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, dist]
        get_finder.cache_clear()
    if not finders.find("geste/player.js"):
        pytest.fail("frontend/dist missing: run `npm ci && npm run build` in frontend/ first")


@pytest.fixture(scope="session")
def capsule_media(tmp_path_factory):
    return build_media(tmp_path_factory.mktemp("capsule-media"))


@pytest.fixture
def published(capsule_media, storage_root, built_player):
    return publish_capsule(capsule_media, storage_root)


def log_in(context, live_server, user) -> None:
    """A real session cookie for the learner (learners have no admin access to log in through)."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def video(page, expr: str):
    return page.evaluate(
        f"(() => {{ const v = document.querySelector('video.gp-video'); return {expr}; }})()"
    )


AXE = FRONTEND / "node_modules/axe-core/axe.min.js"


def accessibility_violations(page) -> list[str]:
    """WCAG 2 A/AA violations found by axe-core (a dev dependency of frontend/), colour contrast included."""
    assert AXE.exists(), "axe-core missing: run `npm ci` in frontend/"
    if not page.evaluate("!!window.axe"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
        .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""")
    return found


def leave(page) -> None:
    """Leave the page and wait until the requests it sent to the learner API while leaving (the
    progress posted on pagehide) are answered, so that none is still writing when the test's
    database is flushed. The pagehide post is best effort (keepalive): a browser may drop it, for
    instance behind a service worker; then there is nothing to wait for."""
    pending: dict[object, str] = {}
    context = page.context

    def started(request):
        if "/api/learner/" in request.url and request.method == "POST":
            pending[request] = request.url

    def ended(request):
        pending.pop(request, None)

    context.on("request", started)
    context.on("requestfinished", ended)
    context.on("requestfailed", ended)
    try:
        page.goto("about:blank")
        deadline = time.monotonic() + 15
        while pending and time.monotonic() < deadline:
            page.wait_for_timeout(50)  # lets Playwright deliver the finished events (not a fixed wait)
        assert not pending, f"learner requests still running after leaving: {sorted(pending.values())}"
    finally:
        context.remove_listener("request", started)
        context.remove_listener("requestfinished", ended)
        context.remove_listener("requestfailed", ended)
    page.close()


def seek_refused(page, action: str) -> float:
    """Run ``action`` (a seek attempt) and return where the video settles once the player answered it:
    the refusal is announced in the live region and no seek is pending any more."""
    page.evaluate("document.getElementById('gp-live').textContent = ''")
    page.evaluate(action) if action.startswith("document") else page.keyboard.press(action)
    page.wait_for_function(
        """() => !document.querySelector('video.gp-video').seeking &&
                 document.getElementById('gp-live').textContent.includes("Répondez d'abord")""", timeout=5000)
    return video(page, "v.currentTime")


def settled_after_seek(page, before: float) -> float:
    """Wait for a seek started by the page to land (time moved, no seek pending); the new time."""
    page.wait_for_function(
        "b => { const v = document.querySelector('video.gp-video'); return !v.seeking && v.currentTime !== b; }",
        arg=before, timeout=5000)
    return video(page, "v.currentTime")


def open_capsule(page, url):
    page.goto(url)
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)


@pytest.mark.timeout(240)
def test_phone_learner_scenario(live_server, phone_context, published):
    capsule, q1, q2 = published["capsule"], published["q1"], published["q2"]
    user = factories.learner()
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = f"{live_server.url}{published['page'].url}"
    open_capsule(page, url)

    # The page fits a 360-px phone and carries no answer.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    html = page.content()
    assert "answer_key" not in html and "C'est la première précaution." not in html
    assert page.locator(".gp-steps > ol > li").count() == 3 and page.locator(".gt-w").count() > 5
    player = page.locator("[data-geste-player]")
    assert player.get_attribute("data-source") in {"native-hls", "hls.js"}
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/capsule-phone.png", full_page=True)
    assert accessibility_violations(page) == []

    # Play: the mandatory question pauses the video at 5 s.
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=20000)
    assert video(page, "v.paused") is True
    assert 4.9 <= video(page, "v.currentTime") <= 5.8
    page.wait_for_function(
        "document.getElementById('gp-live').textContent.includes('Question')", timeout=3000
    )

    # Seeking past the unanswered mandatory question is refused (keyboard on the progress bar).
    page.focus(".gp-seek")
    assert seek_refused(page, "End") <= 5.3
    # As native controls would:
    assert seek_refused(page, "document.querySelector('video.gp-video').currentTime = 9") <= 5.3

    # Wrong; replay the step (the question comes back at its time), then right.
    # Choices carry opaque per-learner ids (issue 11): pick them by their text.
    page.locator(".gp-question label.gq-choice", has_text="Serrer l'écrou au maximum").locator("input").check()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-wrong")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/question-wrong.png")
    assert "Revoyez le début de l'étape." in page.inner_text(".gp-question")
    assert page.locator(".gq-retry").is_visible()
    assert accessibility_violations(page) == []
    # The focus on the feedback, then « Revoir l'étape » among its buttons (walk 25: it was on the button).
    assert page.evaluate("document.activeElement.classList.contains('gq-feedback')")
    page.click(".gq-replay")
    page.wait_for_function("!document.querySelector('video.gp-video').paused", timeout=5000)
    assert 3.9 <= video(page, "v.currentTime") <= 4.6
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=10000)
    assert 4.9 <= video(page, "v.currentTime") <= 5.8
    page.locator(".gp-question label.gq-choice", has_text="Couper l'arrivée d'eau").locator("input").check()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-right")
    assert "C'est la première précaution." in page.inner_text(".gp-question")
    page.click(".gq-continue")
    page.wait_for_function("!document.querySelector('video.gp-video').paused", timeout=5000)
    assert list(
        Attempt.objects.filter(user=user, interaction=q1).order_by("pk").values_list("correct", flat=True)
    ) == [False, True]

    # Play on to ~7 s, pause (progress saved), reload: resumes there, the question is not asked again.
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 6.5", timeout=10000)
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').paused")
    paused_at = video(page, "v.currentTime")
    saved = wait_for(  # the pause sends the progress: wait for it to be stored
        lambda: Progress.objects.filter(user=user, capsule=capsule, position__gte=paused_at - 0.5,
                                        position__lte=paused_at + 0.5).exclude(watched=[]).first(),
        timeout=10, interval=0.1, message=f"progress saved at {paused_at:.2f} s")
    assert saved.position == pytest.approx(paused_at, abs=0.5) and saved.watched
    page.reload()
    page.wait_for_selector("[data-geste-player][data-resumed]", timeout=15000)
    assert float(player.get_attribute("data-resumed")) == pytest.approx(paused_at, abs=0.6)
    assert video(page, "v.currentTime") == pytest.approx(paused_at, abs=0.6)

    # Captions preference survives the reload; speed, frame step, transcript click and search work.
    page.select_option(".gp-captions", "en")
    assert page.evaluate(  # cues load and fire; the player draws them itself (readable on a phone)
        "[...document.querySelector('video.gp-video').textTracks]"
        ".filter(t => t.mode !== 'disabled' && t.kind !== 'chapters').map(t => t.kind + ':' + t.language)"
    ) == ["captions:en"]
    assert player.get_attribute("data-captions") == "en"
    page.select_option(".gp-speed", "0.25")
    assert video(page, "v.playbackRate") == 0.25
    page.select_option(".gp-speed", "1")
    before = video(page, "v.currentTime")
    page.click(".gp-frame-fwd")
    assert settled_after_seek(page, before) == pytest.approx(before + 0.04, abs=0.015) and video(page, "v.paused")
    assert page.locator(".gp-mark-kp").count() == 1 and page.locator(".gp-mark-step").count() == 3
    page.fill(".gt-search", "écrou")
    page.wait_for_selector("text=1 passage trouvé")
    assert page.locator(".gt-body p:visible").count() == 1  # the search filters the transcript
    before = video(page, "v.currentTime")
    page.click(".gt-w:text-is('Dévissez')")
    assert settled_after_seek(page, before) == pytest.approx(4.2, abs=0.1)
    assert page.locator(".gt-now").inner_text() == "Dévissez"
    page.reload()
    page.wait_for_selector("[data-geste-player][data-resumed]", timeout=15000)
    assert page.input_value(".gp-captions") == "en"
    page.select_option(".gp-captions", "fr")

    # Loop the current step (4-8 s): it plays again from its start instead of going on.
    page.click(".gp-loop")
    assert page.get_attribute(".gp-loop", "aria-pressed") == "true"
    assert player.get_attribute("data-loop") == str(published["steps"][1].pk)
    page.click(".gp-play")
    page.wait_for_selector("[data-loops='1']", timeout=10000)
    assert 3.9 <= video(page, "v.currentTime") <= 8.1
    page.click(".gp-loop")
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').paused")
    assert page.get_attribute(".gp-loop", "aria-pressed") == "false"

    # Download for offline, then lose the connection and reload: the page and the low-rung MP4 come
    # from the service worker's cache.
    assert page.locator(".gp-offline-remove").is_hidden()
    page.click(".gp-offline")
    page.wait_for_selector("text=Disponible hors ligne ✓", timeout=30000)
    phone_context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    assert page.evaluate("navigator.onLine") is False
    assert player.get_attribute("data-source") == "mp4"
    assert page.evaluate("!!navigator.serviceWorker.controller")

    # Offline: play the last step, answer its question; the answer is queued.
    page.click(".gp-steps > ol > li:nth-child(3) .gp-step")
    page.wait_for_selector(f"[data-asking='{q2.pk}']", timeout=15000)
    page.check(".gp-question input[value='true']")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-queued")
    assert not Attempt.objects.filter(user=user, interaction=q2).exists()
    page.click(".gq-continue")

    # Back online: the queue is sent, graded, counted once.
    phone_context.set_offline(False)
    page.wait_for_selector("text=1 réponse hors ligne envoyée : 1 juste.", timeout=15000)
    attempt = Attempt.objects.get(user=user, interaction=q2)
    assert attempt.correct is True
    # A second flush sends nothing again: wait for it to finish (the player marks every sync on its
    # root, even an empty one), then count.
    synced_before = player.get_attribute("data-synced")
    synced = page.evaluate("""() => new Promise((resolve) => {
        const root = document.querySelector('[data-geste-player]');
        new MutationObserver((_, obs) => { obs.disconnect(); resolve(root.dataset.synced); })
            .observe(root, { attributes: true, attributeFilter: ['data-synced'] });
        window.dispatchEvent(new Event('online'));
    })""")
    assert synced == synced_before  # the count of sent items did not grow
    assert Attempt.objects.filter(user=user, interaction=q2).count() == 1
    assert {"initialized", "played", "paused", "seeked", "answered"} <= set(
        LearnerEvent.objects.filter(user=user).values_list("verb", flat=True)
    )
    # The offline copy can be removed.
    page.click(".gp-offline-remove")
    page.wait_for_selector(".gp-offline-remove", state="hidden")
    assert not any(k.startswith("geste-capsule-") for k in page.evaluate("caches.keys()"))
    assert page.locator(".gp-offline-remove").is_hidden()
    if SCREENSHOTS:
        for name, target in [
            ("block", published["page"].get_parent()),
            ("home", published["page"].get_parent().get_parent().get_parent()),
        ]:
            page.goto(f"{live_server.url}{target.url}")
            page.screenshot(path=f"{SCREENSHOTS}/{name}-phone.png", full_page=True)
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(120)
def test_slow_connection_starts_on_the_low_rung_with_hlsjs(live_server, phone_context, published):
    """hls.js (forced, as on a browser without native HLS) with data saving on: level 0 first."""
    phone_context.add_init_script(
        "localStorage.setItem('geste:engine', 'hlsjs');localStorage.setItem('geste:datasaver', '1');"
    )
    page = phone_context.new_page()
    hls_chunks = []
    page.on("request", lambda r: hls_chunks.append(r.url) if "/chunks/hls" in r.url else None)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    player = page.locator("[data-geste-player]")
    assert player.get_attribute("data-source") == "hls.js" and hls_chunks
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 1.5", timeout=15000)
    level = page.evaluate(
        "document.querySelector('[data-geste-player]').gestePlayer.source.hls.levels"
        "[document.querySelector('[data-geste-player]').gestePlayer.source.hls.currentLevel].height"
    )
    assert level == 180
    # Anonymous visitor: the question is asked (answers kept in the session), with a sign-up link.
    page.wait_for_selector("[data-asking]", timeout=15000)
    assert page.locator(".gp-question .gq-submit").is_visible()
    assert page.locator(".gp-question a", has_text="Créer un compte").is_visible()
    leave(page)


@pytest.mark.timeout(120)
def test_slow_connection_fetches_no_segment_before_play_with_hlsjs(live_server, phone_context, published):
    """Data saving on, hls.js (the default since stop 35 wherever Media Source Extensions exist): the playlists
    only until « Lecture », as the MP4's preload="metadata" did; hls.js alone had buffered 12 s of video at once."""
    phone_context.add_init_script("localStorage.setItem('geste:datasaver', '1');")
    page = phone_context.new_page()
    segments = []
    page.on("request", lambda r: segments.append(r.url) if r.url.endswith(".ts") else None)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    assert page.locator("[data-geste-player]").get_attribute("data-source") == "hls.js"
    page.wait_for_function("document.querySelector('[data-geste-player]').gestePlayer.source.hls.levels.length > 0",
                           timeout=15000)
    page.wait_for_timeout(1500)
    assert segments == []
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 1.0", timeout=15000)
    assert segments  # and the first play started the loading
    # Never more than 12 s ahead here, 30 s on a good connection (hls.js alone: up to 60 MB, a whole capsule).
    assert page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.source.hls.config"
                         ".maxMaxBufferLength") == 12
    leave(page)


def to_bucket(local: Path) -> int:
    count = 0
    for path in sorted(p for p in local.rglob("*") if p.is_file()):
        key = path.relative_to(local).as_posix()
        with path.open("rb") as fh:
            assert default_storage.save(key, File(fh)) == key
        count += 1
    return count


@pytest.mark.s3
@pytest.mark.timeout(180)
def test_hls_plays_from_s3_through_the_permission_check(live_server, phone_context, capsule_media, built_player,
                                                       s3_storage, settings, tmp_path):
    """Media in a real S3 server (SeaweedFS): hls.js loads the playlists from the web and follows its
    redirects to presigned S3 URLs for the segments (cross-origin, under the bucket's CORS rule and the
    page's Content-Security-Policy); the video plays; captions come through the same permission check."""
    local = tmp_path / "local-copy"
    published = publish_capsule(capsule_media, local)
    assert to_bucket(local) > 5
    # The page's policy lets media come from the bucket's origin (GESTE_S3_ENDPOINT_URL does it in
    # production settings; this process read its settings before the bucket existed).
    directives = dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
    for name in ("media-src", "connect-src", "img-src"):
        directives[name] = [*directives[name], s3_storage.endpoint]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives}

    phone_context.add_init_script("localStorage.setItem('geste:engine', 'hlsjs');")
    page = phone_context.new_page()
    from_s3: list[tuple[str, int]] = []
    refused: list[str] = []
    page.on("response", lambda r: from_s3.append((r.url.split("?")[0], r.status))
            if r.url.startswith(s3_storage.endpoint) else None)
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    assert page.locator("[data-geste-player]").get_attribute("data-source") == "hls.js"
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 1.5", timeout=20000)
    segments = [(url, status) for url, status in from_s3 if url.endswith(".ts") or ".m4s" in url]
    assert segments and all(status in (200, 206) for _, status in segments), from_s3
    assert all(f"/{s3_storage.location}/footage/" in url for url, _ in from_s3)
    # Captions were read through the web (a <track> may not follow a redirect to another origin).
    cues = page.evaluate("Array.from(document.querySelector('video.gp-video').textTracks)"
                         ".map(t => t.cues ? t.cues.length : 0)")
    assert any(cues), cues
    assert not refused, refused
    leave(page)


@pytest.mark.timeout(120)
def test_time_counter_never_reads_past_the_capsule_duration(live_server, context, published):
    """A first user saw "0:37 / 0:36": the video's own clock ran past the capsule's end (the media is a
    little longer than the capsule, or native controls moved it), and the counter printed it as is.
    The elapsed time is clamped to the capsule and both sides round the same way."""
    from capsules.models import Capsule

    Capsule.objects.filter(pk=published["capsule"].pk).update(end=10.9)  # the media goes on to 12 s
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    assert page.inner_text(".gp-time") == "0:00 / 0:10"
    # The video's clock past the capsule's end, as native controls or a late timeupdate would leave it.
    page.evaluate("document.querySelector('video.gp-video').currentTime = 11.6")
    page.wait_for_function("""() => { const v = document.querySelector('video.gp-video');
        return !v.seeking && v.currentTime > 11.5
            && !document.querySelector('.gp-time').textContent.startsWith('0:00'); }""",
                           timeout=10000)
    assert page.inner_text(".gp-time") == "0:10 / 0:10"
    assert page.get_attribute(".gp-seek", "aria-valuetext") == "0:10"
    leave(page)


@pytest.mark.timeout(180)
def test_one_clock_for_step_list_counter_transcript_links_and_resume(live_server, context, published):
    """Walk defect: the same moment read 0:05 in one place and 0:06 in another. A capsule cut at 2.2 s of
    its footage, a step and a sentence at 8.2 s: 8.2 - 2.2 is 5.999999999999999 in floating point, which
    the counter floored to 0:05 while the step is six seconds in. Every place now says 0:06, and a
    position 5.97 s in reads 0:05 everywhere, before and after a reload (resume)."""
    from capsules.models import Capsule

    capsule, steps = published["capsule"], published["steps"]
    published["q1"].delete()
    published["q2"].delete()
    Capsule.objects.filter(pk=capsule.pk).update(start=2.2, end=12.0)
    Step.objects.filter(pk=steps[0].pk).update(start=2.2)
    Step.objects.filter(pk=steps[1].pk).update(end=8.2)
    Step.objects.filter(pk=steps[2].pk).update(start=8.2)
    user = factories.learner()
    log_in(context, live_server, user)
    page = context.new_page()
    url = f"{live_server.url}{published['page'].url}"
    open_capsule(page, url)
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    assert page.inner_text(".gp-steps > ol > li:nth-child(3) .gp-step-time") == "0:06"
    assert "0:06" in page.eval_on_selector_all(".gt-time", "els => els.map(e => e.textContent)")

    def shown() -> tuple[str, str]:
        page.wait_for_function("!document.querySelector('video.gp-video').seeking")
        page.wait_for_timeout(300)  # the next timeupdate has drawn the counter
        return page.inner_text(".gp-time").split(" / ")[0], page.get_attribute(".gp-seek", "aria-valuetext")

    page.click(".gp-steps > ol > li:nth-child(3) .gp-step")
    page.evaluate("document.querySelector('video.gp-video').pause()")
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.seek(8.2)")
    assert shown() == ("0:06", "0:06")
    page.focus(".gp-play")
    page.keyboard.press("p")  # back to the previous step, then forward: announced with the same clock
    page.wait_for_function("document.getElementById('gp-live').textContent.endsWith(', 0:01')")
    page.keyboard.press("n")
    page.wait_for_function("document.getElementById('gp-live').textContent.startsWith('Étape')"
                           " && !document.getElementById('gp-live').textContent.endsWith(', 0:01')")
    assert page.inner_text("#gp-live").endswith(", 0:06")

    # 5.97 s in: 0:05 on the counter, kept as is and said the same after a reload.
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.seek(8.17)")
    assert shown() == ("0:05", "0:05")
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.save()")
    wait_for(lambda: Progress.objects.filter(user=user, capsule=capsule, position__gt=8).exists(), timeout=10)
    page.reload()
    page.wait_for_selector("[data-geste-player][data-resumed]", timeout=15000)
    assert float(page.get_attribute("[data-geste-player]", "data-resumed")) == pytest.approx(8.17, abs=0.001)
    assert shown() == ("0:05", "0:05")
    page.wait_for_function("document.getElementById('gp-live').textContent.startsWith('Reprise')")
    assert page.inner_text("#gp-live") == "Reprise à 0:05"

    # A link to six seconds in (as the catalogue search makes) opens at 0:06 and says so.
    page.goto("about:blank")
    page.goto(f"{url}#t=6")
    page.wait_for_selector("[data-geste-player][data-linked]", timeout=15000)
    assert shown() == ("0:06", "0:06")
    page.wait_for_function("document.getElementById('gp-live').textContent.startsWith('Lecture')")
    assert page.inner_text("#gp-live") == "Lecture à partir de 0:06"
    leave(page)


@pytest.mark.timeout(120)
def test_progress_bar_arrow_keys_move_five_seconds(live_server, context, published):
    """Walk defect (keyboard only): an arrow key on the progress bar moved 0.1 s (the bar's drag step),
    so ten presses changed nothing the learner could see. Now 5 s (Shift: 1 s), like the player's keys."""
    published["q1"].delete()
    published["q2"].delete()
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    page.focus(".gp-seek")

    def press(key: str, shown: str) -> float:
        page.keyboard.press(key)
        page.wait_for_function("t => document.querySelector('.gp-seek').getAttribute('aria-valuetext') === t",
                               arg=shown, timeout=5000)
        assert page.inner_text(".gp-time").startswith(f"{shown} /")
        return video(page, "v.currentTime")

    assert press("ArrowRight", "0:05") == pytest.approx(5.0, abs=0.01)
    assert press("ArrowUp", "0:10") == pytest.approx(10.0, abs=0.01)
    assert press("Shift+ArrowLeft", "0:09") == pytest.approx(9.0, abs=0.01)
    assert press("ArrowDown", "0:04") == pytest.approx(4.0, abs=0.01)
    assert press("ArrowLeft", "0:00") == pytest.approx(0.0, abs=0.01)
    assert page.evaluate("document.activeElement.className") == "gp-seek"  # focus stays on the bar
    leave(page)


@pytest.mark.timeout(120)
def test_one_whisper_segment_of_three_sentences_gives_three_transcript_times(live_server, context, published):
    """Walk defect: Whisper returned the sentences said after silences as ONE segment; the transcript
    showed them as one paragraph with one 0:00 button, so a time or a search could only lead to 0:00.
    Each sentence now has its own paragraph, time button and search passage."""
    from capsules.models import Transcript

    published["q1"].delete()
    published["q2"].delete()
    transcript = Transcript.objects.get(footage=published["footage"], task="transcribe")
    segs = transcript.segments
    transcript.segments = [{"start": segs[0]["start"], "end": segs[-1]["end"],
                            "text": " ".join(s["text"] for s in segs),
                            "words": [w for s in segs for w in s["words"]]}]
    transcript.save()
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    assert page.locator(".gt-time").all_inner_texts() == ["0:00", "0:04", "0:08"]
    before = video(page, "v.currentTime")
    page.click(".gt-time:text-is('0:04')")
    assert settled_after_seek(page, before) == pytest.approx(4.2, abs=0.1)
    page.evaluate("document.querySelector('video.gp-video').pause()")

    page.fill(".gt-search", "serrez le joint")
    page.wait_for_selector("text=1 passage trouvé")
    assert page.locator(".gt-body p:visible").count() == 1
    assert page.locator(".gt-body p:visible .gt-time").inner_text() == "0:08"
    before = video(page, "v.currentTime")
    page.press(".gt-search", "Enter")
    assert settled_after_seek(page, before) == pytest.approx(8.2, abs=0.1)
    page.evaluate("document.querySelector('video.gp-video').pause()")
    # The video reads back 8.199999 after a seek to 8.2: the sentence's first word is still the current one.
    page.wait_for_function("document.querySelector('.gt-now')?.textContent === 'Serrez'", timeout=5000)
    leave(page)


@pytest.mark.timeout(120)
def test_a_step_without_its_picture_yet_keeps_the_step_list_aligned(live_server, phone_context, published):
    """A step split in a reopened review has no picture until the worker makes it: its title lined up
    under the others' pictures instead of beside them. A placeholder of the picture's size holds its place."""
    Step.objects.filter(pk=published["steps"][1].pk).update(keyframe="")
    page = phone_context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    lefts = page.eval_on_selector_all(".gp-steps .gp-step-title", "els => els.map(e => e.getBoundingClientRect().left)")
    assert len(lefts) == 3 and max(lefts) - min(lefts) < 1, lefts
    assert page.locator(".gp-steps li:nth-child(2) img").count() == 0
    assert page.locator(".gp-steps li:nth-child(2) .gp-step-noimg").is_visible()
    leave(page)


@pytest.mark.timeout(180)
def test_end_screen_not_yet_names_the_missing_question_and_both_scores(live_server, context, published):
    """The first-user walk: right after a retry (100 %), yet no badge. The end screen labels the score as
    after retries next to the first-try score, says the first-try minimum can no longer be met, and names
    the mandatory question still missing in another capsule (as text, never markup) with a link to it."""
    from capsules.learning.progress import record_progress
    from capsules.learning.views import submit_answer
    from capsules.models import Achievement
    from tests import pages

    capsule, q1, q2 = published["capsule"], published["q1"], published["q2"]
    Achievement.objects.create(skills_block=capsule.skills_block, name="Plomberie sanitaire", min_first_try_score=60,
                               description="Joints et siphons.", criteria_narrative="Toutes les capsules.")
    q2.delete()  # 0 of 1 right at the first try here; 1 question left elsewhere: at best 50 %, under 60 %
    other = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=capsule.skills_block, duration=20.0),
                                     title="Changer un flexible", skills_block=capsule.skills_block)
    factories.InteractionFactory(capsule=other, mandatory=True, time=6.0, prompt="<b>Quel</b> flexible choisir ?")
    other_page = pages.capsule_page(other)
    user = factories.learner()
    assert submit_answer(user, q1, {"choice": "b"}, None, None)[0].correct is False
    assert submit_answer(user, q1, {"choice": "a"}, None, None)[0].correct is True  # right on the retry
    assert not record_progress(user, capsule, position=9.0, ranges=[[0, 9.0]]).completed
    log_in(context, live_server, user)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.evaluate("document.querySelector('video.gp-video').currentTime = 9.5")
    page.wait_for_function("!document.querySelector('video.gp-video').seeking", timeout=5000)
    page.click(".gp-play")
    page.wait_for_selector(".gp-end:not([hidden]) .gp-badge--pending", timeout=30000)
    page.wait_for_selector(".gp-end .gp-scores[data-retried='1'] .gp-retried", timeout=5000)
    assert page.inner_text(".gp-end .gp-score") == "Score au premier essai\u00a0: 0\u00a0%"
    assert page.inner_text(".gp-end .gp-retried").startswith("Après nouvelles tentatives\u00a0: 1 juste sur 1.")
    box = page.locator(".gp-end .gp-badge--pending")
    assert box.get_attribute("data-final") == "1"
    box.locator(".gp-badge-detail summary").click()  # the reasons in full behind « Voir le détail » (words 28)
    assert "ne peut plus être atteint" in box.locator(".gp-badge-final").inner_text()
    question = box.locator(".gp-badge-question")
    assert question.inner_text().startswith("«\u00a0<b>Quel</b> flexible choisir ?\u00a0» — Changer un flexible, "
                                            "à 0:06\u00a0: pas encore répondue")
    assert box.locator("b").count() == 0 and "(s)" not in box.inner_text()
    assert question.locator("a").get_attribute("href") == f"{other_page.url}#t=6"  # the question, not its step
    # The link names its question (two at the same time had links of the same text, first-user walk).
    assert question.locator("a").inner_text() == \
        "Aller à la question «\u00a0<b>Quel</b> flexible choisir ?\u00a0» (0:06)"
    assert accessibility_violations(page) == []
    shot(page, "player-end-badge-not-yet")
    question.locator("a").click()
    page.wait_for_url(f"**{other_page.url}#t=6")
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_end_screen_announces_the_block_badge_this_capsule_earned(live_server, context, published):
    """The learner finishes the block's last capsule in the player: the progress sent at the end completes
    it, the server issues the block badge, and the end screen says so (French, with links to the badge
    and the block page), from the server's answer. The badge's name is shown as text, never as markup."""
    from capsules.learning.progress import record_progress
    from capsules.learning.views import submit_answer
    from capsules.models import Achievement, BadgeCredential

    capsule, q1, q2 = published["capsule"], published["q1"], published["q2"]
    Achievement.objects.create(skills_block=capsule.skills_block, name="Plomberie <b>sanitaire</b>",
                               description="Joints et siphons.", criteria_narrative="Toutes les capsules.")
    q2.delete()  # only the mandatory question, answered right before; the end of the video is left to watch
    user = factories.learner()
    submit_answer(user, q1, {"choice": "a"}, None, None)
    assert not record_progress(user, capsule, position=9.0, ranges=[[0, 9.0]]).completed  # 75 % watched
    log_in(context, live_server, user)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.evaluate("document.querySelector('video.gp-video').currentTime = 9.5")
    page.wait_for_function("!document.querySelector('video.gp-video').seeking", timeout=5000)
    page.click(".gp-play")
    page.wait_for_selector(".gp-end:not([hidden]) .gp-badge", timeout=30000)
    credential = BadgeCredential.objects.get(user=user)
    badge = page.locator(".gp-end .gp-badge")
    assert badge.inner_text().startswith("Badge obtenu\u00a0! En terminant cette capsule, vous avez obtenu le badge "
                                         "«\u00a0Plomberie <b>sanitaire</b>\u00a0» du bloc")
    assert badge.locator("b").count() == 0
    links = badge.locator("a")
    assert links.nth(0).inner_text() == "Voir mon badge"
    assert links.nth(0).get_attribute("href") == f"/reconnaissance/badges/{credential.uuid}/"
    # The block page is linked once, by the end panel's « Retour au bloc » (walk 26: the badge box linked it too).
    assert links.count() == 1
    block_links = page.locator(f'.gp-end a[href="{capsule.skills_block.page.url}"]')
    assert block_links.count() == 1 and block_links.nth(0).inner_text().startswith("Retour au bloc")
    assert "Badge obtenu" in page.inner_text("#gp-live")
    assert accessibility_violations(page) == []
    shot(page, "player-end-badge")
    # The same end again (after a reload, replaying the last seconds): still this capsule's badge.
    page.reload()
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    page.evaluate("document.querySelector('video.gp-video').currentTime = 11.0")
    page.wait_for_function("!document.querySelector('video.gp-video').seeking", timeout=5000)
    page.click(".gp-play")
    page.wait_for_selector(".gp-end:not([hidden]) .gp-badge", timeout=30000)
    # Walk 45: opened on the completed capsule, the end card says the badge is held, not « obtenu ! » as if new.
    assert badge.inner_text().startswith("Badge déjà obtenu Vous avez obtenu le badge «\u00a0Plomberie <b>sanitaire</b>"
                                         "\u00a0» du bloc"), badge.inner_text()
    links.nth(0).click()
    page.wait_for_url(f"**/reconnaissance/badges/{credential.uuid}/")
    assert "Badge vérifié" in page.content()
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(120)
def test_a_question_pauses_the_video_on_its_own_time(live_server, context, published):
    """Walk defect: a question at 0:04 of an excerpt capsule opened with the counter at 0:03. The player
    asks a question as soon as the video comes within a few hundredths of its time, so it paused at 4.96 s
    of the capsule, which reads 0:03 rounded down. While the question is open, the counter and the seek
    bar read the question's own time. The capsule starts 1 s into its footage: the question at 5.0 s of
    the footage is at 0:04 of the capsule."""
    from capsules.models import Capsule

    capsule, steps = published["capsule"], published["steps"]
    Capsule.objects.filter(pk=capsule.pk).update(start=1.0, end=12.0)
    Step.objects.filter(pk=steps[0].pk).update(start=1.0)
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    # Where a timeupdate may land while playing: 0.04 s before the question.
    page.evaluate("(() => { const v = document.querySelector('video.gp-video'); v.pause(); v.currentTime = 4.96; })()")
    page.wait_for_selector(f"[data-geste-player][data-asking='{published['q1'].pk}']", timeout=10000)
    page.wait_for_timeout(400)  # any late timeupdate has drawn the counter
    assert video(page, "v.paused") and video(page, "v.currentTime") < 5.0
    assert page.text_content(".gp-time") == "0:04 / 0:11"
    assert page.get_attribute(".gp-seek", "aria-valuetext") == "0:04"
    leave(page)


@pytest.mark.timeout(120)
def test_a_question_crossed_between_two_timeupdates_reads_its_own_time(live_server, context, published):
    """First user: in a capsule cut at 0:02,8 of its footage, a question the feedback, the block page and
    the expert's list put at 0:02 opened with the counter at 0:03: timeupdate comes every ~250 ms, so
    playback crossed the question's time (2.9 s of the capsule) and paused at 3.1 s. While the question
    holds the video paused, the counter and the seek bar read the question's own time."""
    from capsules.models import Capsule, Interaction

    capsule, steps, q1 = published["capsule"], published["steps"], published["q1"]
    Capsule.objects.filter(pk=capsule.pk).update(start=2.8, end=12.0)
    Step.objects.filter(pk=steps[0].pk).update(start=2.8)
    Interaction.objects.filter(pk=q1.pk).update(time=5.7)  # 2.9 s into the capsule: 0:02
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    page.evaluate("(() => { const v = document.querySelector('video.gp-video'); v.pause(); v.currentTime = 5.9; })()")
    page.wait_for_function("!document.querySelector('video.gp-video').seeking", timeout=5000)
    page.wait_for_timeout(300)
    # The timeupdate that crossed the question while playing: the one before it was at 5.6 s.
    page.evaluate("""(() => { const p = document.querySelector('[data-geste-player]').gestePlayer;
        p.lastT = 5.6; p.video.dispatchEvent(new Event('timeupdate')); })()""")
    page.wait_for_selector(f"[data-geste-player][data-asking='{q1.pk}']", timeout=10000)
    page.wait_for_timeout(400)  # any late timeupdate has drawn the counter
    assert video(page, "v.paused") and video(page, "v.currentTime") > 5.8
    assert page.text_content(".gp-time") == "0:02 / 0:09"
    assert page.get_attribute(".gp-seek", "aria-valuetext") == "0:02"
    leave(page)


@pytest.mark.timeout(120)
def test_two_questions_at_the_same_moment_are_both_asked(live_server, context, published):
    """Walk defect: a free-recall question placed at the same time as a choice question never showed:
    once the first was answered, playback went on from just after that moment and passed over the
    second. Both are asked, one after the other, then the video plays on."""
    from capsules.models import Interaction

    q1, q2 = published["q1"], published["q2"]
    Interaction.objects.filter(pk=q2.pk).update(time=q1.time)
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    page.evaluate("(t) => { const v = document.querySelector('video.gp-video'); v.currentTime = t; v.play(); }",
                  q1.time - 0.3)
    page.wait_for_selector(f"[data-geste-player][data-asking='{q1.pk}']", timeout=10000)
    page.locator(".gp-question label.gq-choice", has_text="Couper l'arrivée d'eau").locator("input").check()
    page.click(".gq-submit")
    page.click(".gq-continue")
    page.wait_for_selector(f"[data-geste-player][data-asking='{q2.pk}']", timeout=5000)
    page.check(".gp-question input[value='true']")
    page.click(".gq-submit")
    page.click(".gq-continue")
    page.wait_for_function(f"document.querySelector('video.gp-video').currentTime > {q1.time + 0.3}", timeout=10000)
    assert page.get_attribute("[data-geste-player]", "data-asking") in (None, "")
    leave(page)
