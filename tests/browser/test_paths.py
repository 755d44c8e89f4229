"""On a 360×740 phone, by keyboard: a learner takes the placement of a skills block, skips the capsule they
master, completes the rest in the player, and practises the next day (the server's clock moved one day
by ``GESTE_CLOCK_OFFSET``, read by ``capsules.clock``); practice works offline and syncs once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from capsules.models import Capsule, PlacementQuestion, PracticeCard, PracticeReview, Progress
from tests import factories, pages
from tests.browser.learner_capsule import publish_capsule
from tests.browser.test_player import built_player, capsule_media  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

def _no_inline_script(page) -> None:
    assert page.evaluate("[...document.scripts].every(s => s.src)"), "inline <script> found"


def _fits_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture
def replayable(capsule_media, storage_root, built_player):  # noqa: F811
    """A capsule with real media (MP4, captions, steps) whose two questions come back in practice."""
    return publish_capsule(capsule_media, storage_root)


@pytest.mark.timeout(240)
def test_placed_learner_follows_a_shortened_path_and_practises_the_next_day(live_server, phone_context, replayable,
                                                                             settings):
    """Placement skips the capsule the learner masters; the other one is played and answered in the real
    player; the next day (the server's clock moved by ``GESTE_CLOCK_OFFSET``) its missed question is due."""
    real = replayable["capsule"]
    block = real.skills_block
    Capsule.objects.filter(pk=real.pk).update(order=1)
    footage = factories.FootageFactory(skills_block=block, duration=20.0)
    mastered = factories.CapsuleFactory(footage=footage, skills_block=block, title="Choisir la clé", order=0)
    pages.capsule_page(mastered)
    known = factories.InteractionFactory(capsule=mastered)
    for inter in (known, replayable["q1"]):
        PlacementQuestion.objects.create(interaction=inter, accepted=True)
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    phone_context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                "url": live_server.url}])
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(live_server.url + block.page.url)
    assert "Mon parcours" in page.inner_text("#parcours")
    _fits_phone(page)
    page.get_by_role("link", name="Passer le positionnement").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/positionnement/")
    _no_inline_script(page)
    _fits_phone(page)

    # By keyboard: the right tool (capsule 'Choisir la clé'), the wrong precaution (the real capsule).
    for label in ("Une clé dynamométrique", "Serrer l'écrou au maximum"):
        assert "sur 2" in page.inner_text("main")
        page.get_by_label(label).focus()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
    page.wait_for_url("**#parcours")
    assert "Acquis au positionnement" in page.inner_text("#parcours")
    # The placement's result, where the learner lands (walk 25: only « Positionnement passé » was said).
    result = page.inner_text(".path-placement-result")
    assert "Résultat du positionnement\u00a0: 1 bonne réponse sur 2." in result
    assert ("Capsule reconnue comme déjà maîtrisée (acquise au positionnement, elle sort de votre parcours)\u00a0: "
            f"{mastered.title}.") in result
    assert f"Reste à suivre\u00a0: {real.title}." in result
    remaining = page.inner_text(".path-remaining")
    assert real.title in remaining and mastered.title not in remaining
    assert mastered.title in page.inner_text(".path-mastered")  # still playable: linked
    _fits_phone(page)

    # The rest of the path, in the player: play by keyboard, answer the safety question right and the
    # last one wrong, to the end of the video.
    page.locator(".path-remaining a", has_text=real.title).focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    page.select_option(".gp-speed", "2")
    page.focus(".gp-play")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"[data-asking='{replayable['q1'].pk}']", timeout=20000)
    page.locator(".gp-question label.gq-choice", has_text="Couper l'arrivée d'eau").locator("input").check()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-right")
    page.click(".gq-continue")
    page.wait_for_selector(f"[data-asking='{replayable['q2'].pk}']", timeout=20000)
    page.check(".gp-question input[value='false']")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-wrong")
    page.click(".gq-continue")
    page.wait_for_selector("[data-geste-player][data-completed='1']", timeout=30000)
    assert Progress.objects.get(user=learner, capsule=real).completed
    page.goto(live_server.url + block.page.url)
    assert "Vous avez parcouru tout le bloc." in page.inner_text("#parcours")

    # Same day: nothing to practise yet. The block page says when instead of a link to an empty page (walk 24).
    path = page.inner_text("#parcours")
    # One capsule to consolidate: the day is said under it, not once more for the path (walk 25).
    assert "Entraînement\u00a0: rien à revoir aujourd'hui\u00a0; ses questions reviendront le " in path
    assert "prochaines questions le" not in path
    assert page.get_by_role("link", name="Entraînement : revoir les questions du jour").count() == 0
    page.goto(live_server.url + reverse("learner-practice"))
    assert "Rien à revoir aujourd'hui" in page.inner_text("main")
    cards = {c.interaction_id: c for c in PracticeCard.objects.filter(user=learner)}
    assert set(cards) == {replayable["q1"].pk, replayable["q2"].pk}  # 'Choisir la clé' was not trained

    # The next day: only the question missed in training is due (FSRS: 'Again' comes back sooner).
    settings.GESTE_CLOCK_OFFSET = timedelta(days=1)
    page.reload()
    main = page.inner_text("main")
    assert "1 question à revoir aujourd'hui" in main and "Rétention estimée" in main
    assert replayable["q2"].prompt in main and replayable["q1"].prompt not in main
    replay = page.get_by_role("link", name="Revoir l'étape avant de répondre")
    assert replay.get_attribute("href").startswith(real.page.url + "#t=")
    _no_inline_script(page)
    _fits_phone(page)
    page.get_by_label("Vrai").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    feedback = page.inner_text(".path-feedback")
    assert "Bonne réponse." in feedback and "Cette question reviendra le" in feedback
    assert page.evaluate("document.activeElement.classList.contains('path-feedback')")  # focus moved to it
    review = PracticeReview.objects.get(user=learner)
    assert review.correct and review.card.interaction_id == replayable["q2"].pk
    assert review.reviewed_at - cards[replayable["q2"].pk].last_review >= timedelta(hours=23)
    review.card.refresh_from_db()
    assert review.card.due - review.reviewed_at >= timedelta(days=2)
    assert not errors


