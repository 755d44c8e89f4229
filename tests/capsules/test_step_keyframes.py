"""Keyframes of the steps the review makes: a split's new half, a step moved away from its picture.

Walk defect: a step made by splitting another had no thumbnail while the others had one. The review
API now gives such a step a picture another step gave up when one lies inside it, else marks it as
waiting (``keyframe_pending``: the screen shows a placeholder) and queues the extraction, which
``fill_step_keyframes`` does with ffmpeg on the real footage, at the time the segmenter would choose.
"""

from __future__ import annotations

import json
import secrets

import cv2
import numpy as np
import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from capsules.models import PipelineRun, StageRun, Step
from capsules.pipeline.step_keyframes import fill_step_keyframes, keyframe_key
from media_pipeline.motion import MotionSeries
from tests.factories import FootageFactory, StepFactory, expert, footage_key
from tests.mediagen import make_clip

pytestmark = pytest.mark.django_db


@pytest.fixture
def footage_with_pictures(db, storage_root, media_dir):
    """A 40-s footage with a real video in storage and three steps whose pictures are at 5, 20 and 30 s."""
    clip = media_dir / "keyframes-40s.mp4"
    if not clip.exists():
        make_clip(clip, duration=40, size="320x180", fps=10, audio=None)
    checksum = secrets.token_hex(32)
    with clip.open("rb") as fh:
        video = default_storage.save(footage_key(checksum, "test", "video.mp4"), File(fh))
    who = expert(username="expert-images")
    footage = FootageFactory(expert=who, duration=40.0, checksum=checksum, renditions={"mp4": video})
    for i, (start, end, at) in enumerate([(0, 10, 5.0), (10, 25, 20.0), (25, 40, 30.0)], start=1):
        StepFactory(footage=footage, order=i, start=start, end=end, title=f"Étape {i}",
                    keyframe=footage_key(checksum, "segment", f"keyframe-{i:03d}.jpg"), keyframe_time=at)
    return footage, who


def _put(client, footage, who, steps, version=1):
    client.force_login(who)
    res = client.put(reverse("review_api:steps", args=[footage.pk]), json.dumps({"version": version, "steps": steps}),
                     content_type="application/json")
    assert res.status_code == 200, res.content
    return res.json()


def _ids(footage):
    return list(footage.steps.order_by("start").values_list("pk", flat=True))


def test_split_after_the_picture_leaves_the_new_half_waiting_for_one(client, footage_with_pictures,
                                                                     django_capture_on_commit_callbacks):
    footage, who = footage_with_pictures
    a, b, c = _ids(footage)
    with django_capture_on_commit_callbacks() as sent:
        data = _put(client, footage, who, [
            {"id": a, "start": 0, "end": 7, "title": "Étape 1"},  # the picture (5 s) stays in the first half
            {"start": 7, "end": 10, "title": "Étape 1 (suite)"},
            {"id": b, "start": 10, "end": 25, "title": "Étape 2"},
            {"id": c, "start": 25, "end": 40, "title": "Étape 3"},
        ])
    first, new = data["steps"][0], data["steps"][1]
    assert first["keyframe_url"].endswith("keyframe-001.jpg") and not first["keyframe_pending"]
    assert new["keyframe_url"] == "" and new["keyframe_pending"] is True
    assert 7 <= Step.objects.get(pk=new["id"]).keyframe_time <= 10
    queued = [f for f in sent if f.__qualname__.startswith("request_step_keyframes")]
    assert len(queued) == 1  # the extraction is queued once the save commits


def test_split_before_the_picture_gives_it_to_the_second_half(client, footage_with_pictures):
    footage, who = footage_with_pictures
    a, b, c = _ids(footage)
    data = _put(client, footage, who, [
        {"id": a, "start": 0, "end": 10, "title": "Étape 1"},
        {"id": b, "start": 10, "end": 15, "title": "Étape 2"},
        {"start": 15, "end": 25, "title": "Étape 2 (suite)"},  # holds 20 s: the picture of step 2
        {"id": c, "start": 25, "end": 40, "title": "Étape 3"},
    ])
    kept, second = data["steps"][1], data["steps"][2]
    assert second["keyframe_url"].endswith("keyframe-002.jpg") and not second["keyframe_pending"]
    assert Step.objects.get(pk=second["id"]).keyframe_time == 20.0
    # The first half no longer shows its own moment: it waits for a picture inside 10-15 s.
    assert kept["keyframe_url"] == "" and kept["keyframe_pending"] is True
    assert 10 <= Step.objects.get(pk=b).keyframe_time <= 15


def test_merge_keeps_a_picture_of_the_merged_step(client, footage_with_pictures):
    footage, who = footage_with_pictures
    a, b, c = _ids(footage)
    data = _put(client, footage, who, [
        {"id": a, "start": 0, "end": 10, "title": "Étape 1"},
        {"id": b, "start": 10, "end": 40, "title": "Étape 2"},
    ])
    assert [s["keyframe_url"].rsplit("/", 1)[-1] for s in data["steps"]] == ["keyframe-001.jpg", "keyframe-002.jpg"]
    assert not any(s["keyframe_pending"] for s in data["steps"])


