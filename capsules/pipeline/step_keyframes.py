"""Keyframes of the steps the review made: a split's second half, a step moved away from its picture.

The segment stage gives each step it proposes a keyframe; a step the expert creates has none until
this module extracts one, in the background (``tasks.step_keyframes`` on the ``media`` queue), at
the time the segmenter would choose (from the footage's motion features) inside the step. Pictures
are stored under keys built from the source checksum, the width and the time
(``footage/<2>/<sha>/step-keyframes/w640/<ms>.jpg``), so asking twice for the same picture finds it.
A step whose span changed meanwhile is left for the next request: a picture never lands on a step
it does not show.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F

from capsules import storage
from capsules.models import Footage, StageRun, Step
from media_pipeline.errors import PermanentMediaError
from media_pipeline.hotspot import activity_region
from media_pipeline.keyframes import extract_keyframe, keyframe_time_in
from media_pipeline.motion import MotionSeries

log = logging.getLogger(__name__)

STAGE = "step-keyframes"
WIDTH = 640  # the segment stage's keyframe width
TASK = "capsules.pipeline.tasks.step_keyframes"
REQUEUE_AFTER_S = 60  # a screen still waiting asks again at most this often (a lost task, a broker outage)


def keyframe_key(footage: Footage, time: float) -> str:
    c = footage.checksum
    return f"footage/{c[:2]}/{c}/{STAGE}/w{WIDTH}/{int(round(time * 1000)):09d}.jpg"


def source_key(footage: Footage) -> str:
    """The video the pictures are taken from: the original (as the segment stage), else the MP4."""
    if footage.original and footage.original.name:
        return footage.original.name
    return (footage.renditions or {}).get("mp4", "")


def can_make_keyframes(footage: Footage) -> bool:
    return bool(footage.checksum and source_key(footage))


def _motion(footage: Footage) -> MotionSeries | None:
    """The footage's motion features (the last finished motion stage), or None."""
    stage = (StageRun.objects.filter(run__footage=footage, name="motion", status=StageRun.Status.SUCCEEDED)
             .order_by(F("finished_at").desc(nulls_last=True), "-pk").first())
    try:
        keys = stage.output_keys
        return MotionSeries.from_dict(storage.read_json(f"{keys['prefix']}/{keys['manifest']['files']['motion']}"))
    except (AttributeError, KeyError, TypeError, ValueError, OSError):
        return None


def _store(path: Path, key: str) -> None:
    if default_storage.exists(key):
        return  # the same picture (same source, width and time) made before
    with path.open("rb") as fh:
        saved = default_storage.save(key, File(fh))
    if saved != key:  # another worker stored it meanwhile: keep one
        default_storage.delete(saved)


def fill_step_keyframes(footage_id: int) -> int:
    """Give every step of the footage that has no keyframe one; returns how many were given."""
    footage = Footage.objects.filter(pk=footage_id).first()
    if footage is None or not can_make_keyframes(footage):
        return 0
    todo = list(footage.steps.filter(keyframe="").order_by("start"))
    if not todo:
        return 0
    motion = _motion(footage)
    work = Path(settings.GESTE_WORK_DIR)
    work.mkdir(parents=True, exist_ok=True)
    given = 0
    with (storage.local_copy(source_key(footage)) as src,
          tempfile.TemporaryDirectory(dir=work, prefix="keyframes") as tmp):
        for step in todo:
            time = keyframe_time_in(motion, step.start, step.end)
            key = keyframe_key(footage, time)
            if not default_storage.exists(key):
                try:
                    _store(extract_keyframe(src, time, Path(tmp) / "keyframe.jpg", width=WIDTH), key)
                except PermanentMediaError:  # no frame there (a damaged source): the others still get theirs
                    log.warning("no keyframe at %.3f s for step %s of footage %s", time, step.pk, footage.pk,
                                exc_info=True)
                    continue
            region = activity_region(motion, time) if motion is not None else None
            with transaction.atomic():
                # Lock order of the review: the footage row, then its steps.
                locked = Footage.objects.select_for_update().filter(pk=footage.pk).first()
                current = Step.objects.select_for_update().filter(pk=step.pk, keyframe="").first()
                if current is None or not (current.start <= time <= current.end):
                    continue  # deleted, given a picture, or moved meanwhile: the next request sees to it
                current.keyframe, current.keyframe_time = key, time
                current.keyframe_region = region.rect() if region else None
                current.save(update_fields=["keyframe", "keyframe_time", "keyframe_region"])  # caches follow
                _fill_approved(locked, current)
                given += 1
    return given


def _fill_approved(footage: Footage | None, step: Step) -> None:
    """A step approved before its picture was made: learners' version of it (``Footage.approved_snapshot``)
    takes the picture too, when it is still the same step (same times)."""
    snapshot = (footage.approved_snapshot if footage is not None else None) or {}
    changed = False
    for item in snapshot.get("steps") or []:
        if (item.get("id") == step.pk and not item.get("keyframe")
                and item.get("start") == step.start and item.get("end") == step.end):
            item["keyframe"], item["keyframe_time"] = step.keyframe, step.keyframe_time
            item["keyframe_region"] = step.keyframe_region
            changed = True
    if changed:
        footage.save(update_fields=["approved_snapshot"])  # the learner content caches follow


def request_step_keyframes(footage: Footage, *, throttle: bool = False) -> bool:
    """Queue the extraction once the current transaction commits; never raises (with the broker
    down the steps keep their placeholder and the review screen asks again later). ``throttle``:
    at most once per ``REQUEUE_AFTER_S`` per footage (the review screen's polls)."""
    if not can_make_keyframes(footage):
        return False
    key = f"geste.step-keyframes:{footage.pk}"
    if throttle and not cache.add(key, 1, REQUEUE_AFTER_S):
        return False
    if not throttle:
        cache.set(key, 1, REQUEUE_AFTER_S)

    def send():
        from celery import current_app

        try:
            current_app.send_task(TASK, args=[footage.pk], queue="media")
        except Exception:  # kombu/redis/amqp connection errors differ by transport
            log.warning("broker unreachable: keyframes of footage %s wait for the next request", footage.pk,
                        exc_info=True)

    transaction.on_commit(send)
    return True
