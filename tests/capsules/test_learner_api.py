"""Learner API and pages: manifest without answer keys, drafts 404, server grading, offline replays
deduped by client_id, progress and completion, xAPI-shaped events, offline bundle, media ranges."""

from __future__ import annotations

import html
import json
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from capsules.learning.progress import covered, merge_ranges, skills_block_progress
from capsules.models import Attempt, Interaction, KeyPoint, LearnerEvent, Progress, Step, Transcript
from tests import factories, pages
from tests.conftest import require

pytestmark = pytest.mark.django_db

SECRET_FEEDBACK = "Oui : elle garantit le couple de serrage."
SECRET_WRONG = "Non : il faut maîtriser le couple de serrage."
CHOICE_SECRET = "Indice réservé à la correction"


@pytest.fixture
def world(storage_root):
    """A live capsule of 20 s with two steps, a mandatory question and an optional one, real small files."""
    checksum = "ab" + uuid.uuid4().hex * 2  # media under the canonical key, the only form /media/ serves
    checksum = checksum[:64]
    prefix = factories.footage_key(checksum, "test", "").rstrip("/")
    for name, body in [
        ("low.mp4", b"\x00" * 4096),
        ("captions.fr.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour\n"),
        ("master.m3u8", b"#EXTM3U\n"),
        ("poster.jpg", b"\xff\xd8\xff"),
    ]:
        path = Path(storage_root) / prefix / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    footage = factories.FootageFactory(
        duration=20.0,
        checksum=checksum,
        renditions={
            "master_playlist": f"{prefix}/master.m3u8",
            "mp4": f"{prefix}/low.mp4",
            "poster": f"{prefix}/poster.jpg",
            "captions": {"fr": f"{prefix}/captions.fr.vtt"},
        },
    )
    s1 = Step.objects.create(footage=footage, order=0, start=0, end=8, title="Couper l'eau")
    s2 = Step.objects.create(footage=footage, order=1, start=8, end=20, title="Dévisser l'écrou")
    KeyPoint.objects.create(footage=footage, step=s2, time=9, text="Gants obligatoires")
    Transcript.objects.create(
        footage=footage,
        language="fr",
        segments=[
            {
                "start": 0.5,
                "end": 2.0,
                "text": "Coupez l'eau.",
                "words": [
                    {"start": 0.5, "end": 1.0, "word": "Coupez"},
                    {"start": 1.0, "end": 2.0, "word": "l'eau."},
                ],
            }
        ],
    )
    capsule = factories.CapsuleFactory(footage=footage)
    q1 = factories.InteractionFactory(
        capsule=capsule,
        time=5.0,
        step=s1,
        mandatory=True,
        choices=[
            {"id": "a", "text": "Une clé dynamométrique", "feedback": CHOICE_SECRET},
            {"id": "b", "text": "Un marteau"},
        ],
    )
    q2 = factories.InteractionFactory(
        capsule=capsule,
        time=15.0,
        kind="true_false",
        mandatory=False,
        prompt="Le joint se change à sec.",
        choices=[],
        answer_key={"correct": True},
    )
    factories.InteractionFactory(
        capsule=capsule, time=16.0, draft_status="proposed", prompt="Brouillon de question"
    )
    page = pages.capsule_page(capsule)
    user = factories.learner()
    client = Client()
    client.force_login(user)
    return {
        "capsule": capsule,
        "q1": q1,
        "q2": q2,
        "page": page,
        "user": user,
        "client": client,
        "steps": [s1, s2],
    }


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def manifest_url(capsule):
    return reverse("learner-manifest", args=[capsule.pk])


def served_id(client, question, stored_id: str) -> str:
    """The opaque id this learner's manifest gives the choice stored as ``stored_id``."""
    text = next(c["text"] for c in question.choices if c["id"] == stored_id)
    data = client.get(manifest_url(question.capsule)).json()
    served = next(i for i in data["interactions"] if i["id"] == question.pk)
    return next(c["id"] for c in served["choices"] if c["text"] == text)


