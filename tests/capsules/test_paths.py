"""Individual paths: placement marks exactly the capsules whose questions were right and the path follows;
retake once a week; answer keys never on the page; FSRS practice follows the library's schedule."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from fsrs import Card, Rating

from capsules.learning import placement, practice
from capsules.learning.question_forms import item_token
from capsules.learning.views import device_scope
from capsules.models import (
    Achievement,
    Attempt,
    BadgeCredential,
    Interaction,
    PlacementQuestion,
    PlacementSession,
    PracticeCard,
    PracticeReview,
    Progress,
)
from tests import factories, pages

pytestmark = pytest.mark.django_db


def _question(capsule, kind="single_choice", **kw):
    if kind == "ordering":
        kw.setdefault("choices", [{"id": "s1", "text": "Couper l'eau"}, {"id": "s2", "text": "Dévisser"},
                                  {"id": "s3", "text": "Changer le joint"}])
        kw.setdefault("answer_key", {"order": ["s1", "s2", "s3"]})
    interaction = factories.InteractionFactory(capsule=capsule, kind=kind, **kw)
    PlacementQuestion.objects.create(interaction=interaction, accepted=True)
    return interaction


@pytest.fixture
def block_world():
    """A live block with three capsules of 60 s: two questions on A, one ordering on B, one on C."""
    block = factories.SkillsBlockFactory()
    caps = []
    for i, title in enumerate(["A — couper l'eau", "B — démonter", "C — remonter"]):
        footage = factories.FootageFactory(skills_block=block, duration=60.0)
        capsule = factories.CapsuleFactory(footage=footage, skills_block=block, title=title, order=i)
        pages.capsule_page(capsule)
        caps.append(capsule)
    qa1, qa2 = _question(caps[0]), _question(caps[0], kind="true_false", answer_key={"correct": True})
    qb = _question(caps[1], kind="ordering")
    qc = _question(caps[2])
    return block, caps, {"a1": qa1, "a2": qa2, "b": qb, "c": qc}


def _post_answer(client, url, interaction, right: bool):
    data = {"interaction": interaction.pk}
    if interaction.kind == "single_choice":
        data["choice"] = "a" if right else "b"
    elif interaction.kind == "true_false":
        data["value"] = "true" if right else "false"
    elif interaction.kind == "ordering":
        order = ["s1", "s2", "s3"] if right else ["s2", "s1", "s3"]
        data.update({f"pos-{item_token(interaction, sid)}": str(n) for n, sid in enumerate(order, start=1)})
    return client.post(url, data)


def test_placement_marks_exactly_the_capsules_answered_right_and_the_path_updates(block_world):
    block, caps, q = block_world
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    url = reverse("learner-placement", args=[block.pk])

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Question 1 sur 4" in html
    # Ordering items are ranked by the learner; no key, no feedback on the page.
    assert "Oui : elle garantit" not in html and "correct" not in html

    # A: both right; B: ordering wrong; C: right. Answer in the order the server asks.
    plan = {q["a1"].pk: True, q["a2"].pk: True, q["b"].pk: False, q["c"].pk: True}
    for _ in range(4):
        shown = client.get(url)
        asked = int(shown.context["question"].id)
        if asked == q["b"].pk:  # ordering items carry opaque names, not their stored (ordered) ids
            assert f'name="pos-{item_token(q["b"], "s1")}"' in shown.content.decode()
            # the raw choice id never reaches the page (quoted: a random CSRF token may hold 's1')
            assert '"s1"' not in shown.content.decode() and "'s1'" not in shown.content.decode()
        response = _post_answer(client, url, Interaction.objects.get(pk=asked), plan[asked])
        assert response.status_code == 302
    done = client.get(url)  # no question left: the session closes and the learner goes to the path
    assert done.status_code == 302 and done["Location"].endswith("#parcours")

    session = PlacementSession.objects.get(user=learner, skills_block=block)
    assert session.finished_at is not None
    assert session.acquired_capsule_ids == sorted([caps[0].pk, caps[2].pk])

    path = placement.learner_path(learner, block)
    assert [i.capsule.pk for i in path.remaining] == [caps[1].pk]
    assert [(i.capsule.pk, i.acquired) for i in path.mastered] == [(caps[0].pk, True), (caps[2].pk, True)]
    # A (60 s + 0 mandatory… factory questions are mandatory: 2 × 30 s) and C (60 + 30) saved.
    assert path.saved_minutes == round((60 + 60 + 60 + 30) / 60)
    assert path.remaining_minutes == round((60 + 30) / 60)

    block_page = client.get(block.page.url)
    body = block_page.content.decode()
    assert "Mon parcours" in body and "Acquis au positionnement" in body
    remaining_html = body.split('class="path-remaining"')[1].split("</ol>")[0]
    assert caps[1].title in remaining_html and caps[0].title not in remaining_html
    # Mastered capsules stay playable: their page is linked.
    assert caps[0].page.url in body.split('class="path-mastered"')[1]


def test_time_left_goes_down_once_a_capsule_is_started(block_world):
    """« À suivre (environ N min) » stayed the same once a capsule was started: a started capsule counts
    what is left to watch (``progress.left_to_watch``) and its mandatory questions not answered yet."""
    block, caps, q = block_world
    learner = factories.learner()
    # A: 60 s + 2 mandatory × 30 s; B: 60 + 30; C: 60 + 30.
    before = placement.learner_path(learner, block)
    assert [i.seconds for i in before.remaining] == [120, 90, 90]
    assert before.remaining_minutes == 5
    # A watched to 0:48 (36 s of the 54 the rule needs left to watch… 48 of 60: 6 s more make 90 %), one of
    # its two questions answered.
    Progress.objects.create(user=learner, capsule=caps[0], watched=[[caps[0].start, caps[0].start + 48.0]],
                            watched_fraction=0.8, position=caps[0].start + 48.0)
    Attempt.objects.create(user=learner, interaction=q["a1"], response={}, correct=True, score=1,
                           answered_at=datetime.now(UTC))
    after = placement.learner_path(learner, block)
    a = after.remaining[0]
    assert a.started and a.seconds == 12 + 30  # the stretch 0:48–1:00, and one question
    assert after.remaining_minutes == round((42 + 90 + 90) / 60) < before.remaining_minutes
    body = Client()
    body.force_login(learner)
    html = body.get(block.page.url).content.decode()
    assert f"(environ {after.remaining_minutes} min)" in html


@pytest.mark.parametrize("lang, said", [("fr", "Commencée — 40&nbsp;% regardé"), ("en", "Started — 40% watched")])
def test_a_started_capsule_says_how_much_is_watched(block_world, lang, said):
    """First user's walk 25: a started capsule said « Commencée » and nothing of how far (the block's line
    stays « 0 capsule terminée sur 1 »). Each started capsule now says the share of it watched, from the
    stored ranges as the completion rule reads them, in the path and in the list of capsules, both parts
    the block page updates in place after Back (``?fragment=progress``, ``data-live``)."""
    block, caps, _q = block_world
    learner = factories.learner()
    # 0:00–0:18 and 0:30–0:36 of 60 s: 24 s, 40 %; a stretch outside the capsule does not count.
    a, end = caps[0].start, caps[0].effective_end
    Progress.objects.create(user=learner, capsule=caps[0], position=a + 36.0, watched_fraction=0.4,
                            watched=[[a, a + 18.0], [a + 30.0, a + 36.0], [end + 1, end + 30]])
    # Watched to the rule's 90 % (its mandatory questions not answered): nothing is left to watch.
    Progress.objects.create(user=learner, capsule=caps[1], position=caps[1].start + 54.0, watched_fraction=0.9,
                            watched=[[caps[1].start, caps[1].start + 54.0]])
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(learner)
    for html in (client.get(block.page.url).content.decode(),
                 client.get(block.page.url, {"fragment": "progress"}).content.decode()):
        path = html.split('data-live="path"')[1].split("</section>")[0]
        listed = html.split('data-live="capsules"')[1].split("</ol>")[0]
        for part in (path, listed):
            assert part.count(said) == 1, part
            assert said.replace("40", "90") in part
    # Just under the rule (53.9 s of 60): never rounded up to what the rule asks while something is left.
    Progress.objects.filter(capsule=caps[1]).update(watched=[[caps[1].start, caps[1].start + 53.9]])
    item = placement.learner_path(learner, block).remaining[1]
    assert item.seconds > 0 and item.watched_percent == 89


def test_time_left_is_never_said_0_min_while_a_capsule_is_left(block_world):
    """« À suivre (environ 0 min) » above a capsule « ≈ 1 min » (a capsule of 12 s, walk 24c)."""
    block, caps, _q = block_world
    learner = factories.learner()
    Interaction.objects.all().delete()
    short = factories.CapsuleFactory(footage=caps[0].footage, skills_block=block, title="Court", order=9,
                                     start=0.0, end=12.0)
    pages.capsule_page(short)
    Progress.objects.bulk_create([Progress(user=learner, capsule=c, watched=[[c.start, c.effective_end]],
                                           watched_fraction=1, completed=True, completed_at=datetime.now(UTC))
                                  for c in caps])
    path = placement.learner_path(learner, block)
    assert [i.capsule.pk for i in path.remaining] == [short.pk]
    assert path.remaining[0].minutes == 1 and path.remaining_minutes == 1
    # Started, 11 s of 12 watched: nothing left to watch for the rule, still « environ 1 min ».
    Progress.objects.create(user=learner, capsule=short, watched=[[0.0, 11.0]], watched_fraction=11 / 12,
                            position=11.0)
    path = placement.learner_path(learner, block)
    assert path.remaining[0].seconds == 0 and path.remaining_minutes == 1
    # Walk 27: « ≈ 3 » at the end of one line of a phone and « min » on the next: held together.
    client = Client()
    client.force_login(learner)
    assert "≈&nbsp;1&nbsp;min" in client.get(block.page.url).content.decode()


def test_one_wrong_question_keeps_the_capsule_in_the_path(block_world):
    block, caps, q = block_world
    learner = factories.learner()
    session = placement.current_session(learner, block)
    placement.answer(session, q["a1"], {"choice": "a"})
    placement.answer(session, q["a2"], {"value": "false"})  # A: one of two wrong
    placement.answer(session, q["b"], {"order": ["s1", "s2", "s3"]})
    # C not answered at all: not acquired either.
    assert placement.finish(session) == [caps[1].pk]
    path = placement.learner_path(learner, block)
    assert [i.capsule.pk for i in path.remaining] == [caps[0].pk, caps[2].pk]


def test_placement_can_be_retaken_once_a_week(block_world):
    block, caps, q = block_world
    learner = factories.learner()
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    first = placement.current_session(learner, block, now=t0)
    assert placement.current_session(learner, block, now=t0 + timedelta(hours=1)) == first  # unfinished: resume
    placement.finish(first, now=t0 + timedelta(minutes=10))
    assert placement.current_session(learner, block, now=t0 + timedelta(days=6, hours=23)) is None
    assert not placement.can_start(learner, block, now=t0 + timedelta(days=6))
    second = placement.current_session(learner, block, now=t0 + timedelta(days=7))
    assert second is not None and second.pk != first.pk

    assert PlacementSession.objects.filter(user=learner).count() == 2

    recent = factories.learner()
    placement.finish(placement.current_session(recent, block))
    client = Client()
    client.force_login(recent)
    page = client.get(reverse("learner-placement", args=[block.pk]))
    assert "Vous pourrez le repasser" in page.content.decode() and "question" not in page.context
    assert PlacementSession.objects.filter(user=recent).count() == 1


def test_placement_needs_login_and_a_live_block(block_world):
    block, caps, q = block_world
    anon = Client().get(reverse("learner-placement", args=[block.pk]))
    assert anon.status_code == 302 and anon["Location"].startswith(reverse("learner-login") + "?next=")
    hidden = factories.SkillsBlockFactory()
    client = Client()
    client.force_login(factories.learner())
    assert client.get(reverse("learner-placement", args=[hidden.pk])).status_code == 404


def test_invalid_placement_answer_is_refused_and_asked_again(block_world):
    block, caps, q = block_world
    client = Client()
    learner = factories.learner()
    client.force_login(learner)
    url = reverse("learner-placement", args=[block.pk])
    asked = client.get(url).context["question"]
    bad = client.post(url, {"interaction": asked.id})  # nothing chosen
    assert bad.status_code == 200 and bad.context["error"]
    assert not PlacementSession.objects.get(user=learner).answers.exists()


# --- practice (FSRS) ----------------------------------------------------------------------------


def _completed(learner, capsule, when):
    Progress.objects.create(user=learner, capsule=capsule, watched_fraction=1, completed=True, completed_at=when)


def test_practice_cards_follow_the_fsrs_schedule_and_a_wrong_answer_comes_back_sooner(block_world):
    block, caps, q = block_world
    learner = factories.learner()
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    Attempt.objects.create(user=learner, interaction=q["a1"], response={"choice": "a"}, correct=True, score=1,
                           answered_at=t0)
    Attempt.objects.create(user=learner, interaction=q["a2"], response={"value": False}, correct=False, score=0,
                           answered_at=t0)
    _completed(learner, caps[0], t0)
    assert practice.ensure_cards(learner, now=t0) == 2
    assert practice.ensure_cards(learner, now=t0) == 0  # idempotent

    # Seeds: the training's first try is the first FSRS review (library computed independently here).
    expected_good, _ = practice.SCHEDULER.review_card(Card(), Rating.Good, t0)
    expected_again, _ = practice.SCHEDULER.review_card(Card(), Rating.Again, t0)
    right = PracticeCard.objects.get(user=learner, interaction=q["a1"])
    wrong = PracticeCard.objects.get(user=learner, interaction=q["a2"])
    assert right.due == expected_good.due and wrong.due == expected_again.due
    assert wrong.due < right.due

    # Next day: only the wrongly answered one is due.
    day1 = t0 + timedelta(days=1)
    assert [c.pk for c in practice.due_cards(learner, day1)] == [wrong.pk]

    # Answer it right and wrong on two parallel copies: the wrong one comes back sooner, as FSRS says.
    lib_right, _ = practice.SCHEDULER.review_card(expected_again, Rating.Good, day1)
    lib_wrong, _ = practice.SCHEDULER.review_card(expected_again, Rating.Again, day1)
    outcome = practice.review(wrong, {"value": "true"}, now=day1)
    assert outcome.result.correct is True
    assert outcome.card.due == lib_right.due
    assert lib_wrong.due < lib_right.due

    right.refresh_from_db()
    day2 = expected_good.due
    miss = practice.review(right, {"choice": "b"}, now=day2)
    lib_miss, _ = practice.SCHEDULER.review_card(expected_good, Rating.Again, day2)
    lib_hit, _ = practice.SCHEDULER.review_card(expected_good, Rating.Good, day2)
    assert miss.card.due == lib_miss.due < lib_hit.due
    assert PracticeReview.objects.filter(user=learner).count() == 2


def test_replayed_review_counts_once(block_world):
    block, caps, q = block_world
    learner = factories.learner()
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    _completed(learner, caps[2], t0)
    practice.ensure_cards(learner, now=t0)
    card = PracticeCard.objects.get(user=learner)
    assert card.due == t0 + timedelta(days=1)  # never answered in training: the day after completion
    cid = uuid.uuid4()
    first = practice.review(card, {"choice": "a"}, now=t0 + timedelta(days=1), client_id=cid)
    again = practice.review(card, {"choice": "a"}, now=t0 + timedelta(days=1, minutes=1), client_id=cid)
    assert again.duplicate and not first.duplicate
    assert PracticeReview.objects.filter(card=card).count() == 1
    card.refresh_from_db()
    assert card.due == first.card.due


def test_practice_page_shows_due_items_retention_and_replay_link(block_world):
    block, caps, q = block_world
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    assert "Terminez une capsule" in client.get(reverse("learner-practice")).content.decode()

    t0 = datetime.now(UTC) - timedelta(days=3)
    Attempt.objects.create(user=learner, interaction=q["c"], response={"choice": "b"}, correct=False, score=0,
                           answered_at=t0)
    _completed(learner, caps[2], t0)
    page = client.get(reverse("learner-practice"))
    html = page.content.decode()
    assert "1 question à revoir aujourd'hui" in html
    assert escape(q["c"].prompt) in html and "Rétention estimée après votre première bonne réponse" in html
    assert f'{caps[2].page.url}#t=' in html
    assert "Oui : elle garantit" not in html  # feedback only after answering
    card = page.context["card"]
    answered = client.post(reverse("learner-practice"),
                           {"card": card.pk, "client_id": str(uuid.uuid4()), "choice": "a"})
    body = answered.content.decode()
    assert "Bonne réponse." in body and "Oui : elle garantit" in body and "Cette question reviendra le" in body
    card.refresh_from_db()
    assert card.due.date() > datetime.now(UTC).date()
    after = client.get(reverse("learner-practice")).content.decode()
    assert "Rien à revoir aujourd'hui" in after and "Rétention estimée&nbsp;: <strong>" in after


def test_practice_cards_belong_to_their_learner(block_world):
    block, caps, q = block_world
    owner, other = factories.learner(), factories.learner()
    _completed(owner, caps[2], datetime.now(UTC) - timedelta(days=2))
    practice.ensure_cards(owner)
    card = PracticeCard.objects.get(user=owner)
    client = Client()
    client.force_login(other)
    response = client.post(reverse("learner-practice"), {"card": card.pk, "choice": "a"})
    assert response.status_code == 404
    assert not PracticeReview.objects.exists()


# --- designers' selection ------------------------------------------------------------------------


def test_drafted_selection_puts_ordering_and_hotspot_first_and_only_accepted_are_asked():
    block = factories.SkillsBlockFactory()
    footage = factories.FootageFactory(skills_block=block, duration=60.0)
    capsule = factories.CapsuleFactory(footage=footage, skills_block=block)
    pages.capsule_page(capsule)
    choice = factories.InteractionFactory(capsule=capsule, time=1.0)
    hotspot = factories.InteractionFactory(capsule=capsule, kind="hotspot", time=9.0, choices=[],
                                           answer_key={"regions": [{"rect": [0, 0, 0.5, 0.5]}]})
    ordering = factories.InteractionFactory(capsule=capsule, kind="ordering", time=20.0,
                                            choices=[{"id": "x", "text": "1"}, {"id": "y", "text": "2"}],
                                            answer_key={"order": ["x", "y"]})
    factories.InteractionFactory(capsule=capsule, kind="observe", time=3.0)
    from capsules.authoring.placement_selection import draft_selection

    drafted = draft_selection(block)
    assert [q.interaction_id for q in drafted] == [ordering.pk, hotspot.pk]
    assert placement.placement_questions(block) == []  # proposed, not yet accepted
    assert draft_selection(block) == []  # the capsule already has a selection

    designer = factories.designer()
    client = Client()
    client.force_login(designer)
    url = reverse("geste_placement_selection", args=[block.pk])
    screen = client.get(url)
    assert screen.status_code == 200 and "(proposée)" in screen.content.decode()
    client.post(url, {"interaction": [str(hotspot.pk), str(choice.pk)]})
    assert {q.interaction_id for q in placement.placement_questions(block)} == {hotspot.pk, choice.pk}
    index = client.get(reverse("geste_placement_index")).content.decode()
    assert url in index and "<td>2</td>" in index
    learner_client = Client()
    learner_client.force_login(factories.learner())
    assert learner_client.get(url).status_code in (302, 403)


def test_offline_reviews_sync_at_their_answer_time_without_duplicates(block_world):
    import json

    block, caps, q = block_world
    learner = factories.learner()
    t0 = datetime.now(UTC) - timedelta(days=3)
    Attempt.objects.create(user=learner, interaction=q["c"], response={"choice": "b"}, correct=False, score=0,
                           answered_at=t0)
    _completed(learner, caps[2], t0)
    practice.ensure_cards(learner)
    card = PracticeCard.objects.get(user=learner)
    seeded = practice.to_fsrs(card)
    answered_at = t0 + timedelta(days=1, hours=2)  # answered offline two days ago
    payload = {"reviews": [{"card": card.pk, "client_id": str(uuid.uuid4()), "answered_at": answered_at.isoformat(),
                            "fields": [["card", str(card.pk)], ["choice", "a"]]}]}
    client = Client()
    client.force_login(learner)
    url = reverse("learner-practice-sync")
    first = client.post(url, json.dumps(payload), content_type="application/json").json()
    again = client.post(url, json.dumps(payload), content_type="application/json").json()
    assert first["results"][0]["ok"] and first["results"][0]["correct"] is True
    assert again["results"][0]["duplicate"] is True
    assert PracticeReview.objects.filter(card=card).count() == 1
    card.refresh_from_db()
    expected, _ = practice.SCHEDULER.review_card(seeded, Rating.Good, answered_at)
    assert card.due == expected.due and card.last_review == answered_at

    # Someone else's card, or a malformed answer, records nothing.
    other = Client()
    other.force_login(factories.learner())
    foreign = other.post(url, json.dumps(payload | {"reviews": [payload["reviews"][0] | {
        "client_id": str(uuid.uuid4())}]}), content_type="application/json").json()
    assert foreign["results"][0]["ok"] is False
    bad = client.post(url, json.dumps({"reviews": [{"card": card.pk, "client_id": str(uuid.uuid4()),
                                                    "fields": []}]}), content_type="application/json").json()
    assert bad["results"][0]["ok"] is False and bad["results"][0]["error"]
    assert PracticeReview.objects.count() == 1
    assert Client().post(url, "{}", content_type="application/json").status_code == 401


def test_practice_page_carries_every_due_item_for_offline_use(block_world):
    """All of the day's items are on the page (the first shown): a copy cached for offline use serves
    the day; an item whose capsule has an MP4 names that capsule's offline bundle."""
    block, caps, q = block_world
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    t0 = datetime.now(UTC) - timedelta(days=3)
    for capsule, inter in ((caps[1], q["b"]), (caps[2], q["c"])):
        Attempt.objects.create(user=learner, interaction=inter, response={}, correct=False, score=0, answered_at=t0)
        _completed(learner, capsule, t0)
    caps[2].footage.renditions = {"mp4": "footage/ab/x/test/low.mp4"}
    caps[2].footage.save(update_fields=["renditions"])
    html = client.get(reverse("learner-practice")).content.decode()
    items = re.findall(r'<section class="path-item" data-practice-item data-card="(\d+)"([^>]*)>', html)
    assert len(items) == 2 and "hidden" not in items[0][1] and "hidden" in items[1][1]
    bundles = [re.search(r'data-offline-bundle="([^"]+)"', attrs) for _card, attrs in items]
    by_card = {int(card): m.group(1) if m else None for (card, _a), m in zip(items, bundles, strict=True)}
    cards = {c.interaction_id: c.pk for c in PracticeCard.objects.filter(user=learner)}
    assert by_card[cards[q["b"].pk]] is None  # no MP4: the step cannot be replayed offline
    assert by_card[cards[q["c"].pk]] == reverse("learner-offline", args=[caps[2].pk])
    assert f'data-scope="{device_scope(learner)}"' in html and "data-sw=" in html
    other = factories.learner()
    assert device_scope(other) != device_scope(learner)  # each account its own offline queue


