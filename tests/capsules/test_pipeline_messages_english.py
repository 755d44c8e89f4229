"""The pipeline's messages are stored in French as written (by the worker, by the upload) and shown in the
reader's admin language: a designer whose Wagtail preference is English reads a corrupt upload, a video
that is too long, a footage without audio, in English; a French one reads the same stored text in French.
Real files and real ffprobe/ffmpeg (media_pipeline.probe), no mock."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from wagtail.users.models import UserProfile

from capsules.models import PipelineRun, StageRun
from capsules.pipeline.workflow import fail_run
from media_pipeline.errors import MediaError
from media_pipeline.probe import ProbeLimits, inspect
from tests import factories
from tests.mediagen import make_clip

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def english(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def clip(media_dir):
    path = media_dir / "upload.mp4"
    return path if path.exists() else make_clip(path, duration=3, size="320x240")


def _upload(client, data: bytes, name: str):
    url = client.post(
        "/admin/geste/uploads/", data=json.dumps({"filename": name, "size": len(data)}), content_type="application/json"
    ).json()["url"]
    client.patch(url, data, content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET="0")
    return client.post(url + "complete/")


def test_a_corrupt_upload_is_refused_in_the_designer_s_language(client, storage_root, clip):
    client.force_login(english(factories.designer()))
    data = clip.read_bytes()
    res = _upload(client, data[: len(data) // 3], "coupee.mp4")  # cut short: the MP4 index is missing
    assert res.status_code == 422
    assert res.json()["error"] == (
        "The video is truncated or corrupt: the MP4 file's index is missing "
        "(interrupted upload?). Send the original file again."
    )
    res = _upload(client, b"%PDF-1.4 not a video at all\n" * 50, "rapport.mp4")
    assert res.json()["error"] == "This file is not a video (PDF document detected)."


def _failed_footage(message: str, *, skipped_note: str = ""):
    footage = factories.FootageFactory()
    run = PipelineRun.objects.create(footage=footage)
    StageRun.objects.create(run=run, name="ingest")
    stage = StageRun.objects.get(run=run, name="ingest")
    if skipped_note:
        StageRun.objects.create(run=run, name="transcribe", status=StageRun.Status.SKIPPED, error_message=skipped_note)
    fail_run(stage, message)
    return footage


def _too_long_message(path: Path) -> str:
    with pytest.raises(MediaError) as caught:
        inspect(path, ProbeLimits(max_duration=2))
    return caught.value.message


def test_stored_french_messages_are_shown_in_english_and_stay_french_in_the_database(client, clip):
    too_long = _too_long_message(clip)
    assert too_long == "La vidéo est trop longue (3 s ; maximum 2 s)."  # as the worker stores it
    footage = _failed_footage(too_long, skipped_note="Pas de piste audio : pas de transcription.")
    client.force_login(english(factories.designer()))
    status = client.get(f"/admin/geste/footage/{footage.pk}/status/").json()
    assert status["run"]["error"] == "The video is too long (3 s; maximum 2 s)."
    rows = {r["name"]: r for r in status["stages"]}
    assert rows["ingest"]["error"] == "The video is too long (3 s; maximum 2 s)."
    assert rows["transcribe"]["note"] == "No audio track: no transcription."
    page = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    assert "The video is too long (3 s; maximum 2 s)." in page and "trop longue" not in page

    assert StageRun.objects.get(run__footage=footage, name="ingest").error_message == too_long  # data untouched
    french = factories.designer(username="ines")
    client.force_login(french)
    assert client.get(f"/admin/geste/footage/{footage.pk}/status/").json()["run"]["error"] == too_long


def test_messages_with_values_inside_keep_their_values(client):
    from django.utils import translation

    from capsules.pipeline.messages import shown

    with translation.override("en"):
        assert shown("ffmpeg a dépassé le temps alloué pour la conversion de la vidéo.") == (
            "ffmpeg ran out of time for converting the video."
        )
        assert shown("La résolution de la vidéo est trop grande (7680×4320 ; maximum 3840×3840).") == (
            "The video's resolution is too high (7680×4320; maximum 3840×3840)."
        )
        assert shown("Un message d'une ancienne version.") == "Un message d'une ancienne version."
        assert shown("") == ""
    with translation.override("fr"):
        assert shown("La vidéo est trop longue (3 s ; maximum 2 s).") == "La vidéo est trop longue (3 s ; maximum 2 s)."


def _raised_templates() -> set[str]:
    """Every message media_pipeline raises as a MediaError, its values as %s."""
    names = {"PermanentMediaError", "TransientMediaError", "WeightsError", "MediaError"}
    found = set()
    for path in (ROOT / "media_pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in names and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant):
                    found.add(arg.value)
                elif isinstance(arg, ast.JoinedStr):
                    found.add("".join(v.value if isinstance(v, ast.Constant) else "%s" for v in arg.values))
    return found


def test_every_message_the_media_library_raises_is_listed_for_translation():
    from capsules.pipeline import messages as pipeline_messages

    listed = {re.sub(r"%\(\w+\)s", "%s", m) for m in pipeline_messages.MEDIA_MESSAGES}
    missing = _raised_templates() - listed
    assert not missing, f"add these to capsules/pipeline/messages.py MEDIA_MESSAGES: {sorted(missing)}"
