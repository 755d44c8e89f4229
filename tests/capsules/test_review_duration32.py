"""Walk 32: the pipeline rounds step times to the hundredth, so a last step that runs to the end of an
8.556-s clip was stored ending at 8.56; the expert's first save (a title typed, nothing moved) was then
refused: « Étape 3 : la fin (0:08,6) dépasse la durée de la vidéo (0:08,6) ». The end is now kept inside the
footage by the pipeline, and an end past it by less than a displayed tenth is read as the end."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from capsules.review.validation import ReviewValidationError, ValidationSettings, validate_steps
from tests.factories import FootageFactory, StepFactory, expert


def test_an_end_rounded_past_the_duration_is_the_end():
    steps = validate_steps([{"start": 0, "end": 5.9}, {"start": 5.9, "end": 8.56}], ValidationSettings(duration=8.556))
    assert steps[-1].end == 8.556


def test_an_end_clearly_past_the_duration_is_still_refused():
    with pytest.raises(ReviewValidationError) as exc:
        validate_steps([{"start": 0, "end": 8.7}], ValidationSettings(duration=8.556))
    assert any("dépasse la durée" in e.message for e in exc.value.errors)


@pytest.mark.django_db
def test_the_experts_first_save_of_pipeline_steps_is_accepted(client):
    who = expert(username="expert-rounded")
    footage = FootageFactory(expert=who, duration=8.556)
    for i, (start, end) in enumerate([(0.0, 2.6), (2.6, 5.9), (5.9, 8.56)], start=1):
        StepFactory(footage=footage, order=i, start=start, end=end, title="", keyframe="k.jpg")
    client.force_login(who)
    state = client.get(reverse("review_api:state", args=[footage.pk])).json()
    steps = [{"id": s["id"], "start": s["start"], "end": s["end"], "title": s["title"]} for s in state["steps"]]
    steps[0]["title"] = "Saisir la poêle"
    res = client.put(reverse("review_api:steps", args=[footage.pk]),
                     json.dumps({"version": state["version"], "steps": steps}), content_type="application/json")
    assert res.status_code == 200, res.content
    assert res.json()["steps"][0]["title"] == "Saisir la poêle"
    assert res.json()["steps"][-1]["end"] == pytest.approx(8.556)


@pytest.mark.django_db
def test_the_segment_stage_keeps_steps_inside_the_footage(tmp_path):
    from capsules.pipeline.stages.segment import SegmentStage
    from capsules.storage import upload_dir

    footage = FootageFactory(duration=8.556)
    steps = [{"start": -0.01, "end": 5.9, "title": "", "confidence": 0.8, "keyframe": "k1.jpg"},
             {"start": 5.9, "end": 8.56, "title": "", "confidence": 0.8, "keyframe": "k2.jpg"}]
    (tmp_path / "steps.json").write_text(json.dumps(steps), "utf-8")
    prefix = f"test-walk32/{footage.pk}"
    manifest = upload_dir(tmp_path, prefix, {"files": {"steps": "steps.json"}})

    class Ctx:
        pass

    ctx = Ctx()
    ctx.footage = footage
    SegmentStage().apply(ctx, manifest, prefix)
    assert list(footage.steps.order_by("order").values_list("start", "end")) == [(0.0, 5.9), (5.9, 8.556)]