# --- a learner who completed capsules with every answer wrong ---------------------------------------


def _all_wrong(learner, caps, q, when):
    """A learner completed capsule A answering both questions wrong (as a first user did)."""
    for key in ("a1", "a2"):
        Attempt.objects.create(user=learner, interaction=q[key], response={}, correct=False, score=0.5,
                               answered_at=when)
    _completed(learner, caps[0], when)


def test_completed_with_every_answer_wrong_is_terminated_not_mastered(block_world):
    block, caps, q = block_world
    learner = factories.learner()
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    _all_wrong(learner, caps, q, t0)
    path = placement.learner_path(learner, block)
    assert path.mastered == []
    [item] = path.to_consolidate
    assert item.capsule.pk == caps[0].pk and item.completed and not item.mastered
    assert (item.right, item.graded, item.percent) == (0, 2, 0)
    assert [i.capsule.pk for i in path.remaining] == [caps[1].pk, caps[2].pk]

    client = Client()
    client.force_login(learner)
    body = client.get(block.page.url).content.decode()
    assert "Déjà maîtrisé" not in body and 'class="path-mastered"' not in body
    consolidate = body.split('class="path-consolidate"')[1].split("</ul>")[0]
    assert escape(caps[0].title) in consolidate and "Terminée" in consolidate
    assert 'Vos dernières réponses&nbsp;: <span class="nb">0&nbsp;%</span> justes (0 sur 2).' in consolidate
    assert "Refaire la capsule" in consolidate
    # Just completed, its questions not due before tomorrow: no practice link yet, the day said (walk 24).
    assert reverse("learner-practice") not in consolidate and "ses questions reviendront le" in consolidate

    # Once each question has been answered right (in the capsule again), the capsule is mastered.
    for key in ("a1", "a2"):
        Attempt.objects.create(user=learner, interaction=q[key], response={}, correct=True, score=1,
                               answered_at=t0 + timedelta(minutes=1))
    path = placement.learner_path(learner, block)
    assert [(i.capsule.pk, i.mastered, i.percent) for i in path.mastered] == [(caps[0].pk, True, 100)]
    assert path.to_consolidate == []
    # Mastered by watching, not at placement: with the completed capsules, not « Déjà maîtrisé » (walk 26).
    body = client.get(block.page.url).content.decode()
    assert "Terminé, maîtrisé" in body and "Déjà maîtrisé" not in body
    assert escape(caps[0].title) in body.split('class="path-completed"')[1]