OFFLINE_QUEUE = """() => Object.keys(localStorage).filter(k => k.startsWith('geste-practice-queue:'))
  .flatMap(k => JSON.parse(localStorage.getItem(k)))"""


def test_practice_works_offline_and_syncs_each_answer_once(live_server, phone_context, replayable):
    """Loaded once online, the Entraînement page, its due items and the media of the steps they replay
    come from the service worker's caches; answers given offline are queued and synced once."""
    import json
    from datetime import UTC, datetime

    from capsules.learning import practice
    from capsules.models import Attempt

    learner = factories.learner()
    capsule, q1, q2 = replayable["capsule"], replayable["q1"], replayable["q2"]
    before = datetime.now(UTC) - timedelta(days=2)
    for q in (q1, q2):
        Attempt.objects.create(user=learner, interaction=q, response={}, correct=False, score=0, answered_at=before)
    Progress.objects.create(user=learner, capsule=capsule, watched=[[0, 12]], watched_fraction=1, completed=True,
                            completed_at=before)
    practice.ensure_cards(learner)
    client = Client()
    client.force_login(learner)
    phone_context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                "url": live_server.url}])
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    posts: list[str] = []  # what left the page, to tell how an answer reached the server if one does
    phone_context.on("request", lambda r: posts.append(f"{r.method} {r.url} sw={r.service_worker is not None}")
                     if r.method != "GET" else None)
    page.goto(f"{live_server.url}/parcours/entrainement/")
    page.wait_for_selector("[data-practice-status][data-offline-ready='1']", state="attached", timeout=30000)
    assert "2 questions à revoir aujourd'hui" in page.inner_text("main")

    # No network at all: the page comes from the cache, both items can be answered.
    phone_context.set_offline(True)
    page.reload()
    assert page.evaluate("navigator.onLine") is False
    assert "2 questions à revoir aujourd'hui" in page.inner_text("main")
    _fits_phone(page)
    page.get_by_label("Couper l'arrivée d'eau").check()
    page.get_by_role("button", name="Valider").press("Enter")
    status = page.locator("[data-practice-status]")
    status.wait_for()
    assert "hors ligne" in status.inner_text()
    assert "1 question à revoir aujourd'hui" in page.inner_text("main")
    assert page.evaluate(f"({OFFLINE_QUEUE})().length") == 1

    # The step of the second item replays offline: capsule page, player and MP4 from the cache.
    page.get_by_role("link", name="Revoir l'étape avant de répondre").click()
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    assert page.get_attribute("[data-geste-player]", "data-source") == "mp4"
    page.wait_for_function("document.querySelector('video').readyState >= 1", timeout=15000)
    page.go_back()
    page.wait_for_selector("[data-practice-item]:not([hidden])")
    assert "1 question à revoir aujourd'hui" in page.inner_text("main")  # the queued one stays answered
    page.get_by_label("Vrai").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("[data-practice-done]").wait_for()
    queued = page.evaluate(f"({OFFLINE_QUEUE})()")
    assert len(queued) == 2 and len({q["client_id"] for q in queued}) == 2
    # Queued, not sent: the answer given after going back never left the page. The first one is only checked
    # to be queued (above): in CI under load, one review was once stored here although both were queued —
    # suspected, a document Chromium reopens offline reports navigator.onLine true for an instant and its
    # start-up flush leaves before the offline emulation applies (a device really offline cannot send). The
    # replay of the whole queue below shows the server counts such an answer once.
    assert not PracticeReview.objects.filter(user=learner, client_id=queued[1]["client_id"]).exists(), posts
    assert PracticeReview.objects.filter(user=learner).count() <= 1, posts

    # Back online: one review per answer, graded on the server.
    phone_context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function(f"({OFFLINE_QUEUE})().length === 0")
    assert "2 réponses données hors ligne enregistrées et corrigées\u00a0: 2 justes." in status.inner_text()
    reviews = PracticeReview.objects.filter(user=learner)
    assert sorted(r.card.interaction_id for r in reviews) == sorted([q1.pk, q2.pk])
    assert all(r.correct for r in reviews)
    # The same queue sent again (a flush cut before its answer arrived) adds nothing.
    again = page.evaluate("""async ([url, body]) => {
      const token = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/)[1];
      const r = await fetch(url, {method: 'POST', credentials: 'same-origin', body,
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}});
      return r.json();
    }""", ["/api/learner/practice/sync", json.dumps({"reviews": queued})])
    assert [r["duplicate"] for r in again["results"]] == [True, True]
    assert PracticeReview.objects.filter(user=learner).count() == 2
    page.reload()
    assert "Rien à revoir aujourd'hui" in page.inner_text("main")
    assert not errors