# --- no answer key before an attempt -----------------------------------------------------


def test_manifest_has_everything_but_the_answers(world):
    resp = world["client"].get(manifest_url(world["capsule"]))
    assert resp.status_code == 200
    text = resp.content.decode()
    data = json.loads(text)
    assert [s["title"] for s in data["steps"]] == ["Couper l'eau", "Dévisser l'écrou"]
    assert data["sources"]["hls"].endswith("master.m3u8") and data["sources"]["mp4"].endswith("low.mp4")
    assert data["captions"][0]["lang"] == "fr"
    # The step's key point waits for its question at 0:15 (walk 29): its mark keeps time and kind, no text.
    assert data["key_points"][0]["text"] == "" and data["key_points"][0]["time"] == 9
    assert data["transcript"][0]["words"][0] == {"start": 0.5, "end": 1.0, "text": "Coupez"}
    assert [i["id"] for i in data["interactions"]] == [
        world["q1"].pk,
        world["q2"].pk,
    ]  # the draft is not there
    q1 = data["interactions"][0]
    assert sorted(c["text"] for c in q1["choices"]) == ["Un marteau", "Une clé dynamométrique"]  # shuffled
    assert all(re.fullmatch(r"c[0-9a-f]{15}", c["id"]) for c in q1["choices"])  # opaque, not "a", "b"
    assert q1["step"] == {"start": 0, "end": 8} and q1["mandatory"] is True
    for secret in ("answer_key", '"correct"', SECRET_FEEDBACK, SECRET_WRONG, CHOICE_SECRET, "Brouillon"):
        assert secret not in text, secret


def test_choice_options_are_shuffled_per_learner_stable_and_graded_by_identity(world):
    """Single- and multiple-choice options come in a per-learner order (the designer wrote the right one
    first): the same on a reload, different from one learner to another, and the right option is graded
    right wherever it is shown; the manifest still says nothing of which one is right."""
    texts = [f"Option {n}" for n in range(6)]
    choices = [{"id": f"o{n}", "text": t} for n, t in enumerate(texts)]
    single = factories.InteractionFactory(capsule=world["capsule"], time=6.0, mandatory=False,
                                          choices=choices, answer_key={"correct": "o0"})
    multi = factories.InteractionFactory(capsule=world["capsule"], time=7.0, mandatory=False,
                                         kind="multiple_choice", choices=choices,
                                         answer_key={"correct": ["o0", "o1"]})

    def shown(client):
        data = client.get(manifest_url(world["capsule"])).json()
        by_id = {i["id"]: i for i in data["interactions"]}
        return {q.pk: [c["text"] for c in by_id[q.pk]["choices"]] for q in (single, multi)}

    orders = []
    for _ in range(8):
        learner = Client()
        learner.force_login(factories.learner())
        first = shown(learner)
        assert shown(learner) == first  # a reload shows the same order
        assert all(sorted(o) == texts for o in first.values())
        orders.append(first)
    for q in (single, multi):
        assert any(o[q.pk] != texts for o in orders), "never shuffled"
        assert len({tuple(o[q.pk]) for o in orders}) > 1, "the same order for every learner"
    client = world["client"]
    right = post(client, reverse("learner-answer", args=[single.pk]),
                 {"response": {"choice": served_id(client, single, "o0")}, "client_id": str(uuid.uuid4())})
    assert right.status_code == 200 and right.json()["correct"] is True
    both = [served_id(client, multi, "o0"), served_id(client, multi, "o1")]
    got = post(client, reverse("learner-answer", args=[multi.pk]),
               {"response": {"choices": both}, "client_id": str(uuid.uuid4())})
    assert got.status_code == 200 and got.json()["correct"] is True


