"""A first user's walk of the learner player and the skills block page (walk 19), in Chromium with the
real video, on a 360x740 phone unless said:

1. « Boucler l'étape »: the loop turned back a margin before its end, so a question at the very end
   of the looped step (the capsule's last moment, where drafting puts a question) was never asked while
   looping. Now it is asked when the playhead reaches it, and « Continuer » plays on to the step's end
   and then loops, without asking it again at once.
2. the end panel: « Refaire la capsule » is offered as soon as the capsule is completed (the completion
   came after the panel was drawn: a learner who had just completed it never saw the button), and the
   way back to the skills block is there.
3. « Refaire la capsule » left the focus on <body> and the video above the screen: the focus goes to
   play and the player is in view.
4. while a question is open, the hidden step list is out of reach (inert): no empty buttons on the Tab
   path.
5. the skills block page: each score says what it is (no « Score 100 % » beside « 33 % »), a number
   and its « % » stay together, and the capsules come before the badge's list of questions.
6. the header is compact on a phone (the video starts higher), step titles wrap between words, and a
   media without sound shows no volume control and no empty transcript.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from capsules import models
from capsules.models import Achievement, Attempt, Progress
from tests import factories
from tests.browser.shots import shot
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "[data-geste-player]"
def snap(page, name: str, full_page: bool = True) -> None:
    shot(page, f"walk19-player-{name}", full_page=full_page)


def errors_of(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def seek(page, t: float) -> None:
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.seek({t})")
    page.wait_for_function(
        "t => { const v = document.querySelector('video.gp-video');"
        " return !v.seeking && Math.abs(v.currentTime - t) < 0.1; }", arg=t)


def loops(page) -> int:
    return int(page.get_attribute(PLAYER, "data-loops") or 0)


def _completed_with_answers(user, world, right: bool = True) -> None:
    """The learner completed the capsule, both questions answered (first pass)."""
    now = datetime.now(UTC) - timedelta(minutes=2)
    for n, key in enumerate(("q1", "q2")):
        Attempt.objects.create(user=user, interaction=world[key], response={}, correct=right,
                               score=1 if right else 0, answered_at=now + timedelta(seconds=n))
    Progress.objects.create(user=user, capsule=world["capsule"], position=12.0, watched=[[0, 12]],
                            watched_fraction=1.0, completed=True, completed_at=now + timedelta(seconds=5))


@pytest.mark.timeout(180)
@pytest.mark.parametrize("speed", ["1", "2"])
def test_a_question_at_a_looped_steps_end_is_asked_then_it_loops(live_server, phone_context, published, speed):  # noqa: F811
    """The last step (8–12 s) looped, its question at its very end (12 s: where drafting puts « remettez les
    étapes dans l'ordre »). The loop turned back a margin before the end: the question was never asked."""
    steps, q2 = published["steps"], published["q2"]
    models.Interaction.objects.filter(pk=published["q1"].pk).delete()
    models.Interaction.objects.filter(pk=q2.pk).update(time=12.0, step=steps[2])
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    seek(page, 10.5)
    page.click(".gp-loop")
    assert page.get_attribute(PLAYER, "data-loop") == str(steps[2].pk)
    page.select_option(".gp-speed", speed)
    page.click(".gp-play")
    page.wait_for_function(
        "sel => document.querySelector(sel).dataset.loops > 0 || !!document.querySelector(sel + '[data-asking]')",
        arg=PLAYER, timeout=8000)
    assert page.get_attribute(PLAYER, "data-asking") == str(q2.pk), "the loop turned back past the step's question"
    assert loops(page) == 0
    assert 11.8 <= video(page, "v.currentTime") <= 12.06
    page.check(".gp-question input[value='true']")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-right")
    page.click(".gq-continue")
    # « Continuer »: what is left of the step plays, then the loop turns back to its start (the end panel
    # does not come: the last step loops); the question is not asked again at once.
    # One snapshot, read in a single round trip: at 2× a lap of the 4-s step is 2 s of wall time, and on a
    # loaded CI machine separate reads drifted into the next lap (CI stop 32: loops read as 2).
    page.wait_for_function("sel => document.querySelector(sel).dataset.loops > 0", arg=PLAYER, timeout=5000)
    page.wait_for_timeout(800 // int(speed))
    state = page.evaluate(
        "sel => { const p = document.querySelector(sel), v = p.querySelector('video.gp-video');"
        " return {asking: p.dataset.asking ?? null, ended: p.dataset.ended ?? null, paused: v.paused,"
        " t: v.currentTime, loop: p.dataset.loop ?? null, loops: Number(p.dataset.loops || 0)}; }", PLAYER)
    assert state["asking"] is None, "asked again at once after « Continuer »"
    assert state["ended"] != "1"
    assert not state["paused"]
    assert steps[2].start <= state["t"] < 11.5
    assert state["loop"] == str(steps[2].pk)
    assert state["loops"] == 1
    leave(page)
    assert not errors, errors


def _play_to_the_end(page) -> None:
    """Play at 2×, answering each question right and going on, until the end panel."""
    page.select_option(".gp-speed", "2")
    page.click(".gp-play")
    for _ in range(40):
        page.wait_for_timeout(400)
        if page.get_attribute(PLAYER, "data-ended") == "1":
            return
        if page.locator(".gp-question:not([hidden]) .gq-submit").count():
            # The right one (q1: « Couper l'arrivée d'eau »; q2: « Vrai »), wherever it is shown (shuffled).
            right = page.locator(".gp-question .gq-choice", has_text="Couper l'arrivée d'eau")
            right = right if right.count() else page.locator(".gp-question .gq-choice", has_text="Vrai")
            right.locator("input").check()
            page.click(".gq-submit")
            page.wait_for_selector(".gq-continue")
            page.click(".gq-continue")
    raise AssertionError("the end of the capsule was never reached")


@pytest.mark.timeout(180)
def test_end_panel_offers_a_new_try_once_completed_and_the_way_back(live_server, phone_context, published):  # noqa: F811
    learner = factories.learner(username="fin19")
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    _play_to_the_end(page)
    end = page.locator(".gp-end")
    assert end.is_visible()
    page.wait_for_selector(f"{PLAYER}[data-completed='1']", timeout=10000)
    # Completed by this very play-through (the server's answer came after the panel was drawn).
    page.wait_for_selector(".gp-end .gp-newrun", timeout=5000)
    assert "Score au premier essai" in end.inner_text()
    block = published["page"].get_parent()
    link = page.locator(".gp-end a.gp-block-link")
    assert link.get_attribute("href") == block.url
    assert link.inner_text() == f"Retour au bloc\u00a0: {block.title}"
    snap(page, "end-panel-phone")
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_a_new_try_puts_the_focus_on_play_and_the_player_in_view(live_server, phone_context, published):  # noqa: F811
    learner = factories.learner(username="refaire19")
    _completed_with_answers(learner, published)
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1")
    seek(page, 11.0)
    page.click(".gp-play")
    page.wait_for_selector(".gp-end .gp-newrun", timeout=10000)
    page.locator(".gp-end .gp-newrun").scroll_into_view_if_needed()
    page.locator(".gp-end .gp-newrun").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{PLAYER}[data-run='2']")
    page.wait_for_timeout(300)
    assert page.evaluate("document.activeElement.classList.contains('gp-play')"), \
        page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
    box = page.evaluate("(() => { const r = document.querySelector('video.gp-video').getBoundingClientRect();"
                        " return [r.top, r.bottom, innerHeight]; })()")
    assert box[0] >= -1 and box[1] <= box[2] + 1, box
    snap(page, "new-try-phone", full_page=False)
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_hidden_step_list_is_out_of_reach_while_a_question_is_open(live_server, phone_context, published):  # noqa: F811
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    seek(page, 4.6)
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=8000)
    assert page.evaluate("document.querySelector('.gp-steps ol').inert") is True
    # Tab through the whole page from the question: never into the step list or the transcript.
    page.focus(".gp-question h2")
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        where = page.evaluate("(() => { const a = document.activeElement;"
                              " return a.closest('.gp-steps') ? 'steps' : a.closest('.gp-transcript') ? 'transcript'"
                              " : a.className || a.tagName; })()")
        reached.add(where)
    assert "steps" not in reached and "transcript" not in reached, reached
    # Answered: the list is back within reach.
    page.locator(".gp-question .gq-choice", has_text="Couper l'arrivée d'eau").locator("input").check()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-right")
    assert page.evaluate("document.querySelector('.gp-steps ol').inert") is False
    page.click(".gq-continue")
    page.locator(".gp-steps .gp-step").first.focus()
    assert page.evaluate("!!document.activeElement.closest('.gp-steps')")
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_block_page_scores_say_what_they_are_and_capsules_come_first(live_server, phone_context, published):  # noqa: F811
    """Both questions wrong at the first answer, right on « Réessayer »: latest answers 100 %, best
    complete pass and first try 0 %, badge minimum 50 %."""
    block = published["page"].get_parent()
    Achievement.objects.create(skills_block=published["capsule"].skills_block, name="Plomberie", description="d",
                               criteria_narrative="Toutes les capsules, 50 % au premier essai.",
                               min_first_try_score=50, require_mandatory_correct=True)
    learner = factories.learner(username="scores19")
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    for n, key in enumerate(("q1", "q2")):
        for k, ok in enumerate((False, True)):
            Attempt.objects.create(user=learner, interaction=published[key], response={}, correct=ok,
                                   score=int(ok), answered_at=t0 + timedelta(seconds=10 * n + 5 * k))
    Progress.objects.create(user=learner, capsule=published["capsule"], position=12.0, watched=[[0, 12]],
                            watched_fraction=1.0, completed=True, completed_at=t0 + timedelta(minutes=1))
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    page.goto(f"{live_server.url}{block.url}")
    text = page.inner_text(".path-consolidate")
    assert "Score : 100\u00a0%" not in text and "100\u00a0%" not in text, text
    assert page.inner_text(".path-best").startswith("Meilleure tentative complète\u00a0: 0\u00a0%")
    assert "après nouvelles tentatives, 2 réponses justes sur 2\u00a0; seule une nouvelle tentative complète à " \
        "50\u00a0% ou plus rend la capsule maîtrisée." in page.inner_text(".path-best")
    assert page.inner_text(".path-first-try").startswith("Premier essai\u00a0: 0\u00a0%")
    assert "compte pour le badge du bloc" in page.inner_text(".path-first-try")
    # Every « N % » of the page stays on one line.
    split = page.evaluate("""() => {
      const out = [], walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (const m of n.data.matchAll(/\\d+\\s%/g)) {
          const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
          const tops = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
          if (tops.size > 1) out.push(m[0]);
        }
      }
      return out; }""")
    assert split == [], split
    assert page.locator(".nb").count() >= 3
    # The capsules before the badge and its questions still to answer.
    order = page.evaluate("""() => {
      const caps = document.querySelector('ol.capsules'), badge = document.querySelector('.block-badge');
      return !!(caps.compareDocumentPosition(badge) & Node.DOCUMENT_POSITION_FOLLOWING); }""")
    assert order, "the badge's list came before the capsules"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    snap(page, "block-page-phone")
    leave(page)


LONG_STEP = "Dévissage de l'écrou d'étanchéité"


@pytest.mark.timeout(180)
def test_compact_phone_header_word_wrapped_step_titles_and_a_silent_media(live_server, phone_context, published):  # noqa: F811
    # The step with a question: its time and « 1 question » took the row's room from the title.
    models.Step.objects.filter(pk=published["steps"][1].pk).update(title=LONG_STEP)
    footage = published["footage"]
    footage.probe = {"has_audio": False, "duration": 12.0}
    footage.save(update_fields=["probe"])
    models.Transcript.objects.filter(footage=footage).delete()
    learner = factories.learner(username="entete19")
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.evaluate("window.scrollTo(0, 0)")
    snap(page, "capsule-phone-top", full_page=False)
    top = page.evaluate("document.querySelector('video.gp-video').getBoundingClientRect().top + scrollY")
    header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    assert header <= 100, header
    assert top <= 160, top
    # Each word of a step's title on one line (the title wraps between words).
    cut = page.evaluate("""() => [...document.querySelectorAll('.gp-step-title')].flatMap((el) => {
      const n = el.firstChild, out = [];
      for (const m of n.data.matchAll(/\\S+/g)) {
        const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        if (new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1) out.push(m[0]);
      }
      return out; })""")
    assert cut == [], cut
    # No sound: no volume control; no speech: no empty « Transcription ».
    assert page.locator(".gp-mute").is_hidden() and page.locator(".gp-volume").is_hidden()
    assert page.locator(".gp-transcript-section").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    snap(page, "capsule-phone")
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(120)
def test_desktop_keeps_the_volume_and_the_transcript_of_a_media_with_sound(live_server, context, published):  # noqa: F811
    footage = published["footage"]
    footage.probe = {"has_audio": True, "duration": 12.0}
    footage.save(update_fields=["probe"])
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    assert page.locator(".gp-mute").is_visible() and page.locator(".gp-volume").is_visible()
    assert page.locator(".gp-transcript-section .gt-body p").count() == 3
    snap(page, "capsule-desktop", full_page=False)
    # The end panel on a desktop screen: the way back to the block too.
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1")
    seek(page, 11.2)
    page.click(".gp-play")
    page.wait_for_selector(".gp-end:not([hidden]) a.gp-block-link", timeout=10000)
    snap(page, "end-panel-desktop")
    leave(page)