@pytest.mark.timeout(240)
def test_learner_who_misses_every_question_is_not_told_mastered(live_server, phone_context, replayable):
    """A new learner answers every question wrong in the player (phone): the end screen says 0 %; the block
    page lists the capsule as completed to consolidate (score 0 %, retry, practise), not 'Déjà maîtrisé';
    Entraînement gives no retention estimate and says when the missed questions come back."""
    real = replayable["capsule"]
    block = real.skills_block
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    phone_context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                "url": live_server.url}])
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(live_server.url + real.page.url)
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    page.select_option(".gp-speed", "2")
    page.focus(".gp-play")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"[data-asking='{replayable['q1'].pk}']", timeout=20000)
    page.locator(".gp-question label.gq-choice", has_text="Serrer l'écrou au maximum").locator("input").check()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-wrong")
    page.click(".gq-continue")
    page.wait_for_selector(f"[data-asking='{replayable['q2'].pk}']", timeout=20000)
    page.check(".gp-question input[value='false']")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-wrong")
    page.click(".gq-continue")
    page.wait_for_selector("[data-geste-player][data-completed='1']", timeout=30000)
    page.wait_for_selector(".gp-score", timeout=15000)
    assert "Score au premier essai\u00a0: 0\u00a0%" in page.inner_text(".gp-score")
    assert Progress.objects.get(user=learner, capsule=real).completed

    page.goto(live_server.url + block.page.url)
    path = page.inner_text("#parcours")
    assert "Déjà maîtrisé" not in path and page.locator(".path-mastered").count() == 0
    consolidate = page.inner_text(".path-consolidate")
    assert real.title in consolidate and "Terminée" in consolidate
    assert "Vos dernières réponses\u00a0: 0\u00a0% justes (0 sur 2)." in consolidate
    assert "Refaire la capsule" in consolidate
    # Its questions are not due today: no « S'entraîner » link to an empty page, the day instead (walk 24).
    assert "S'entraîner sur ses questions" not in consolidate
    assert "Entraînement\u00a0: rien à revoir aujourd'hui\u00a0; ses questions reviendront le " in consolidate
    _fits_phone(page)

    page.goto(live_server.url + reverse("learner-practice"))  # the practice page, opened anyway
    main = page.inner_text("main")
    assert "100\u00a0%" not in main and "Rétention estimée\u00a0:" not in main
    assert "Rétention estimée après votre première bonne réponse · 2 questions à entretenir" in main
    assert "Rien à revoir aujourd'hui. Prochain entraînement le" in main and ": 2 questions." in main
    _fits_phone(page)
    assert not errors