def test_capsule_page_html_has_steps_transcript_but_no_answers(world):
    resp = world["client"].get(world["page"].url)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert '<html lang="fr">' in html and 'href="#contenu"' in html
    assert "Couper l&#x27;eau" in html and "Coupez l&#x27;eau." in html
    # The step's key point waits for its question's answer (walk 29): not in the page.
    assert "Gants obligatoires" not in html
    assert ("Les points de vigilance de cette étape s'affichent une fois que vous avez répondu à sa question."
            in html.replace("&#x27;", "'"))
    assert "data-geste-player" in html and manifest_url(world["capsule"]) in html
    for secret in ("answer_key", SECRET_FEEDBACK, SECRET_WRONG, CHOICE_SECRET, "Une clé dynamométrique"):
        assert secret not in html, secret


def test_ordering_items_are_not_served_in_solved_order(world):
    items = [{"id": f"s{i}", "text": f"Étape {i}"} for i in range(4)]
    q = factories.InteractionFactory(
        capsule=world["capsule"],
        kind="ordering",
        choices=items,
        answer_key={"order": [i["id"] for i in items]},
    )
    data = world["client"].get(manifest_url(world["capsule"])).json()
    served = next(i for i in data["interactions"] if i["id"] == q.pk)
    assert sorted(c["text"] for c in served["choices"]) == [f"Étape {i}" for i in range(4)]
    assert [c["text"] for c in served["choices"]] != [f"Étape {i}" for i in range(4)]
    assert not {c["id"] for c in served["choices"]} & {"s0", "s1", "s2", "s3"}


# --- drafts never reach learners ----------------------------------------------------------


def test_draft_capsule_is_404_everywhere(world):
    draft = factories.CapsuleFactory(
        footage=world["capsule"].footage, skills_block=world["capsule"].skills_block
    )
    q = factories.InteractionFactory(capsule=draft)
    page = pages.capsule_page(draft, publish=False)
    assert not page.live
    c = world["client"]
    for name in ("learner-manifest", "learner-chapters", "learner-offline", "learner-progress"):
        assert c.get(reverse(name, args=[draft.pk])).status_code == 404, name
    assert post(c, reverse("learner-events", args=[draft.pk]), {"events": []}).status_code == 404
    assert post(c, reverse("learner-answer", args=[q.pk]), {"response": {"choice": "a"}}).status_code == 404
    assert not Attempt.objects.exists()
    assert c.get(page.url or f"/{page.slug}/").status_code == 404


def test_unpublished_capsule_and_unpublished_parent_are_404(world):
    c, capsule = world["client"], world["capsule"]
    assert c.get(manifest_url(capsule)).status_code == 200
    world["page"].get_parent().specific.unpublish()
    assert c.get(manifest_url(capsule)).status_code == 404
    world["page"].get_parent().specific.save_revision().publish()
    world["page"].refresh_from_db()
    world["page"].unpublish()
    assert c.get(manifest_url(capsule)).status_code == 404


def test_proposed_draft_interaction_cannot_be_answered(world):
    draft_q = Interaction.objects.get(draft_status="proposed")
    assert (
        post(
            world["client"], reverse("learner-answer", args=[draft_q.pk]), {"response": {"choice": "a"}}
        ).status_code
        == 404
    )


# --- answers -------------------------------------------------------------------------------


def test_answer_wrong_then_right_graded_on_the_server(world):
    c, q1 = world["client"], world["q1"]
    url = reverse("learner-answer", args=[q1.pk])
    a, b = served_id(c, q1, "a"), served_id(c, q1, "b")
    wrong = post(c, url, {"response": {"choice": b}, "client_id": str(uuid.uuid4())}).json()
    assert wrong["correct"] is False and wrong["feedback"] == SECRET_WRONG and wrong["duplicate"] is False
    right = post(c, url, {"response": {"choice": a}, "client_id": str(uuid.uuid4())}).json()
    assert right["correct"] is True and right["feedback"] == SECRET_FEEDBACK
    assert right["choice_feedback"] == {a: CHOICE_SECRET} and right["solution"] == {"correct": [a]}
    assert list(Attempt.objects.order_by("pk").values_list("correct", flat=True)) == [False, True]
    assert LearnerEvent.objects.filter(verb="answered").count() == 2
    # After answering, the manifest tells the player (resume on another device).
    state = c.get(manifest_url(world["capsule"])).json()["attempts"][str(q1.pk)]
    assert state["correct"] is True and state["response"] == {"choice": a}
    assert Attempt.objects.last().response == {"choice": "a"}  # stored with the designer's ids


