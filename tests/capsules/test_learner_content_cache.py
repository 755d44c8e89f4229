# ruff: noqa: F811  (the world fixture is imported from the learner API tests)
"""The learner API's cached content (capsules/learning/content_cache.py): what a designer changes reaches
the learner at once, what is unpublished stops answering, the query counts stay bounded, and the cached
signed-in user (cms/auth_backend.py) forgets a deactivated account."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capsules.models import Achievement, Attempt, Footage, Interaction
from capsules.pipeline.stages.transcribe import merge_caption_track
from tests.capsules.test_learner_api import manifest_url, post, served_id, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _served(client, capsule, question_pk):
    data = client.get(manifest_url(capsule)).json()
    return next(i for i in data["interactions"] if i["id"] == question_pk)


def test_an_edited_question_reaches_the_learner_at_once(world):
    c, capsule, q1 = world["client"], world["capsule"], world["q1"]
    assert _served(c, capsule, q1.pk)["prompt"] == q1.prompt  # now cached
    q1.prompt = "Quel outil règle le couple de serrage ?"
    q1.choices = [*q1.choices, {"id": "c", "text": "Une pince multiprise"}]
    q1.save()
    served = _served(c, capsule, q1.pk)
    assert served["prompt"] == "Quel outil règle le couple de serrage ?"
    assert "Une pince multiprise" in [ch["text"] for ch in served["choices"]]
    # The answer API grades against the edited question too: the new choice is known.
    url = reverse("learner-answer", args=[q1.pk])
    resp = post(c, url, {"response": {"choice": served_id(c, q1, "c")}, "client_id": str(uuid.uuid4())})
    assert resp.status_code == 200 and resp.json()["correct"] is False


def test_a_question_sent_back_to_draft_disappears_and_cannot_be_answered(world):
    c, capsule, q2 = world["client"], world["capsule"], world["q2"]
    assert _served(c, capsule, q2.pk)
    q2.draft_status = Interaction.DraftStatus.PROPOSED
    q2.save()
    ids = [i["id"] for i in c.get(manifest_url(capsule)).json()["interactions"]]
    assert q2.pk not in ids
    resp = post(c, reverse("learner-answer", args=[q2.pk]), {"response": {"value": True}})
    assert resp.status_code == 404
    assert not Attempt.objects.filter(interaction=q2).exists()


def test_unpublishing_stops_every_learner_call_that_was_cached(world):
    c, capsule, q1 = world["client"], world["capsule"], world["q1"]
    progress_url = reverse("learner-progress", args=[capsule.pk])
    answer_url = reverse("learner-answer", args=[q1.pk])
    assert c.get(manifest_url(capsule)).status_code == 200
    assert c.get(progress_url).status_code == 200
    choice = served_id(c, q1, "a")
    assert post(c, answer_url, {"response": {"choice": choice}}).status_code == 200
    world["page"].unpublish()
    assert c.get(manifest_url(capsule)).status_code == 404
    assert c.get(progress_url).status_code == 404
    assert post(c, answer_url, {"response": {"choice": choice}}).status_code == 404
    world["page"].save_revision().publish()
    assert c.get(manifest_url(capsule)).status_code == 200


def test_a_caption_track_added_by_the_pipeline_is_offered(world, storage_root):
    c, capsule = world["client"], world["capsule"]
    assert [t["lang"] for t in c.get(manifest_url(capsule)).json()["captions"]] == ["fr"]
    fr_key = capsule.footage.renditions["captions"]["fr"]
    en_key = fr_key.replace("captions.fr.vtt", "captions.en.vtt")
    (storage_root / en_key).write_bytes(b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n")
    merge_caption_track(capsule.footage_id, "en", en_key)  # a queryset update(): no signal
    assert Footage.objects.get(pk=capsule.footage_id).renditions["captions"]["en"] == en_key
    assert [t["lang"] for t in c.get(manifest_url(capsule)).json()["captions"]] == ["fr", "en"]


def test_manifest_and_answer_query_counts_stay_small(world):
    c, capsule, q1 = world["client"], world["capsule"], world["q1"]
    url = reverse("learner-answer", args=[q1.pk])
    choice = served_id(c, q1, "b")
    post(c, url, {"response": {"choice": choice}})  # the progress row exists from now on
    c.get(manifest_url(capsule))  # content cached
    with CaptureQueriesContext(connection) as manifest_queries:
        assert c.get(manifest_url(capsule)).status_code == 200
    with CaptureQueriesContext(connection) as answer_queries:
        assert post(c, url, {"response": {"choice": choice}, "client_id": str(uuid.uuid4())}).status_code == 200
    reads = [q["sql"] for q in manifest_queries.captured_queries]
    writes = [q["sql"] for q in answer_queries.captured_queries]
    # Sessions live in the database under the test settings (one read each); the user is cached.
    assert len(reads) <= 3, reads
    assert not any("wagtailcore_page" in q or "capsules_step" in q or "capsules_transcript" in q for q in reads)
    statements = [q for q in writes if not q.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) <= 2, writes  # session; attempt, event, answered mandatory ids, progress in one
    # One atomic block (a savepoint only because the test itself runs in a transaction), none nested.
    assert sum(q.startswith("SAVEPOINT") for q in writes) == 1, writes


def test_a_block_badge_rule_added_later_is_seen(world):
    c, capsule, q1 = world["client"], world["capsule"], world["q1"]
    url = reverse("learner-answer", args=[q1.pk])
    post(c, url, {"response": {"choice": served_id(c, q1, "a")}})  # no rule cached as "none"
    Achievement.objects.create(skills_block=capsule.skills_block, name="Badge du bloc",
                               description="Le bloc entier.", require_all_capsules=False,
                               min_first_try_score=0, require_mandatory_correct=True, auto_award=True)
    from capsules.recognition.signals import badge_rule

    rule = badge_rule(capsule.pk)
    assert rule is not None and rule[1] is False


def test_a_deactivated_learner_is_signed_out_at_once(world):
    c, capsule, user = world["client"], world["capsule"], world["user"]
    assert c.get(manifest_url(capsule)).json()["user"]["authenticated"] is True  # user now cached
    user.is_active = False
    user.save()
    assert c.get(manifest_url(capsule)).json()["user"]["authenticated"] is False