def test_retention_is_not_estimated_before_a_right_answer_and_missed_questions_are_announced(block_world):
    block, caps, q = block_world
    learner = factories.learner()
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    _all_wrong(learner, caps, q, t0)
    now = t0 + timedelta(minutes=5)
    assert practice.ensure_cards(learner, now) == 2
    expected_again, _ = practice.SCHEDULER.review_card(Card(), Rating.Again, t0)
    assert set(PracticeCard.objects.filter(user=learner).values_list("due", flat=True)) == {expected_again.due}
    # FSRS alone would say 100 % here (elapsed time zero); nothing was ever right, so no estimate.
    assert practice.SCHEDULER.get_card_retrievability(expected_again, now) > 0.99
    ret = practice.retention(learner, now)
    assert ret.percent is None and ret.cards == 2
    # Missed questions come back on the library's schedule (no same-day steps: the next day), said so.
    assert ret.due_today == 0 and ret.next_due == expected_again.due and ret.next_due_count == 2

    client = Client()
    client.force_login(learner)
    html = client.get(reverse("learner-practice")).content.decode()
    assert "100 %" not in html and "Rétention estimée :" not in html
    assert "Rétention estimée après votre première bonne réponse" in html
    assert "Prochain entraînement le" in html and ": 2 questions." in html

    # The next day, both missed questions are due; a right answer brings an estimate from FSRS.
    day1 = expected_again.due
    due = list(practice.due_cards(learner, day1))
    assert len(due) == 2
    card = next(c for c in due if c.interaction_id == q["a1"].pk)
    practice.review(card, {"choice": "a"}, now=day1)
    ret = practice.retention(learner, day1)
    # The card answered right counts with its FSRS recall; the one still missed counts 0 (one of two).
    right = practice.to_fsrs(PracticeCard.objects.get(user=learner, interaction=q["a1"]))
    expected = round(100 * practice.SCHEDULER.get_card_retrievability(right, day1) / 2)
    assert ret.percent == expected and ret.percent <= 50