def test_malformed_answer_is_400_and_not_recorded(world):
    url = reverse("learner-answer", args=[world["q1"].pk])
    ids = [served_id(world["client"], world["q1"], x) for x in ("a", "b")]
    resp = post(world["client"], url, {"response": {"choices": ids}})
    assert resp.status_code == 400 and resp.json()["error"] == "Choisissez une seule réponse."
    assert post(world["client"], url, {"nothing": 1}).status_code == 400
    assert world["client"].post(url, "pas du json", content_type="application/json").status_code == 400
    assert not Attempt.objects.exists()


def test_anonymous_answers_stay_in_the_session_not_in_the_database(world):
    anon = Client()
    assert anon.get(manifest_url(world["capsule"])).json()["user"]["authenticated"] is False
    a = served_id(anon, world["q1"], "a")
    resp = post(anon, reverse("learner-answer", args=[world["q1"].pk]), {"response": {"choice": a}})
    assert resp.status_code == 200 and resp.json()["correct"] is True and resp.json()["guest"] is True
    progress = post(anon, reverse("learner-progress", args=[world["capsule"].pk]), {"position": 3, "watched": [[0, 3]]})
    assert progress.status_code == 200 and progress.json()["position"] == 3
    # xAPI events need an account
    refused = post(anon, reverse("learner-events", args=[world["capsule"].pk]), {"events": []})
    assert refused.status_code == 401 and refused.json()["login_url"].startswith("/compte/connexion/?next=")  # walk 43
    assert not Attempt.objects.exists() and not Progress.objects.exists()
    data = anon.get(manifest_url(world["capsule"])).json()
    assert data["attempts"][str(world["q1"].pk)]["correct"] is True
    assert data["progress"]["position"] == 3 and data["user"]["scope"] == "invite"
    # another visitor's session knows nothing of it
    assert Client().get(manifest_url(world["capsule"])).json()["attempts"] == {}


