"""A first user's walk of the learner player (walk 17), on small phones (Chromium, real video):

1. a mandatory question answered wrong leaves a reminder under the video; with a 120-character capsule
   title, play / loop / speed were pushed below the first screen of a 360x640 phone. Now the title is
   clamped to two lines on small screens (the whole title a tap or Enter away, and whole for screen
   readers) and the reminder is compact: the controls stay on the first screen at 360x640 and 360x560,
   the reminder's buttons still distinct and reachable by keyboard.
2. offline, « Voir la réponse attendue » is queued like the other offline actions: the learner is told
   it will show once back online, and it shows then, also when they went on to the rest of the video.
3. a capsule whose first try was under the block badge's minimum can become « maîtrisée »: « Refaire la
   capsule » starts a new complete pass through it, whose score counts in the block.
"""

from __future__ import annotations

import pytest

from capsules import models
from tests import factories
from tests.browser.shots import shot
from tests.browser.test_learner_journey import journey  # noqa: F401  (fixture)
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
MODEL = "Couper l'arrivée d'eau puis placer une bassine sous le siphon."
TITLE_120 = ("Remplacement du joint torique du siphon sous l'évier de la cuisine collective, "
             "sans outillage spécial ni démontage total")


def errors_of(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def _wrong(user, interaction):
    from django.utils import timezone

    models.Attempt.objects.create(user=user, interaction=interaction, response={}, correct=False,
                                  score=0, answered_at=timezone.now())


@pytest.mark.timeout(300)
def test_play_loop_speed_on_the_first_screen_with_a_reminder_and_a_long_title(live_server, browser, journey):  # noqa: F811
    from django.utils import timezone

    assert len(TITLE_120) == 120
    capsule = journey["capsule"]
    capsule.title = TITLE_120
    capsule.save()
    multi = journey["multi"]
    twin = models.Interaction.objects.create(
        capsule=capsule, time=multi.time, kind="single_choice", step=multi.step, mandatory=True,
        prompt="Quel outil pour l'écrou ?", choices=[{"id": "a", "text": "La main"}, {"id": "b", "text": "Un marteau"}],
        answer_key={"correct": ["a"]})
    user = factories.learner()
    _wrong(user, multi)
    _wrong(user, twin)
    models.Progress.objects.create(user=user, capsule=capsule, position=multi.time + 3.0,
                                   watched=[[0, 12]], watched_fraction=1, completed=True, completed_at=timezone.now())
    for height in (640, 560):
        ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": height}, has_touch=True,
                                  is_mobile=True)
        try:
            log_in(ctx, live_server, user)
            page = ctx.new_page()
            errors = errors_of(page)
            open_capsule(page, f"{live_server.url}{journey['page'].url}")
            page.wait_for_selector(f"{PLAYER}[data-ready='1'][data-resumed]", timeout=15000)
            page.locator(".gp-todo").wait_for(state="visible")
            page.wait_for_timeout(300)  # no scrolling by the learner: what the first screen shows
            boxes = {s: page.locator(s).first.bounding_box()
                     for s in ("h1", ".gp-stage", ".gp-todo", ".gp-todo-go", ".gp-play", ".gp-loop", ".gp-speed")}
            print(height, boxes)
            for s in (".gp-play", ".gp-loop", ".gp-speed"):
                assert boxes[s]["y"] + boxes[s]["height"] <= height, (height, s, boxes)
            # The reminder's two buttons: both there, distinct, under the video, reachable by keyboard.
            buttons = page.locator(".gp-todo-go")
            labels = buttons.all_inner_texts()
            assert len(labels) == 2 and len(set(labels)) == 2, labels
            assert boxes[".gp-stage"]["y"] + boxes[".gp-stage"]["height"] <= boxes[".gp-todo"]["y"] + 0.5, boxes
            for b in buttons.all():
                assert b.bounding_box()["height"] >= 24
            buttons.first.focus()
            assert page.evaluate("document.activeElement.classList.contains('gp-todo-go')")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.classList.contains('gp-todo-go')")
            # The title: clamped, its whole text still in the page and a tap (or Enter) away.
            h1 = page.locator("h1")
            assert h1.text_content().strip() == TITLE_120
            toggle = page.locator("h1 .gp-title-toggle")
            assert toggle.get_attribute("aria-expanded") == "false"
            toggle.focus()
            page.keyboard.press("Enter")
            assert toggle.get_attribute("aria-expanded") == "true"
            assert page.locator("h1").bounding_box()["height"] > boxes["h1"]["height"] + 10
            page.keyboard.press("Enter")
            assert toggle.get_attribute("aria-expanded") == "false"
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            shot(page, f"player-reminder-long-title-360x{height}", full_page=False)
            leave(page)
            assert not errors, errors
        finally:
            ctx.close()