def test_no_placement_offer_once_the_whole_block_is_done(block_world):
    """A walk saw « Passer le positionnement » (skip what you already master) beside « Vous avez parcouru
    tout le bloc »: once nothing remains, there is nothing to skip."""
    block, caps, q = block_world
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    assert "Passer le positionnement" in client.get(block.page.url).content.decode()  # a new learner: offered
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    for inter in q.values():  # completion asks every mandatory question answered (an unanswered one: walk 39)
        _answered(learner, inter, True, t0)
    for capsule in caps:
        _completed(learner, capsule, t0)
    body = client.get(block.page.url).content.decode()
    assert "Vous avez parcouru tout le bloc." in body
    assert "Passer le positionnement" not in body and reverse("learner-placement", args=[block.pk]) not in body


def test_capsule_under_the_badge_first_try_minimum_is_to_consolidate_not_mastered(block_world):
    """A first user scored 25 % at first try (minimum 50 %), retried every question right in the capsule,
    and the block page filed the capsule under « Déjà maîtrisé »: now it is « Terminé, à consolider »."""
    block, caps, q = block_world
    Achievement.objects.create(skills_block=block, name="Plomberie", description="d", criteria_narrative="c",
                               min_first_try_score=50)
    learner = factories.learner()
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    for n, key in enumerate(("a1", "a2")):  # wrong at first, right on « Réessayer »
        Attempt.objects.create(user=learner, interaction=q[key], response={}, correct=False, score=0,
                               answered_at=t0 + timedelta(seconds=10 * n))
        Attempt.objects.create(user=learner, interaction=q[key], response={}, correct=True, score=1,
                               answered_at=t0 + timedelta(seconds=10 * n + 5))
    _completed(learner, caps[0], t0 + timedelta(minutes=1))
    path = placement.learner_path(learner, block)
    assert path.mastered == []
    [item] = path.to_consolidate
    assert (item.capsule.pk, item.right, item.first_right, item.first_percent, item.minimum) == \
        (caps[0].pk, 2, 0, 0, 50)

    client = Client()
    client.force_login(learner)
    body = client.get(block.page.url).content.decode()
    assert "Déjà maîtrisé" not in body and 'class="path-mastered"' not in body
    consolidate = body.split('class="path-consolidate"')[1].split("</ul>")[0]
    assert escape(caps[0].title) in consolidate
    # Each number says what it is (walk 19): the best complete pass against the minimum, the first try
    # that the badge counts; not the latest answers as a percentage (100 % after « Réessayer »), which read as a
    # contradiction, but as what the retries got, beside the pass (first-user walk).
    assert ('Meilleure tentative complète&nbsp;: <span class="nb">0&nbsp;%</span>&nbsp;; après nouvelles tentatives, '
            '2 réponses justes sur 2&nbsp;; seule une nouvelle tentative complète à <span class="nb">50&nbsp;%</span> '
            "ou plus rend la capsule maîtrisée.") in consolidate
    assert ("Premier essai&nbsp;: <span class=\"nb\">0&nbsp;%</span> — c'est ce score qui compte pour le badge"
            in consolidate)
    assert "dernières réponses" not in consolidate
    assert f'{caps[0].page.url}#nouvelle-tentative">Refaire la capsule' in consolidate

    # A first try that reaches the minimum (one of two right, 50 %) is mastered once every question was right.
    other = factories.learner()
    Attempt.objects.create(user=other, interaction=q["a1"], response={}, correct=True, score=1, answered_at=t0)
    Attempt.objects.create(user=other, interaction=q["a2"], response={}, correct=False, score=0, answered_at=t0)
    Attempt.objects.create(user=other, interaction=q["a2"], response={}, correct=True, score=1,
                           answered_at=t0 + timedelta(seconds=5))
    _completed(other, caps[0], t0 + timedelta(minutes=1))
    path = placement.learner_path(other, block)
    assert [(i.capsule.pk, i.first_percent) for i in path.mastered] == [(caps[0].pk, 50)]
    assert path.to_consolidate == []