def test_api_posts_need_the_csrf_token(world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["user"])
    a = served_id(strict, world["q1"], "a")
    resp = post(strict, reverse("learner-answer", args=[world["q1"].pk]), {"response": {"choice": a}})
    assert resp.status_code == 403
    strict.get(manifest_url(world["capsule"]))  # the manifest sets the csrftoken cookie (not the cached page)
    token = strict.cookies["csrftoken"].value
    ok = strict.post(
        reverse("learner-answer", args=[world["q1"].pk]),
        json.dumps({"response": {"choice": a}}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert ok.status_code == 200


def test_offline_replay_with_same_client_id_is_recorded_once(world):
    c, q2 = world["client"], world["q2"]
    cid = str(uuid.uuid4())
    answered_at = (timezone.now() - timedelta(hours=3)).isoformat()
    first = post(
        c,
        reverse("learner-answer", args=[q2.pk]),
        {"response": {"value": True}, "client_id": cid, "answered_at": answered_at},
    ).json()
    # The queue is replayed (connection flapped), even with a tampered response: the first one stands.
    again = post(
        c,
        reverse("learner-answer", args=[q2.pk]),
        {"response": {"value": False}, "client_id": cid, "answered_at": answered_at},
    ).json()
    assert first["correct"] is True and again["correct"] is True
    assert again["duplicate"] is True and again["client_id"] == cid
    attempt = Attempt.objects.get()
    assert str(attempt.client_id) == cid
    assert abs((timezone.now() - attempt.answered_at) - timedelta(hours=3)) < timedelta(
        seconds=5
    )  # stale time kept
    assert LearnerEvent.objects.filter(verb="answered").count() == 1


def test_client_clock_in_the_future_is_clamped(world):
    future = (timezone.now() + timedelta(days=2)).isoformat()
    post(
        world["client"],
        reverse("learner-answer", args=[world["q2"].pk]),
        {"response": {"value": True}, "client_id": str(uuid.uuid4()), "answered_at": future},
    )
    assert Attempt.objects.get().answered_at <= timezone.now()


def test_same_client_id_from_two_users_are_two_attempts(world):
    cid = str(uuid.uuid4())
    other = Client()
    other.force_login(factories.learner())
    for client in (world["client"], other):
        post(
            client,
            reverse("learner-answer", args=[world["q2"].pk]),
            {"response": {"value": True}, "client_id": cid},
        )
    assert Attempt.objects.count() == 2


# --- progress and completion ---------------------------------------------------------------


def test_merge_ranges_and_coverage():
    assert merge_ranges([[5, 8], [0, 3], [2.8, 4], [8.3, 9], ["x"], [7, None], [3, 3]]) == [[0, 4], [5, 9]]
    assert merge_ranges([[-5, 3], [18, 30]], 0, 20) == [[0, 3], [18, 20]]
    assert covered([[0, 9], [10, 18]], 0, 20) == pytest.approx(0.85)
    assert covered([[0, 20], [0, 20]], 0, 20) == 1.0


def test_completion_needs_90_percent_watched_and_mandatory_answered(world):
    c, capsule = world["client"], world["capsule"]
    url = reverse("learner-progress", args=[capsule.pk])
    data = post(c, url, {"position": 12, "watched": [[0, 10], [9, 18.5]]}).json()
    assert data["watched_fraction"] == pytest.approx(0.925) and data["completed"] is False  # q1 not answered
    b = served_id(c, world["q1"], "b")
    answer = post(c, reverse("learner-answer", args=[world["q1"].pk]), {"response": {"choice": b}}).json()
    assert answer["completed"] is True and answer["mandatory_left"] == []  # a wrong answer is still an answer
    assert LearnerEvent.objects.filter(verb="completed").count() == 1
    post(c, url, {"position": 19, "watched": [[18, 20]]})
    assert LearnerEvent.objects.filter(verb="completed").count() == 1


def test_seeking_does_not_count_as_watching(world):
    c, capsule = world["client"], world["capsule"]
    post(c, reverse("learner-answer", args=[world["q1"].pk]), {"response": {"choice": served_id(c, world["q1"], "a")}})
    data = post(
        c, reverse("learner-progress", args=[capsule.pk]), {"position": 19.5, "watched": [[0, 2], [17, 19.5]]}
    ).json()
    assert data["completed"] is False and data["watched_fraction"] == pytest.approx(0.225)


def test_resume_position_and_stale_offline_update(world):
    c, capsule = world["client"], world["capsule"]
    url = reverse("learner-progress", args=[capsule.pk])
    post(c, url, {"position": 14.0, "watched": [[0, 14]]})
    # An offline update produced an hour ago arrives later: its ranges count, its position does not.
    stale = (timezone.now() - timedelta(hours=1)).isoformat()
    data = post(c, url, {"position": 3.0, "watched": [[14, 16]], "client_time": stale}).json()
    assert data["position"] == 14.0 and data["watched"] == [[0, 16]]
    # Another device asks where to resume.
    other = Client()
    other.force_login(world["user"])
    assert other.get(manifest_url(capsule)).json()["progress"]["position"] == 14.0
    assert other.get(url).json()["position"] == 14.0
    assert post(c, url, {"position": "loin"}).status_code == 400


def test_a_first_update_made_a_moment_ago_moves_the_resume_point(world):
    """Walk 24b: the first progress a learner sends (as she leaves after a few seconds) creates the row;
    made a moment before it reached the server, it was called older than the row it had just created and
    the resume point stayed at 0."""
    c = world["client"]
    url = reverse("learner-progress", args=[world["capsule"].pk])
    made = (timezone.now() - timedelta(milliseconds=200)).isoformat()
    data = post(c, url, {"position": 3.5, "watched": [[0, 3.5]], "client_time": made}).json()
    assert data["position"] == 3.5 and data["watched"] == [[0, 3.5]]


def test_skills_block_progress_counts_live_capsules(world):
    user, capsule = world["user"], world["capsule"]
    block = capsule.skills_block
    other = factories.CapsuleFactory(footage=capsule.footage, skills_block=block)
    pages.capsule_page(other)
    pages.capsule_page(factories.CapsuleFactory(footage=capsule.footage, skills_block=block), publish=False)
    assert skills_block_progress(user, block).to_dict() == {
        "total": 2,
        "completed": 0,
        "started": 0,
        "percent": 0,
        "questions": 0,
        "right": 0,
        "added": 0,
        "badge_held": False,
    }
    Progress.objects.create(user=user, capsule=capsule, completed=True)
    Progress.objects.create(user=user, capsule=other)
    assert skills_block_progress(user, block).to_dict() == {
        "total": 2,
        "completed": 1,
        "started": 2,
        "percent": 50,
        "questions": 1,  # the completed capsule's mandatory question, not answered yet
        "right": 0,
        "added": 1,  # never answered by a learner who completed the capsule: added since (walk 39b)
        "badge_held": False,
    }
    # Pages show it.
    html = world["client"].get(world["page"].get_parent().url).content.decode()
    assert "1 capsule terminée sur 2 (50&nbsp;%) — à consolider pour le badge" in html and "Terminée" in html
    cert = world["client"].get(world["page"].get_parent().get_parent().url).content.decode()
    assert block.title in cert and "1 capsule terminée sur 2" in cert
    home = world["client"].get("/").content.decode()
    assert block.code in home and "1 capsule terminée sur 2" in home


def test_block_summary_says_completed_capsules_still_to_consolidate(world):
    """Walk: « 1 capsule terminée sur 1 (100 %) » with every answer wrong. A capsule is completed once
    watched (by design), the block's badge needs its mandatory questions right: the summary now says
    what is left, on the block, certification and home pages, and says no more once they are right."""
    user, capsule, client = world["user"], world["capsule"], world["client"]
    q3 = factories.InteractionFactory(capsule=capsule, time=17.0, kind="true_false", mandatory=True,
                                      prompt="On resserre à la main.", choices=[], answer_key={"correct": False})
    factories.InteractionFactory(capsule=capsule, time=18.0, kind="observe", mandatory=True, choices=[],
                                 answer_key={})  # self-assessed: no right answer to count
    Progress.objects.create(user=user, capsule=capsule, completed=True)
    Attempt.objects.create(user=user, interaction=world["q1"], correct=False, score=0, answered_at=timezone.now())
    # completion asks every mandatory question answered (walk 39b: one never answered is said as added since)
    Attempt.objects.create(user=user, interaction=q3, correct=False, score=0, answered_at=timezone.now())
    # the optional question, wrong too: not counted
    Attempt.objects.create(user=user, interaction=world["q2"], correct=False, score=0, answered_at=timezone.now())
    block_page = world["page"].get_parent()
    urls = [block_page.url, block_page.get_parent().url, "/"]

    def summaries():
        spans = [re.search(r'<span class="progress-text">(.*?)</span>', client.get(u).content.decode(), re.S)
                 for u in urls]
        return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).split()) for m in spans]

    said = ("1 capsule terminée sur 1 (100 %) — à consolider pour le badge : questions obligatoires réussies "
            "dans les capsules terminées, {} sur 2")
    assert summaries() == [said.format(0)] * 3
    Attempt.objects.create(user=user, interaction=world["q1"], correct=True, score=1, answered_at=timezone.now())
    assert summaries() == [said.format(1)] * 3
    Attempt.objects.create(user=user, interaction=q3, correct=True, score=1, answered_at=timezone.now())
    assert summaries() == ["1 capsule terminée sur 1 (100 %)"] * 3