CACHED_TEXT = """async (needle) => {
  let found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const req of await cache.keys()) {
      const text = await (await cache.match(req)).clone().text();
      if (text.includes(needle)) found.push(req.url);
    }
  }
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if ((localStorage.getItem(k) || "").includes(needle)) found.push(k);
  }
  return found;
}"""


@pytest.mark.timeout(300)
def test_an_expected_answer_asked_offline_is_queued_and_shown_once_online(live_server, phone_context, published):  # noqa: F811
    """Offline on a downloaded capsule, « Voir la réponse attendue » is queued like an answer: the learner is
    told in French it will show once back online, rates themself and goes on; back online the queued
    reveal is sent (recorded for the learner) and the expected answer shows under the video, the question
    being closed. Before, nothing was queued: once they went on, they never saw it. After a reload too.
    The expected answer is in no cache nor on the device before it is asked."""
    step = published["steps"][0]
    recall = models.Interaction.objects.create(
        capsule=published["capsule"], time=2.0, kind="free_recall", step=step, mandatory=False,
        prompt="Que faites-vous avant de démonter le siphon ?", answer_key={"model_answer": MODEL})
    user = factories.learner()
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.click(".gp-offline")
    page.wait_for_selector("text=Disponible hors ligne ✓", timeout=30000)
    phone_context.set_offline(True)
    page.reload()
    page.wait_for_selector(f"{PLAYER}[data-ready='1']", timeout=15000)
    ask = ("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
           " p.ask(p.m.interactions.find(i => i.id === id)); }")
    page.evaluate(ask, recall.pk)
    page.wait_for_selector(f"[data-asking='{recall.pk}']")
    page.get_by_label("Votre réponse", exact=True).fill("Je coupe l'eau.")
    page.get_by_role("button", name="Voir la réponse attendue").click()
    page.wait_for_selector(".gq-model-offline")
    said = page.inner_text(".gq-model")
    assert "Votre demande est gardée" in said and "dès le retour en ligne" in said, said
    assert page.evaluate(CACHED_TEXT, MODEL) == []
    queued = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('geste:queue:'))"
                           ".flatMap(k => JSON.parse(localStorage.getItem(k)))")
    # Progress and events made offline stay queued too (walk 24: everything waits for the server's ack).
    assert [q["kind"] for q in queued if q["kind"] not in ("events", "progress")] == ["reveal"], queued
    # The learner rates themself, validates (queued) and goes on: the question closes.
    page.get_by_text("Je savais").click()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-queued")
    page.click(".gq-continue")
    page.wait_for_function(f"document.querySelector('{PLAYER}').dataset.asking === undefined")
    assert not models.LearnerEvent.objects.filter(user=user, verb="interacted").exists()
    # Back online: the reveal is sent with the rest of the queue, and the expected answer shows under the video.
    phone_context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    shown = page.locator(".gp-revealed")
    shown.wait_for(state="visible", timeout=15000)
    assert MODEL in shown.inner_text() and "Que faites-vous avant de démonter le siphon" in shown.inner_text()
    event = models.LearnerEvent.objects.get(user=user, verb="interacted")
    assert event.data["revealed"] == "model_answer" and event.data["text"] == "Je coupe l'eau."
    assert models.Attempt.objects.filter(user=user, interaction=recall).count() == 1
    shot(page, "player-reveal-after-offline-360", full_page=False)
    page.get_by_role("button", name="Fermer").click()
    assert shown.count() == 0
    # Asked offline again, then the page is reopened online: the queued reveal is sent and shown.
    phone_context.set_offline(True)
    page.evaluate(ask, recall.pk)
    page.get_by_role("button", name="Voir la réponse attendue").click()
    page.wait_for_selector(".gq-model-offline")
    # The page is closed while still offline (back online, a page left open would send the queue itself at
    # its « online » event, racing the reopening), then reopened once the network is back.
    page.close()
    assert not errors, errors
    phone_context.set_offline(False)
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.locator(".gp-revealed").wait_for(state="visible", timeout=15000)
    assert MODEL in page.inner_text(".gp-revealed")
    assert models.LearnerEvent.objects.filter(user=user, verb="interacted").count() == 2
    leave(page)
    assert not errors, errors