def _motion_run(footage, peak_at: float):
    """A finished motion stage whose features say the hands act sharply at ``peak_at``, on the right."""
    fps, n = 10.0, 400
    times = [i / fps for i in range(n)]
    near = np.exp(-((np.asarray(times) - peak_at) ** 2) / 0.5)
    feats = {
        "blur": list(50 + 200 * near), "energy_center": list(0.1 + 3 * near), "camera": [0.1] * n,
        "moving_frac": list(0.01 + 0.2 * near), "hands_peak": list(0.05 + 2 * near),
        "energy_peak": list(0.05 + 2 * near),
        "centroid_x": [0.75] * n, "centroid_y": [0.4] * n, "spread": [0.05] * n,
    }
    series = MotionSeries(fps=fps, times=times, features=feats, width=256, height=144, duration=40.0)
    prefix = footage_key(footage.checksum, "motion", "abc")
    default_storage.save(f"{prefix}/motion.json", ContentFile(json.dumps(series.to_dict()).encode()))
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.SUCCEEDED)
    StageRun.objects.create(run=run, name="motion", status=StageRun.Status.SUCCEEDED, finished_at=timezone.now(),
                            output_keys={"prefix": prefix, "manifest": {"files": {"motion": "motion.json"}}})


def test_the_worker_extracts_the_waiting_picture_where_the_segmenter_would(client, footage_with_pictures):
    footage, who = footage_with_pictures
    _motion_run(footage, peak_at=15.0)
    a, b, c = _ids(footage)
    _put(client, footage, who, [
        {"id": a, "start": 0, "end": 10, "title": "Étape 1"},
        {"id": b, "start": 10, "end": 18, "title": "Étape 2"},  # gives 20 s up…
        {"start": 18, "end": 25, "title": "Étape 2 (suite)"},  # …to this one
        {"id": c, "start": 25, "end": 40, "title": "Étape 3"},
    ])
    assert Step.objects.get(pk=b).keyframe == ""
    # Step 2 now spans 10-18 s: its picture is taken at its sharpest moment with the hands at work.
    assert fill_step_keyframes(footage.pk) == 1
    step = Step.objects.get(pk=b)
    assert step.keyframe == keyframe_key(footage, step.keyframe_time)
    assert step.keyframe_time == pytest.approx(15.0, abs=0.3)  # not the middle (14 s): the segmenter's choice
    x, y, w, h = step.keyframe_region
    assert x < 0.75 < x + w and y < 0.4 < y + h  # the hotspot zone follows the hands
    with default_storage.open(step.keyframe, "rb") as fh:
        picture = cv2.imdecode(np.frombuffer(fh.read(), np.uint8), cv2.IMREAD_COLOR)
    assert picture is not None and picture.shape[1] == 640
    # Done once: nothing waits any more, and the state says so.
    assert fill_step_keyframes(footage.pk) == 0
    client.force_login(who)
    state = client.get(reverse("review_api:state", args=[footage.pk])).json()
    assert not any(s["keyframe_pending"] for s in state["steps"])
    assert all(s["keyframe_url"] for s in state["steps"])


def test_the_worker_takes_the_picture_inside_the_span_the_step_has_when_it_runs(client, footage_with_pictures):
    footage, who = footage_with_pictures
    a, b, c = _ids(footage)
    data = _put(client, footage, who, [
        {"id": a, "start": 0, "end": 7, "title": "Étape 1"},
        {"start": 7, "end": 10, "title": "Étape 1 (suite)"},
        {"id": b, "start": 10, "end": 25, "title": "Étape 2"},
        {"id": c, "start": 25, "end": 40, "title": "Étape 3"},
    ])
    new = Step.objects.get(pk=data["steps"][1]["id"])
    # Between the save and the worker, the step moved (another save): the waiting time written then
    # (9.5 s) is outside its new span; the picture is taken inside the span it has now.
    Step.objects.filter(pk=a).update(end=5.5)
    Step.objects.filter(pk=new.pk).update(start=5.5, end=8.0, keyframe_time=9.5)
    assert fill_step_keyframes(footage.pk) == 1
    new.refresh_from_db()
    assert new.keyframe and 5.5 <= new.keyframe_time <= 8.0


def test_a_step_approved_before_its_picture_gets_it_in_what_learners_see(client, footage_with_pictures):
    """The expert approved right after a split, the new half still waiting: learners read the approved
    version (``Footage.approved_snapshot``), which takes the picture the worker makes afterwards."""
    from tests import pages
    from tests.factories import CapsuleFactory

    footage, who = footage_with_pictures
    a, b, c = _ids(footage)
    data = _put(client, footage, who, [
        {"id": a, "start": 0, "end": 7, "title": "Étape 1"},
        {"start": 7, "end": 10, "title": "Étape 1 (suite)"},
        {"id": b, "start": 10, "end": 25, "title": "Étape 2"},
        {"id": c, "start": 25, "end": 40, "title": "Étape 3"},
    ])
    res = client.post(reverse("review_api:approve", args=[footage.pk]), json.dumps({"version": data["version"]}),
                      content_type="application/json")
    assert res.status_code == 200, res.content
    capsule = CapsuleFactory(footage=footage)
    pages.capsule_page(capsule)
    manifest = reverse("learner-manifest", args=[capsule.pk])
    assert client.get(manifest).json()["steps"][1]["keyframe"] == ""
    assert fill_step_keyframes(footage.pk) == 1
    new = Step.objects.get(pk=data["steps"][1]["id"])
    served = client.get(manifest).json()["steps"][1]
    assert served["id"] == new.pk and served["keyframe"].endswith(new.keyframe)