def test_next_capsule_and_chapters(world):
    capsule = world["capsule"]
    nxt = factories.CapsuleFactory(
        footage=capsule.footage, skills_block=capsule.skills_block, order=5, title="Capsule suivante"
    )
    pages.capsule_page(nxt)
    data = world["client"].get(manifest_url(capsule)).json()
    assert data["next"]["title"] == "Capsule suivante"
    assert "Capsule suivante" in world["client"].get(world["page"].url).content.decode()
    vtt = world["client"].get(reverse("learner-chapters", args=[capsule.pk]))
    assert vtt["Content-Type"].startswith("text/vtt")
    assert vtt.content.decode().splitlines()[:5] == [
        "WEBVTT",
        "",
        f"step-{world['steps'][0].pk}",
        "00:00:00.000 --> 00:00:08.000",
        "Couper l'eau",
    ]


# --- events -----------------------------------------------------------------------------------


def test_events_are_recorded_once_and_verbs_checked(world):
    c, capsule = world["client"], world["capsule"]
    url = reverse("learner-events", args=[capsule.pk])
    ids = [str(uuid.uuid4()) for _ in range(3)]
    batch = {
        "events": [
            {"verb": "initialized", "client_id": ids[0], "timestamp": timezone.now().isoformat()},
            {"verb": "played", "client_id": ids[1], "data": {"time": 0}},
            {"verb": "seeked", "client_id": ids[2], "data": {"from": 1, "to": 7}},
            {"verb": "completed", "client_id": str(uuid.uuid4())},  # only the server decides completion
            {"verb": "played"},  # no client_id
        ]
    }
    assert post(c, url, batch).json()["rejected"] == 2
    post(c, url, batch)  # replayed by the offline queue
    assert sorted(LearnerEvent.objects.values_list("verb", flat=True)) == ["initialized", "played", "seeked"]
    assert LearnerEvent.objects.get(verb="seeked").data == {"capsule": capsule.pk, "from": 1, "to": 7}
    assert post(Client(), url, batch).status_code == 401