def _wait_for(predicate, timeout=15.0):
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@pytest.mark.timeout(300)
def test_a_new_complete_attempt_makes_a_capsule_missed_at_first_try_mastered(live_server, phone_context, published):  # noqa: F811
    """Walk 17: a capsule whose first try was under the block badge's minimum stayed « à consolider » for
    ever. From the block page, « Refaire la capsule » opens a new pass (every question asked again, the
    answers sent with ``run``); answered right, the block page files the capsule under « Terminé, maîtrisé »
    (« Déjà maîtrisé » is for the placement's capsules, walk 26), with the first-try score kept for the badge."""
    from django.utils import timezone

    capsule, q1, q2 = published["capsule"], published["q1"], published["q2"]
    models.Achievement.objects.create(skills_block=capsule.skills_block, name="Plomberie", description="d",
                                      criteria_narrative="c", min_first_try_score=100)
    user = factories.learner()
    _wrong(user, q1)
    _wrong(user, q2)
    models.Progress.objects.create(user=user, capsule=capsule, position=11.0, watched=[[0, 12]], watched_fraction=1,
                                   completed=True, completed_at=timezone.now())
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors = errors_of(page)
    block_url = f"{live_server.url}{published['page'].get_parent().url}"
    page.goto(block_url)
    consolidate = page.locator(".path-consolidate")
    assert ("Meilleure tentative complète\u00a0: 0\u00a0% — il faut 100\u00a0% pour maîtriser la capsule."
            in consolidate.inner_text())
    consolidate.get_by_role("link", name="Refaire la capsule").click()
    page.wait_for_selector(f"{PLAYER}[data-ready='1'][data-run='2']", timeout=15000)
    assert "#" not in page.url
    ask = ("id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
           " if (p.done.has(id)) throw new Error('not asked again'); p.ask(p.m.interactions.find(i => i.id === id)); }")
    for inter, choice in ((q1, "Couper l'arrivée d'eau"), (q2, "Vrai")):
        page.evaluate(ask, inter.pk)
        page.wait_for_selector(f"[data-asking='{inter.pk}']")
        page.locator(".gp-question").get_by_text(choice, exact=True).click()
        page.click(".gq-submit")
        page.wait_for_selector(".gq-feedback")
        assert _wait_for(lambda i=inter: models.Attempt.objects.filter(user=user, interaction=i, run=2).exists())
        page.click(".gq-continue")
    assert all(models.Attempt.objects.get(user=user, interaction=i, run=2).correct for i in (q1, q2))
    # The end screen: this pass's score beside the first-try one, and another new pass offered.
    page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.ended()")
    assert page.inner_text(".gp-run-score") == "Cette tentative (n° 2)\u00a0: 2 justes sur 2 à la première réponse."
    assert page.inner_text(".gp-end .gp-score") == "Score au premier essai\u00a0: 0\u00a0%"
    page.click(".gp-newrun")
    page.wait_for_selector(f"{PLAYER}[data-run='3']")
    assert page.locator(".gp-end").is_hidden()
    leave(page)
    page = phone_context.new_page()
    page.goto(block_url)
    assert capsule.title in page.locator(".path-completed").inner_text()
    assert page.locator(".path-mastered").count() == 0
    assert page.locator(".path-consolidate").count() == 0
    shot(page, "block-path-mastered-after-new-attempt-360", full_page=True)
    page.close()
    assert not errors, errors