def test_a_later_complete_pass_at_the_minimum_makes_the_capsule_mastered(block_world):
    """Walk 17: a capsule whose first try scored under the badge's minimum could never become « maîtrisée »,
    whatever the learner did afterwards. As in mature LMSs, mastery is shown on a complete attempt: a new
    pass through the capsule (« Refaire la capsule »: the player sends ``run``) that answers every graded
    question and reaches the minimum makes it « maîtrisée ». The first-try score is still reported apart,
    retries inside a pass (« Réessayer ») do not lift it, and an incomplete pass does not count."""
    import json

    block, caps, q = block_world
    Achievement.objects.create(skills_block=block, name="Plomberie", description="d", criteria_narrative="c",
                               min_first_try_score=100)
    learner = factories.learner()
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    for n, key in enumerate(("a1", "a2")):  # first pass: wrong, then right on « Réessayer »
        Attempt.objects.create(user=learner, interaction=q[key], response={}, correct=False, score=0,
                               answered_at=t0 + timedelta(seconds=10 * n))
        Attempt.objects.create(user=learner, interaction=q[key], response={}, correct=True, score=1,
                               answered_at=t0 + timedelta(seconds=10 * n + 5))
    _completed(learner, caps[0], t0 + timedelta(minutes=1))
    assert [i.capsule.pk for i in placement.learner_path(learner, block).to_consolidate] == [caps[0].pk]

    client = Client()
    client.force_login(learner)
    manifest = client.get(reverse("learner-manifest", args=[caps[0].pk])).json()
    assert manifest["run"] == 1 and manifest["attempts"][str(q["a2"].pk)]["run"] == 1
    # A second pass: the first question right, through the API (graded on the server), the second not yet.
    Attempt.objects.create(user=learner, interaction=q["a1"], response={}, correct=True, score=1, run=2,
                           answered_at=t0 + timedelta(minutes=2))
    path = placement.learner_path(learner, block)
    [item] = path.to_consolidate
    assert (item.best_right, item.best_percent) == (0, 0)  # an incomplete pass does not count
    answer = client.post(reverse("learner-answer", args=[q["a2"].pk]), json.dumps(
        {"response": {"value": True}, "client_id": str(uuid.uuid4()), "run": 2}), content_type="application/json")
    assert answer.status_code == 200 and answer.json()["correct"] is True
    assert Attempt.objects.filter(user=learner, interaction=q["a2"]).latest("answered_at", "pk").run == 2
    assert client.get(reverse("learner-manifest", args=[caps[0].pk])).json()["run"] == 2
    path = placement.learner_path(learner, block)
    assert path.to_consolidate == []
    [item] = path.mastered
    assert (item.capsule.pk, item.mastered, item.best_percent, item.first_percent) == (caps[0].pk, True, 100, 0)
    body = client.get(block.page.url).content.decode()
    assert escape(caps[0].title) in body.split('class="path-completed"')[1]  # « Terminé, maîtrisé » (walk 26)

    # A malformed run counts in the first pass.
    other = factories.learner()
    c2 = Client()
    c2.force_login(other)
    c2.post(reverse("learner-answer", args=[q["a2"].pk]), json.dumps(
        {"response": {"value": True}, "client_id": str(uuid.uuid4()), "run": "2"}), content_type="application/json")
    assert Attempt.objects.get(user=other).run == 1


RETRIED = {
    "fr": ("Meilleure tentative complète : 0 % ; après nouvelles tentatives, {k} sur {n} ; seule une "
           "nouvelle tentative complète à 50 % ou plus rend la capsule maîtrisée."),
    "en": ("Best complete attempt: 0%; after further tries, {k} out of {n}; only a new complete attempt "
           "at 50% or more makes the capsule mastered."),
}
RIGHT = {"fr": ("réponse juste", "réponses justes"), "en": ("answer right", "answers right")}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_consolidate_card_says_the_complete_attempt_and_the_retries_in_one_sentence(block_world, lang):
    """First-user walk: one complete attempt at 0 %, then right on « Réessayer » in the player, whose end
    panel said « Après nouvelles tentatives : 1 juste sur 1 » while the block page said only « Meilleure
    tentative complète : 0 % — il faut 50 % … ». Both true, read as contradictory: the card now says both
    measures, and that only a new complete attempt at the minimum makes the capsule mastered."""
    block, caps, q = block_world
    Achievement.objects.create(skills_block=block, name="Plomberie", description="d", criteria_narrative="c",
                               min_first_try_score=50)
    learner = factories.learner()
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    for n, key in enumerate(("c", "a1", "a2")):  # wrong at the first answer, right on « Réessayer »
        _answered(learner, q[key], False, t0 + timedelta(seconds=10 * n))
        _answered(learner, q[key], True, t0 + timedelta(seconds=10 * n + 5))
    _answered(learner, q["b"], False, t0)  # answered once, wrong: no retries
    for capsule in caps:
        _completed(learner, capsule, t0 + timedelta(minutes=1))
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(learner)
    body = client.get(block.page.url).content.decode()
    cards = {title: " ".join(unescape(re.sub(r"<[^>]+>", "", card)).split())
             for card in body.split('class="path-consolidate"')[1].split("</ul></li>")[:-1]
             for title in [c.title for c in caps] if escape(title) in card}
    one, many = RIGHT[lang]
    said = RETRIED[lang]
    assert said.format(k=f"1 {one}", n=1) in cards[caps[2].title], cards[caps[2].title]
    assert said.format(k=f"2 {many}", n=2) in cards[caps[0].title], cards[caps[0].title]
    # Never retried: the complete attempt and the minimum only.
    plain = {"fr": "Meilleure tentative complète : 0 % — il faut 50 % pour maîtriser la capsule.",
             "en": "Best complete attempt: 0% — 50% is needed to master the capsule."}[lang]
    assert plain in cards[caps[1].title] and said.split(";")[1] not in cards[caps[1].title]
    # Still no percentage of the latest answers beside the 0 % (walk 19).
    assert all("100" not in card for card in cards.values())


@pytest.mark.parametrize(("lang", "minimum", "first_try"), [("fr", "50 %", "premier essai"),
                                                             ("en", "50%", "first try")])