# --- offline bundle, service worker, media ranges ---------------------------------------------


def test_offline_bundle_lists_low_mp4_captions_page_and_manifest(world):
    data = world["client"].get(reverse("learner-offline", args=[world["capsule"].pk])).json()
    urls = data["urls"]
    assert world["page"].url in urls and manifest_url(world["capsule"]) in urls
    assert world["page"].get_parent().url in urls  # the block: the breadcrumb's way back opens offline
    assert any(u.endswith("low.mp4") for u in urls) and any(u.endswith("captions.fr.vtt") for u in urls)
    assert "/static/geste/player.js" in urls
    assert not any(u.endswith(".m3u8") for u in urls)
    assert data["bytes"] >= 4096 and data["cache"] == f"geste-capsule-{world['capsule'].pk}"


def test_service_worker_is_served_from_the_root_with_its_scope_header(client):
    from django.contrib.staticfiles import finders

    require(bool(finders.find("geste/sw.js")), "lecteur non construit (geste/sw.js)",
            "lancez `npm ci && npm run build` dans frontend/ (make setup le fait)")
    resp = client.get("/sw.js")
    assert resp.status_code == 200 and resp["Service-Worker-Allowed"] == "/"
    assert "javascript" in resp["Content-Type"] and b"fetch" in resp.content


