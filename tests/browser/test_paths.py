"""On a 360×740 phone, by keyboard: a learner takes the placement of a skills block, skips the capsule they
master, completes the rest, and practises the next day (the learner's history is moved one day back,
which is the clock moved one day forward for everything FSRS computes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from capsules.learning import delivery
from capsules.models import PlacementQuestion, PracticeCard, PracticeReview, Progress, Step
from tests import factories, pages
from tests.browser.learner_capsule import publish_capsule
from tests.browser.test_player import built_player, capsule_media  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ORDER = [{"id": "s1", "text": "Couper l'eau"}, {"id": "s2", "text": "Dévisser l'écrou"},
         {"id": "s3", "text": "Changer le joint"}]

API = """async ([progressUrl, answerUrl, order]) => {
  const token = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1]
    || document.querySelector('meta[name="csrf-token"]').content;
  const send = (url, body) => fetch(url, {method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}, body: JSON.stringify(body)})
    .then(r => r.json());
  await send(progressUrl, {position: 20, watched: [[0, 20]]});
  const swapped = [order[1], order[0], order[2]];
  const wrong = await send(answerUrl, {response: {order: swapped}, client_id: crypto.randomUUID()});
  const right = await send(answerUrl, {response: {order: order}, client_id: crypto.randomUUID()});
  return [wrong, right];
}"""


@pytest.fixture
def block(django_db_serialized_rollback, transactional_db, storage_root):
    block = factories.SkillsBlockFactory(title="Plomberie sanitaire")
    caps = []
    for i, title in enumerate(["Couper l'arrivée d'eau", "Remplacer un joint"]):
        footage = factories.FootageFactory(skills_block=block, duration=20.0)
        Step.objects.create(footage=footage, order=0, start=0, end=10, title="Geste", approved=True)
        capsule = factories.CapsuleFactory(footage=footage, title=title, order=i)
        pages.capsule_page(capsule)
        caps.append(capsule)
    known = factories.InteractionFactory(capsule=caps[0])
    ordering = factories.InteractionFactory(capsule=caps[1], kind="ordering", choices=ORDER,
                                            answer_key={"order": ["s1", "s2", "s3"]},
                                            step=caps[1].footage.steps.first(),
                                            prompt="Remettez les gestes dans l'ordre")
    for inter in (known, ordering):
        PlacementQuestion.objects.create(interaction=inter, accepted=True)
    return {"block": block, "caps": caps, "known": known, "ordering": ordering}


def _no_inline_script(page) -> None:
    assert page.evaluate("[...document.scripts].every(s => s.src)"), "inline <script> found"


def _fits_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_placement_skip_mastered_then_practise_next_day(live_server, phone_context, block):
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    phone_context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                "url": live_server.url}])
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    caps = block["caps"]

    page.goto(live_server.url + block["block"].page.url)
    assert "Mon parcours" in page.inner_text("#parcours")
    _fits_phone(page)
    page.get_by_role("link", name="Passer le positionnement").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/positionnement/")
    _no_inline_script(page)
    _fits_phone(page)

    # Question 1 (capsule 1): the right choice, by keyboard.
    assert "Question 1 sur 2" in page.inner_text("main")
    page.get_by_label("Une clé dynamométrique").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    # Question 2 (capsule 2, ordering): ranks given with the keyboard, wrong order.
    assert "Question 2 sur 2" in page.inner_text("main")
    ranks = {"Couper l'eau": "2", "Dévisser l'écrou": "1", "Changer le joint": "3"}
    for label, rank in ranks.items():
        page.get_by_label(label).select_option(rank)
    page.get_by_role("button", name="Valider et continuer").press("Enter")
    page.wait_for_url("**#parcours")

    path = page.inner_text("#parcours")
    assert "Acquis au positionnement" in path
    remaining = page.inner_text(".path-remaining")
    assert caps[1].title in remaining and caps[0].title not in remaining
    assert caps[0].title in page.inner_text(".path-mastered")  # still playable: linked
    _fits_phone(page)

    # Complete the remaining capsule through the learner API (wrong first try, then right).
    ordering = block["ordering"]
    page.goto(live_server.url + caps[1].page.url)
    # the learner API speaks this learner's opaque choice ids (capsules/learning/delivery.py)
    order = delivery.response_to_public(ordering, {"order": ["s1", "s2", "s3"]}, delivery.audience_for(learner))
    wrong, right = page.evaluate(API, [f"/api/learner/capsules/{caps[1].pk}/progress",
                                       f"/api/learner/interactions/{ordering.pk}/answer", order["order"]])
    assert wrong["correct"] is False and right["correct"] is True and right["completed"] is True
    page.goto(live_server.url + block["block"].page.url)
    assert "Vous avez parcouru tout le bloc." in page.inner_text("#parcours")

    # Same day: nothing to practise yet (the first try was wrong: FSRS brings it back tomorrow).
    page.get_by_role("link", name="Entraînement : revoir les questions du jour").click()
    page.wait_for_url("**/entrainement/")
    assert "Rien à revoir aujourd'hui" in page.inner_text("main")
    card = PracticeCard.objects.get(user=learner)
    assert card.interaction_id == ordering.pk  # capsule 1 was acquired at placement, not trained

    # The next day.
    day = timedelta(days=1)
    PracticeCard.objects.filter(pk=card.pk).update(due=card.due - day, last_review=card.last_review - day)
    Progress.objects.filter(user=learner).update(completed_at=Progress.objects.get(
        user=learner, capsule=caps[1]).completed_at - day)
    page.reload()
    main = page.inner_text("main")
    assert "1 question à revoir aujourd'hui" in main and "Rétention estimée" in main
    replay = page.get_by_role("link", name="Revoir l'étape avant de répondre")
    assert replay.get_attribute("href").startswith(caps[1].page.url + "#t=")
    _no_inline_script(page)
    _fits_phone(page)
    for label, rank in {"Couper l'eau": "1", "Dévisser l'écrou": "2", "Changer le joint": "3"}.items():
        page.get_by_label(label).select_option(rank)
    page.get_by_role("button", name="Valider").press("Enter")
    page.wait_for_load_state("networkidle")
    feedback = page.inner_text(".path-feedback")
    assert "Bonne réponse." in feedback and "Cette question reviendra le" in feedback
    assert page.evaluate("document.activeElement.classList.contains('path-feedback')")  # focus moved to it
    assert PracticeReview.objects.filter(user=learner, correct=True).count() == 1
    card.refresh_from_db()
    assert card.due - (card.last_review or card.due) >= timedelta(days=2)
    assert not errors


@pytest.fixture
def replayable(capsule_media, storage_root, built_player):  # noqa: F811
    """A capsule with real media (MP4, captions, steps) whose two questions come back in practice."""
    return publish_capsule(capsule_media, storage_root)


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
    assert not PracticeReview.objects.exists()

    # Back online: one review per answer, graded on the server.
    phone_context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function(f"({OFFLINE_QUEUE})().length === 0")
    assert "2 réponses données hors ligne enregistrées et corrigées : 2 justes." in status.inner_text()
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