def test_block_page_says_each_score_rule_once(block_world, lang, minimum, first_try):
    """First-user walk 29 (360 px phone): a capsule « à consolider » said what makes it mastered twice (its
    best attempt « … seule une nouvelle tentative complète à 50 % ou plus rend la capsule maîtrisée » and
    « Refaire la capsule : une tentative complète à 50 % ou plus rend la capsule maîtrisée »), and the first
    try's rule twice (« c'est ce score qui compte pour le badge du bloc. Il est définitif… » and « pour le badge,
    le premier essai reste le même… »). Each is said once, beside the score it explains; the action line says
    what it does. A block partly done: one capsule retried, one answered once, one not started."""
    block, caps, q = block_world
    Achievement.objects.create(skills_block=block, name="Plomberie", description="d", criteria_narrative="c",
                               min_first_try_score=50)
    learner = factories.learner()
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    for n, key in enumerate(("a1", "a2")):  # wrong at the first answer, right on « Réessayer »
        _answered(learner, q[key], False, t0 + timedelta(seconds=10 * n))
        _answered(learner, q[key], True, t0 + timedelta(seconds=10 * n + 5))
    _answered(learner, q["b"], False, t0)  # answered once, wrong
    for capsule in caps[:2]:
        _completed(learner, capsule, t0 + timedelta(minutes=1))
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(learner)
    body = client.get(block.page.url).content.decode()
    cards = [" ".join(unescape(re.sub(r"<[^>]+>", " ", card)).split())
             for card in body.split('class="path-consolidate"')[1].split("</ul></li>")[:-1]]
    assert len(cards) == 2
    for card in cards:
        assert card.count(minimum) == 1, card  # the minimum that makes the capsule mastered
        assert card.lower().count(first_try) == 1, card  # « Premier essai : 0 % — … badge … définitif »
        assert {"fr": "Refaire la capsule", "en": "Redo the capsule"}[lang] in card, card
    page = " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())
    mastered = {"fr": "rend la capsule maîtrisée", "en": "makes the capsule mastered"}[lang]
    assert page.count(mastered) == 1, page  # the retried capsule's; the other says « il faut 50 % … »
    final = {"fr": "Il est définitif", "en": "It is final"}[lang]
    assert page.count(final) == 2, page  # once per capsule, under its first try


def _answered(learner, interaction, correct: bool, when):
    Attempt.objects.create(user=learner, interaction=interaction, response={}, correct=correct,
                           score=1 if correct else 0, answered_at=when)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_practice_offered_on_a_completed_capsule_only_when_its_questions_are_due(block_world, lang):
    """Walk 24: « S'entraîner sur ses questions », offered right after a capsule was finished, opened an
    empty « Rien à revoir aujourd'hui ». Not offered then: the block page says when its questions come
    back; offered once they are due."""
    block, caps, q = block_world
    learner = factories.learner()
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(learner)
    just_now = datetime.now(UTC) - timedelta(minutes=5)
    _answered(learner, q["a1"], False, just_now)
    _answered(learner, q["a2"], False, just_now)
    _completed(learner, caps[0], just_now)
    body = client.get(block.page.url).content.decode()
    consolidate = body.split('class="path-consolidate"')[1].split("</section>")[0]
    practice_url = reverse("learner-practice")
    link = f'<a href="{practice_url}">'
    assert not practice.due_cards(learner).exists()  # what the practice page would show: nothing
    assert link not in consolidate and "path-action-practice\"" not in consolidate
    day = practice.PracticeCard.objects.filter(user=learner).order_by("due").first().due
    from django.utils import formats, timezone, translation

    with translation.override(lang):
        said = formats.date_format(timezone.localtime(day), "l j F")
    later = {"fr": f"Entraînement&nbsp;: rien à revoir aujourd'hui&nbsp;; ses questions reviendront le {said}",
             "en": f"Practice: nothing to review today; its questions come back on {said}"}[lang]
    assert later in consolidate.replace("&#x27;", "'"), consolidate[:1500]
    # Two days later they are due: the practice is offered.
    PracticeCard.objects.filter(user=learner).update(due=datetime.now(UTC) - timedelta(hours=1))
    body = client.get(block.page.url).content.decode()
    consolidate = body.split('class="path-consolidate"')[1].split("</section>")[0]
    assert link in consolidate and {"fr": "S'entraîner sur ses questions", "en": "Practise your questions"}[lang] \
        in consolidate.replace("&#x27;", "'")
    assert "path-action-practice-later" not in consolidate


def test_no_placement_offer_once_a_capsule_of_the_block_is_completed(block_world):
    """Walk 24: « Passer le positionnement » stayed offered after the learner had finished a capsule; the
    placement would ask again about what they have just trained on. Not offered once a capsule is done."""
    block, caps, q = block_world
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    placement_url = reverse("learner-placement", args=[block.pk])
    Progress.objects.create(user=learner, capsule=caps[0], watched_fraction=0.4)  # started only: still offered
    assert placement_url in client.get(block.page.url).content.decode()
    Progress.objects.filter(user=learner, capsule=caps[0]).update(
        watched_fraction=1, completed=True, completed_at=datetime.now(UTC) - timedelta(minutes=5))
    body = client.get(block.page.url).content.decode()
    assert "À suivre" in body  # two capsules remain...
    assert "Passer le positionnement" not in body and placement_url not in body  # ...but no placement offer


# --- walk 25: the placement's result, the block page's practice line said once ---------------------------


def _text(response) -> str:
    return _text_of(response.content.decode())


def _text_of(body: str) -> str:
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _sit_placement(client, url, q, plan):
    for _ in range(len(plan)):
        asked = int(client.get(url).context["question"].id)
        _post_answer(client, url, Interaction.objects.get(pk=asked), plan[asked])
    return client.get(url, follow=True)  # the last answer given: the session closes, the learner lands on the path