def test_media_is_served_with_byte_ranges(world):
    url = world["client"].get(manifest_url(world["capsule"])).json()["sources"]["mp4"]
    full = world["client"].get(url)
    assert full.status_code == 200 and full["Accept-Ranges"] == "bytes"
    part = world["client"].get(url, headers={"Range": "bytes=100-199"})
    assert (
        part.status_code == 206 and part["Content-Range"] == "bytes 100-199/4096"
        and len(b"".join(part.streaming_content)) == 100
    )
    tail = world["client"].get(url, headers={"Range": "bytes=-10"})
    assert tail["Content-Range"] == "bytes 4086-4095/4096"
    assert world["client"].get(url, headers={"Range": "bytes=5000-"}).status_code == 416
    assert world["client"].get("/media/../../etc/passwd").status_code == 404


def test_learner_logs_in_from_the_capsule_page_and_comes_back(world):
    anon = Client()
    html = anon.get(world["page"].url).content.decode()
    assert "Se connecter" in html
    learner = factories.learner(username="apprenant")
    assert reverse("learner-login") in html and "/admin/login/" not in html
    resp = anon.post(
        reverse("learner-login"),
        {"username": "apprenant", "password": "motdepasse-geste", "next": world["page"].url},
    )
    assert resp.status_code == 302 and resp["Location"] == world["page"].url
    data = anon.get(manifest_url(world["capsule"])).json()
    assert data["user"]["authenticated"] is True
    assert learner.pk == int(anon.session["_auth_user_id"])


def test_free_recall_expected_answer_comes_only_when_the_learner_asks_for_it(world):
    """Like every other answer, a free recall's expected answer (model_answer) is in no payload before the
    learner asks: not in the manifest, nor in the offline bundle. « Voir la réponse attendue » POSTs to its
    reveal_url, which records the reveal (with what the learner wrote) and answers with it."""
    model = "Couper l'eau, puis dévisser"
    recall = factories.InteractionFactory(
        capsule=world["capsule"], time=12.0, kind=Interaction.Kind.FREE_RECALL, choices=[],
        answer_key={"model_answer": model}, feedback_correct="Retour réservé après réponse")
    client, capsule = world["client"], world["capsule"]
    data = client.get(manifest_url(capsule)).json()
    text = json.dumps(data, ensure_ascii=False)
    assert model not in text and "model_answer" not in text
    assert "Retour réservé après réponse" not in text
    bundle = client.get(reverse("learner-offline", args=[capsule.pk])).content.decode()
    assert model not in bundle and "model_answer" not in bundle
    served = {i["id"]: i for i in data["interactions"]}[recall.pk]
    assert served["reveal_url"] == reverse("learner-reveal", args=[recall.pk])
    assert all("reveal_url" not in {i["id"]: i for i in data["interactions"]}[q.pk] for q in (world["q1"], world["q2"]))

    assert client.get(served["reveal_url"]).status_code == 405  # a POST: the reveal is recorded
    cid = str(uuid.uuid4())
    res = post(client, served["reveal_url"], {"text": "Je coupe l'eau", "client_id": cid})
    assert res.status_code == 200 and res.json()["model_answer"] == model
    assert "Retour réservé après réponse" not in res.content.decode()
    event = LearnerEvent.objects.get(user=world["user"], verb="interacted", data__revealed="model_answer")
    assert event.data == {"interaction": recall.pk, "revealed": "model_answer", "text": "Je coupe l'eau"}
    assert str(event.client_id) == cid
    post(client, served["reveal_url"], {"text": "Je coupe l'eau", "client_id": cid})  # a retry: one reveal
    assert LearnerEvent.objects.filter(user=world["user"], data__revealed="model_answer").count() == 1
    # No reveal for another kind's key; a visitor sees the expected answer, nothing recorded for them.
    assert post(client, reverse("learner-reveal", args=[world["q2"].pk]), {}).status_code == 404
    assert post(Client(), served["reveal_url"], {}).json()["model_answer"] == model
    assert LearnerEvent.objects.filter(data__revealed="model_answer").count() == 1
