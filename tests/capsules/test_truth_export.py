"""Truth export: the approved steps of a footage as the JSON the segmentation benchmark reads."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from media_pipeline.evaluation.metrics import score
from media_pipeline.evaluation.truth import TruthError, from_dict, load_truth
from tests.factories import FootageFactory, StepFactory, designer, expert, learner

SPANS = [(0.5, 9.75), (11.0, 25.125), (25.125, 38.0)]


@pytest.fixture
def approved(db):
    who = expert(username="expert-truth", first_name="Inès", last_name="Martin")
    footage = FootageFactory(expert=who, duration=40.0, original_name="joint.mp4", status="in_review")
    for i, (start, end) in enumerate(SPANS, start=1):
        StepFactory(footage=footage, order=i, start=start, end=end, title=f"Geste {i} <b>", keyframe="k.jpg")
    return footage, who


def _approve(client, footage, who):
    client.force_login(who)
    res = client.post(reverse("review_api:approve", args=[footage.pk]), json.dumps({"version": 1}),
                      content_type="application/json")
    assert res.status_code == 200, res.content
    return client


def _as_designer(client, username="designer-truth-export"):
    client.logout()
    client.force_login(designer(username=username))
    return client


def test_approved_steps_download_as_truth(client, approved):
    """The assigned expert approves; a designer downloads (walk 36: the export is not the expert's tool)."""
    footage, who = approved
    res = _as_designer(_approve(client, footage, who)).get(reverse("review_api:truth", args=[footage.pk]))
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/json")
    assert f'filename="verite-terrain-{footage.pk}.json"' in res["Content-Disposition"]
    data = json.loads(res.content)
    truth = from_dict(data)  # the benchmark's own reader accepts it
    assert truth.spans == SPANS
    assert [s.title for s in truth.steps] == ["Geste 1 <b>", "Geste 2 <b>", "Geste 3 <b>"]
    assert truth.duration == 40.0 and truth.video["sha256"] == footage.checksum
    assert truth.video["name"] == "joint.mp4" and truth.annotation["by"] == "Inès Martin"
    assert score(truth.spans, SPANS, truth.duration).transition.f1 == 1.0


def test_a_designer_may_export_too(client, approved):
    footage, who = approved
    _approve(client, footage, who).logout()
    client.force_login(designer(username="designer-truth"))
    assert client.get(reverse("review_api:truth", args=[footage.pk])).status_code == 200


def test_another_expert_a_learner_and_anonymous_get_nothing(client, approved):
    footage, who = approved
    url = reverse("review_api:truth", args=[footage.pk])
    assert _approve(client, footage, who).get(url).status_code == 403  # the assigned expert: walk 36
    client.logout()
    assert client.get(url).status_code == 401
    client.force_login(expert(username="other-expert"))
    res = client.get(url)
    assert res.status_code == 404 and b"Geste" not in res.content
    client.force_login(learner(username="learner-truth"))
    assert client.get(url).status_code == 403


def test_steps_not_approved_are_not_truth(client, approved):
    footage, _who = approved
    _as_designer(client)
    res = client.get(reverse("review_api:truth", args=[footage.pk]))
    assert res.status_code == 409 and res.json()["code"] == "not_approved"
    assert "approbation" in res.json()["detail"]
    assert client.post(reverse("review_api:truth", args=[footage.pk])).status_code == 405


def test_reopened_review_is_no_longer_exported(client, approved):
    footage, who = approved
    _approve(client, footage, who).logout()
    client.force_login(designer(username="designer-reopen-truth"))
    client.post(reverse("review_api:reopen", args=[footage.pk]), json.dumps({"version": 2}),
                content_type="application/json")
    assert client.get(reverse("review_api:truth", args=[footage.pk])).status_code == 409


def test_management_command_writes_the_same_truth(client, approved, tmp_path):
    footage, who = approved
    body = _as_designer(_approve(client, footage, who)).get(reverse("review_api:truth", args=[footage.pk])).content
    out = tmp_path / "sub" / "truth.json"
    call_command("export_truth", str(footage.pk), "--out", str(out))
    assert load_truth(out).to_dict() == json.loads(body)
    with pytest.raises(CommandError, match="introuvable"):
        call_command("export_truth", "999999", "--out", str(out))


def test_management_command_refuses_a_draft(approved, tmp_path):
    footage, _ = approved
    with pytest.raises(CommandError, match="pas approuvées"):
        call_command("export_truth", str(footage.pk), "--out", str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("data, fragment", [
    ({"format": "autre"}, "pas un fichier"),
    ({"format": "geste-truth", "version": 9, "duration": 1, "steps": []}, "version"),
    ({"format": "geste-truth", "version": 1, "duration": 10, "steps": [{"start": 5, "end": 4}]}, "incohérents"),
    ({"format": "geste-truth", "version": 1, "duration": 10, "steps": [{"start": 1, "end": 12}]}, "après la fin"),
    ({"format": "geste-truth", "version": 1, "duration": 10,
      "steps": [{"start": 1, "end": 5}, {"start": 3, "end": 8}]}, "chevauche"),
    ({"format": "geste-truth", "version": 1, "steps": []}, "manquant"),
])
def test_truth_reader_refuses_what_it_cannot_trust(data, fragment):
    with pytest.raises(TruthError, match=fragment):
        from_dict(data)


@pytest.mark.parametrize("clip_id", ["ego4d-site-kaust", "hoi4d-egogs-pliers", "egoexo4d-site-basketball"])
def test_real_set_truth_round_trips_through_the_review_screen(client, db, clip_id):
    """A hand annotation of the real set, entered on the review screen and approved, exports unchanged."""
    from media_pipeline.evaluation import realset

    clip = next(c for c in realset.load_manifest() if c.id == clip_id)
    hand = load_truth(clip.truth_path())
    who = expert(username=f"expert-{clip_id}")
    footage = FootageFactory(expert=who, duration=hand.duration, checksum=clip.sha256, status="in_review",
                             original_name=clip.filename)
    StepFactory(footage=footage, order=1, start=0.0, end=hand.duration, title="Brouillon")
    client.force_login(who)
    body = {"version": 1, "steps": [{"start": s.start, "end": s.end, "title": s.title} for s in hand.steps]}
    res = client.put(reverse("review_api:steps", args=[footage.pk]), json.dumps(body), content_type="application/json")
    assert res.status_code == 200, res.content
    res = client.post(reverse("review_api:approve", args=[footage.pk]), json.dumps({"version": 2}),
                      content_type="application/json")
    assert res.status_code == 200, res.content
    exported = from_dict(json.loads(_as_designer(client).get(reverse("review_api:truth", args=[footage.pk])).content))
    assert exported.steps == hand.steps and exported.duration == hand.duration
    assert exported.video["sha256"] == hand.video["sha256"]
    assert score(exported.spans, hand.spans, hand.duration).f1_50 == 1.0