PLACEMENT_RESULT = {
    "fr": {
        "score": "Résultat du positionnement : 3 bonnes réponses sur 4.",
        "acquired": "Capsules reconnues comme déjà maîtrisées (acquises au positionnement, elles sortent de votre "
                    "parcours) : A — couper l'eau, C — remonter.",
        "remaining": "Reste à suivre : B — démonter.",
        "score_none": "Résultat du positionnement : 1 bonne réponse sur 4.",
        "none": "Aucune capsule n'a été reconnue comme déjà maîtrisée : il faut répondre juste à toutes les "
                "questions d'une capsule.",
        "remaining_all": "Restent à suivre : A — couper l'eau, B — démonter, C — remonter.",
    },
    "en": {
        "score": "Placement result: 3 right answers out of 4.",
        "acquired": "Capsules recognised as already mastered (acquired at placement, they leave your path): "
                    "A — couper l'eau, C — remonter.",
        "remaining": "Still to follow: B — démonter.",
        "score_none": "Placement result: 1 right answer out of 4.",
        "none": "No capsule was recognised as already mastered: every question of a capsule must be answered "
                "right.",
        "remaining_all": "Still to follow: A — couper l'eau, B — démonter, C — remonter.",
    },
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_placement_result_says_the_score_what_was_recognised_and_what_remains(block_world, lang):
    """Walk 25: after the last question the learner landed on the block page with only « Positionnement
    passé. Vous pourrez le repasser… »: no score, no word on what the placement recognised. The page they
    land on says how many answers were right, which capsules were acquired at placement and which remain."""
    block, caps, q = block_world
    words = PLACEMENT_RESULT[lang]
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(factories.learner())
    url = reverse("learner-placement", args=[block.pk])
    landed = _sit_placement(client, url, q, {q["a1"].pk: True, q["a2"].pk: True, q["b"].pk: False, q["c"].pk: True})
    assert landed.redirect_chain[-1][0].endswith(block.page.url + "#parcours")
    page = _text(landed)
    for key in ("score", "acquired", "remaining"):
        assert words[key] in page, (key, page)
    assert words["none"] not in page

    # Nothing recognised: said so, and every capsule remains.
    other = Client(HTTP_ACCEPT_LANGUAGE=lang)
    other.force_login(factories.learner())
    page = _text(_sit_placement(other, url, q, {q["a1"].pk: True, q["a2"].pk: False, q["b"].pk: False,
                                                 q["c"].pk: False}))
    for key in ("score_none", "none", "remaining_all"):
        assert words[key] in page, (key, page)


def _consolidating(learner, q, keys, when):
    for key in keys:
        _answered(learner, q[key], False, when)


def test_block_page_says_the_practice_day_once_unless_the_path_line_adds_something(block_world):
    """Walk 25: under « Terminé, à consolider » each capsule says « ses questions reviendront le … » and just
    below the path said « prochaines questions le … », the same day. The path's line is said only when it
    adds something: several capsules coming back on different days (it says the earliest)."""
    block, caps, q = block_world
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    just_now = datetime.now(UTC) - timedelta(minutes=5)
    _consolidating(learner, q, ["a1", "a2"], just_now)
    _completed(learner, caps[0], just_now)
    body = _text(client.get(block.page.url))
    assert "ses questions reviendront le" in body
    assert "prochaines questions le" not in body  # one capsule: the same day said twice

    # A second capsule whose questions come back later: the path's line says the earliest day.
    _consolidating(learner, q, ["b"], just_now)
    _completed(learner, caps[1], just_now)
    practice.ensure_cards(learner)
    first_day = PracticeCard.objects.filter(user=learner, interaction__capsule=caps[0]).order_by("due").first().due
    PracticeCard.objects.filter(user=learner, interaction__capsule=caps[1]).update(due=first_day + timedelta(days=3))
    from django.utils import formats, timezone

    earliest = formats.date_format(timezone.localtime(first_day), "l j F")
    body = _text(client.get(block.page.url))
    assert body.count("ses questions reviendront le") == 2
    assert f"Entraînement : rien à revoir aujourd'hui ; prochaines questions le {earliest}." in body

    # Both on the same day: nothing more to say.
    PracticeCard.objects.filter(user=learner).update(due=first_day)
    body = _text(client.get(block.page.url))
    assert body.count("ses questions reviendront le") == 2 and "prochaines questions le" not in body


# --- walk 25b: the badge panel after a placement passed, the time the placement saved ---------------------

PLACED_BADGE = {
    "fr": {
        "acquired": "A — couper l'eau (acquise au positionnement ; le badge demande de la suivre en entier et de "
                    "répondre à ses questions)",
        "started": "A — couper l'eau (acquise au positionnement, le badge demande de la suivre en entier ; il "
                   "reste à regarder",
        "note": "Les réponses du test de positionnement ne comptent pas pour le badge.",
        "not_started": "(pas encore commencée)",
        "none_started": "Aucune des 3 capsules du bloc n'est encore commencée",
    },
    "en": {
        "acquired": "A — couper l'eau (acquired at placement; the badge asks you to follow it through and answer "
                    "its questions)",
        "started": "A — couper l'eau (acquired at placement, the badge asks you to follow it through; still to "
                   "watch",
        "note": "Placement test answers do not count towards the badge.",
        "not_started": "(not started yet)",
        "none_started": "None of the block's 3 capsules has been started yet",
    },
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_badge_panel_says_a_capsule_acquired_at_placement_and_that_placement_answers_do_not_count(block_world,
                                                                                                   lang):
    """Walk 25b: after a placement with every answer right, the top of the block page said « acquise au
    positionnement », « Vous avez parcouru tout le bloc », and the badge panel « Capsule non terminée : … (pas
    encore commencée) » with the questions just answered right « pas encore répondue ». The badge's rule is
    unchanged (it asks the capsules followed and their questions answered); what it says names the placement."""
    block, caps, q = block_world
    Achievement.objects.create(skills_block=block, name="Plomberie", description="d", criteria_narrative="c")
    words = PLACED_BADGE[lang]
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    learner = factories.learner()
    client.force_login(learner)
    url = reverse("learner-placement", args=[block.pk])
    page = _text(_sit_placement(client, url, q, {i.pk: True for i in q.values()}))
    assert words["acquired"] in page, page
    assert words["not_started"] not in page
    assert words["note"] in page
    # Started since (10 s watched): what is left, still under the placement's word.
    Progress.objects.create(user=learner, capsule=caps[0], watched=[[caps[0].start, caps[0].start + 10.0]],
                            watched_fraction=10 / 60, position=caps[0].start + 10.0)
    page = _text(client.get(block.page.url))
    assert words["started"] in page, page

    # No placement taken: neither the placement's word nor the note; nothing started: one sentence (walk 27).
    other = Client(HTTP_ACCEPT_LANGUAGE=lang)
    other.force_login(factories.learner())
    page = _text(other.get(block.page.url))
    assert words["none_started"] in page and words["note"] not in page and words["acquired"] not in page
    assert words["not_started"] not in page


def test_minutes_saved_by_placement_do_not_go_down_when_an_acquired_capsule_is_rewatched(block_world):
    """Walk 25b: « Déjà maîtrisé (3 min gagnées au positionnement) » became « 2 min » once the learner watched an
    acquired capsule for 10 s: the time saved is the capsule's whole estimated time, not what is left of it."""
    block, caps, q = block_world
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    _sit_placement(client, reverse("learner-placement", args=[block.pk]), q, {i.pk: True for i in q.values()})
    before = placement.learner_path(learner, block)
    assert before.saved_minutes == round((120 + 90 + 90) / 60) == 5
    for capsule in caps:  # each acquired capsule re-watched for 10 s (not completed)
        Progress.objects.create(user=learner, capsule=capsule, watched=[[capsule.start, capsule.start + 10.0]],
                                watched_fraction=10 / 60, position=capsule.start + 10.0)
    after = placement.learner_path(learner, block)
    assert after.saved_minutes == 5
    assert "(5 min gagnées au positionnement)" in _text(client.get(block.page.url))


def test_already_mastered_lists_the_placement_s_capsules_not_those_completed_by_watching(block_world):
    """Walk 26: « Déjà maîtrisé (N min gagnées au positionnement) » also listed a capsule the learner had
    simply watched and answered right: it is « Terminé, maîtrisé » now, with the completed capsules; only
    what the placement recognised is « déjà maîtrisé ». Mastery itself (and the badge) is unchanged."""
    block, caps, q = block_world
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    # Placement: A right (acquired), B and C wrong.
    _sit_placement(client, reverse("learner-placement", args=[block.pk]), q,
                   {q["a1"].pk: True, q["a2"].pk: True, q["b"].pk: False, q["c"].pk: False})
    # Then C watched to the end, its question answered right: mastered the normal way.
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    Attempt.objects.create(user=learner, interaction=q["c"], response={}, correct=True, score=1, answered_at=t0)
    _completed(learner, caps[2], t0 + timedelta(minutes=1))
    path = placement.learner_path(learner, block)
    assert [(i.capsule.pk, i.acquired, i.mastered) for i in path.mastered] == [
        (caps[0].pk, True, False), (caps[2].pk, False, True)]  # the model's mastery: unchanged
    body = client.get(block.page.url).content.decode()
    already = body.split('class="path-mastered"')[1].split("</ul>")[0]
    assert escape(caps[0].title) in already and "Acquis au positionnement" in already
    assert escape(caps[2].title) not in already
    done = body.split('class="path-completed"')[1].split("</ul>")[0]
    assert escape(caps[2].title) in done and "Terminée" in done and escape(caps[0].title) not in done
    assert "Terminé, maîtrisé" in body


def test_a_capsule_mastered_by_watching_alone_is_not_already_mastered(block_world):
    """No placement taken: a capsule completed with every answer right is not « Déjà maîtrisé »."""
    block, caps, q = block_world
    learner = factories.learner()
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    Attempt.objects.create(user=learner, interaction=q["c"], response={}, correct=True, score=1, answered_at=t0)
    _completed(learner, caps[2], t0 + timedelta(minutes=1))
    client = Client()
    client.force_login(learner)
    body = client.get(block.page.url).content.decode()
    assert "Déjà maîtrisé" not in body and 'class="path-mastered"' not in body
    assert escape(caps[2].title) in body.split('class="path-completed"')[1].split("</ul>")[0]


BADGE_AFTER_PLACEMENT = {
    "fr": {
        "badge_all": "Pour le badge, il reste à suivre en entier :",
        "badge_a": "Pour le badge, il reste aussi à suivre en entier :",
        "result_badge": "Plus aucune capsule à suivre",
        "nothing": "Plus aucune capsule à suivre dans ce bloc.",
        "walked": "Vous avez parcouru tout le bloc.",
    },
    "en": {
        "badge_all": "For the badge, still to watch in full:",
        "badge_a": "For the badge, also still to watch in full:",
        "result_badge": "No capsule left to follow",
        "nothing": "No capsule left to follow in this block.",
        "walked": "You have been through the whole block.",
    },
}


def _badge_follow(body: str) -> str:
    """The path's « Pour le badge, il reste (aussi) à suivre en entier : … » paragraph (its HTML), or ''."""
    return body.split('class="path-badge-follow"')[1].split("</p>")[0] if 'class="path-badge-follow"' in body else ""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_path_names_the_capsules_acquired_at_placement_the_badge_still_needs(block_world, lang):
    """Walk 26: right after a placement with every answer right, the path said « Plus aucune capsule à suivre
    dans ce bloc » and « Vous avez parcouru tout le bloc » while the badge box said each capsule acquired at
    placement must still be followed in full: a learner who wants the badge was told to stop. The path now
    names them, with links; « parcouru tout le bloc » once nothing is left for the path and the badge."""
    block, caps, q = block_world
    Achievement.objects.create(skills_block=block, name="Plomberie", description="d", criteria_narrative="c")
    words = BADGE_AFTER_PLACEMENT[lang]
    learner = factories.learner()
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(learner)
    response = _sit_placement(client, reverse("learner-placement", args=[block.pk]), q,
                              {i.pk: True for i in q.values()})
    page, body = _text(response), response.content.decode()
    # Said once, with links (walk 26b: the result box repeated it without links, and the badge box a third time).
    result = _text_of(body.split('class="path-placement-result"')[1].split("</div>")[0])
    assert "Résultat" in result or "result" in result, result
    assert words["result_badge"] not in result, result
    assert words["badge_all"] in page and page.count(words["badge_all"]) == 1
    assert words["nothing"] not in page and words["walked"] not in page
    follow = _badge_follow(body)
    for capsule in caps:
        assert f'href="{capsule.page.url}">{escape(capsule.title)}</a>' in follow

    # All three followed through since: the path and the badge have nothing left.
    t0 = datetime.now(UTC) + timedelta(minutes=1)
    for inter in q.values():  # completion asks every mandatory question answered (an unanswered one: walk 39)
        _answered(learner, inter, True, t0)
    for capsule in caps:
        _completed(learner, capsule, t0)
    body = client.get(block.page.url).content.decode()
    assert words["walked"] in _text_of(body) and not _badge_follow(body)


def test_path_says_the_badge_also_needs_an_acquired_capsule_beside_the_remaining_ones(block_world):
    block, caps, q = block_world
    badge = Achievement.objects.create(skills_block=block, name="Plomberie", description="d", criteria_narrative="c")
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    response = _sit_placement(client, reverse("learner-placement", args=[block.pk]), q,
                              {q["a1"].pk: True, q["a2"].pk: True, q["b"].pk: False, q["c"].pk: False})
    page, body = _text(response), response.content.decode()
    assert "Restent à suivre : B — démonter, C — remonter." in page
    assert BADGE_AFTER_PLACEMENT["fr"]["badge_a"] in page, page
    follow = _badge_follow(body)
    assert f'href="{caps[0].page.url}"' in follow and f'href="{caps[1].page.url}"' not in follow
    assert "Vous avez parcouru tout le bloc." not in page
    # The badge awarded by hand since: nothing more to follow for it.
    BadgeCredential.objects.create(achievement=badge, user=learner, status_index=990001, document={},
                                   issued_at=datetime.now(UTC))
    page = _text(client.get(block.page.url))
    assert "Restent à suivre : B — démonter, C — remonter." in page and "Pour le badge" not in page


def test_without_a_badge_nothing_left_after_placement_says_the_block_is_walked(block_world):
    """No badge on the block: a placement with every answer right leaves nothing to follow (unchanged)."""
    block, caps, q = block_world
    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    page = _text(_sit_placement(client, reverse("learner-placement", args=[block.pk]), q,
                                {i.pk: True for i in q.values()}))
    words = BADGE_AFTER_PLACEMENT["fr"]
    assert words["nothing"] in page and words["walked"] in page
    assert "Pour le badge" not in page


PLACEMENT_LINE = {
    "fr": (r"Positionnement du \d{1,2} \w+ \d{4} : 3 capsules acquises\.", "Résultat du positionnement"),
    "en": (r"Placement test of \d{1,2} \w+ \d{4}: 3 capsules acquired\.", "Placement result"),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_placement_result_is_news_until_a_capsule_is_completed_after_it(block_world, lang):
    """Walk 26: the placement's result (« … elles sortent de votre parcours … Plus aucune capsule à suivre »)
    stayed at the top of « Mon parcours » after the learner followed the capsule through and earned the badge.
    It is the latest news until a capsule of the block is completed after the placement; then one line."""
    block, caps, q = block_world
    Achievement.objects.create(skills_block=block, name="Plomberie", description="d", criteria_narrative="c")
    line, result = PLACEMENT_LINE[lang]
    learner = factories.learner()
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(learner)
    body = _sit_placement(client, reverse("learner-placement", args=[block.pk]), q,
                          {i.pk: True for i in q.values()}).content.decode()
    assert 'class="path-placement-result"' in body and result in _text_of(body)
    assert not re.search(line, _text_of(body))
    # Started, not completed: still the news.
    Progress.objects.create(user=learner, capsule=caps[0], watched=[[caps[0].start, caps[0].start + 10.0]],
                            watched_fraction=10 / 60, position=caps[0].start + 10.0)
    assert 'class="path-placement-result"' in client.get(block.page.url).content.decode()
    # Completed after the placement: one line.
    finished = PlacementSession.objects.get(user=learner).finished_at
    Progress.objects.filter(user=learner, capsule=caps[0]).update(completed=True, completed_at=finished + timedelta(
        minutes=3), watched_fraction=1)
    body = client.get(block.page.url).content.decode()
    page = _text_of(body)
    assert 'class="path-placement-result"' not in body and result not in page, page
    assert re.search(line, page), page
    assert "Plus aucune capsule à suivre" not in page and "elles sortent de votre parcours" not in page


def test_a_signed_out_visitor_gets_links_to_sign_in_and_sign_up_on_the_block_page(block_world):
    """Walk 44: « Connectez-vous pour passer le positionnement » was not a link."""
    from urllib.parse import quote, unquote

    block, _caps, _q = block_world
    for lang, words in (("fr", ("Connectez-vous", "Créez-en un")), ("en", ("Sign in", "Create one"))):
        html = Client(HTTP_ACCEPT_LANGUAGE=lang).get(block.page.url).content.decode()
        signin = html.split('class="path-signin"')[1].split("</p>")[0]
        back = quote(unquote(block.page.url), safe="/")
        assert f'href="{reverse("learner-login")}?next={back}">{words[0]}</a>' in signin, signin
        assert f'href="{reverse("learner-signup")}?next={back}">{words[1]}</a>' in signin, signin
