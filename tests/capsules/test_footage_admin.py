"""The designer's footage page: stages with progress, captions on the video, transcript correction."""

from __future__ import annotations

import pytest
import webvtt
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from capsules.models import PipelineRun, StageRun, Transcript
from tests import factories

pytestmark = pytest.mark.django_db

SEGMENTS = [
    {"start": 0.5, "end": 2.5, "text": " Je prends la clé dynamo.", "words": [
        {"start": 0.5, "end": 0.8, "word": " Je", "probability": 0.9},
        {"start": 0.8, "end": 1.3, "word": " prends", "probability": 0.9},
        {"start": 1.3, "end": 1.5, "word": " la", "probability": 0.9},
        {"start": 1.5, "end": 1.9, "word": " clé", "probability": 0.9},
        {"start": 1.9, "end": 2.5, "word": " dynamo.", "probability": 0.4}]},
    {"start": 3.0, "end": 4.5, "text": " Je serre l'écrou.", "words": [
        {"start": 3.0, "end": 3.3, "word": " Je", "probability": 0.9},
        {"start": 3.3, "end": 3.8, "word": " serre", "probability": 0.9},
        {"start": 3.8, "end": 4.5, "word": " l'écrou.", "probability": 0.9}]},
]


@pytest.fixture
def footage(storage_root):
    footage = factories.FootageFactory(duration=5.0)
    key = f"footage/ab/{footage.checksum}/transcribe/x/captions.fr.vtt"
    default_storage.save(key, ContentFile(b"WEBVTT\n\n00:00:00.500 --> 00:00:02.500\nJe prends la cle dynamo.\n"))
    footage.renditions = {"mp4": "footage/x/360p.mp4", "captions": {"fr": key}}
    footage.save()
    Transcript.objects.create(footage=footage, language="fr", duration=5.0, segments=SEGMENTS, model="whisper-base")
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING)
    StageRun.objects.create(run=run, name="ingest", status=StageRun.Status.SUCCEEDED, progress=100)
    StageRun.objects.create(run=run, name="transcode", status=StageRun.Status.RUNNING, progress=42.5)
    StageRun.objects.create(run=run, name="audio", status=StageRun.Status.FAILED, error_message="Disque plein")
    return footage


def test_footage_page_shows_stages_captions_and_transcript(client, footage):
    client.force_login(factories.designer())
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    assert 'value="42.5"' in body and "Disque plein" in body
    assert '<track kind="captions" srclang="fr"' in body
    assert "Je serre l&#x27;écrou." in body or "Je serre l'écrou." in body
    status = client.get(f"/admin/geste/footage/{footage.pk}/status/").json()
    assert {s["name"]: s["progress"] for s in status["stages"]}["transcode"] == 42.5


def test_unassigned_expert_cannot_open_the_footage_page(client, footage):
    client.force_login(factories.expert())
    assert client.get(f"/admin/geste/footage/{footage.pk}/").status_code == 404
    footage.expert = factories.expert(username="assigned")
    footage.save()
    client.force_login(footage.expert)
    assert client.get(f"/admin/geste/footage/{footage.pk}/").status_code == 200


def test_transcript_correction_keeps_times_and_rebuilds_captions(client, footage):
    client.force_login(factories.designer())
    response = client.post(f"/admin/geste/footage/{footage.pk}/transcript/",
                           {"segment-0": "Je prends la clé dynamométrique.", "segment-1": " Je serre l'écrou."})
    assert response.status_code == 302
    transcript = Transcript.objects.get(footage=footage)
    assert transcript.edited and transcript.segments[0]["text"].strip() == "Je prends la clé dynamométrique."
    assert transcript.segments[0]["start"] == 0.5 and transcript.segments[0]["end"] == 2.5
    assert transcript.segments[1]["text"].strip() == "Je serre l'écrou."
    footage.refresh_from_db()
    key = footage.renditions["captions"]["fr"]
    assert "captions-edited" in key
    cues = webvtt.from_string(default_storage.open(key).read().decode())
    assert "dynamométrique" in " ".join(c.text for c in cues)
    assert cues[0].start == "00:00:00.500"


def test_experts_cannot_correct_transcripts(client, footage):
    footage.expert = factories.expert(username="assigned2")
    footage.save()
    client.force_login(footage.expert)
    response = client.post(f"/admin/geste/footage/{footage.pk}/transcript/", {"segment-0": "x"})
    assert response.status_code in (302, 403) and response.get("Location", "/admin/") == "/admin/"
    assert not Transcript.objects.get(footage=footage).edited  # Wagtail turns the refusal into a redirect


def test_footage_media_is_private_until_a_capsule_is_published(client, storage_root):
    from tests.pages import capsule_page

    footage = factories.FootageFactory(checksum="c" * 64)
    key = f"footage/cc/{'c' * 64}/transcode/k/360p.mp4"
    default_storage.save(key, ContentFile(b"0" * 2048))
    url = f"/media/{key}"
    assert client.get(url).status_code == 404  # anonymous, draft footage
    client.force_login(factories.learner())
    assert client.get(url).status_code == 404
    client.force_login(factories.expert())
    assert client.get(url).status_code == 404  # not their footage
    client.force_login(factories.designer())
    assert client.get(url).status_code == 200
    capsule_page(factories.CapsuleFactory(footage=footage))
    client.logout()
    response = client.get(url, HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206 and response["Content-Range"] == "bytes 0-99/2048"
    # The capsule page stays live but its skills block is unpublished: the media are private again.
    from cms.models import CapsulePage

    CapsulePage.objects.get(capsule__footage=footage).get_parent().specific.unpublish()
    assert client.get(url).status_code == 404


def test_footage_listing_shows_progress_without_a_query_per_row(client, footage, django_assert_max_num_queries):
    """The 'Traitement' column reads prefetched runs and stages: 3 or 30 rows cost the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(factories.designer())

    def listing() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/admin/footage/").content.decode()
        return body, len(ctx.captured_queries)

    body, few = listing()
    # the running stage, by its French label, and its percentage
    assert any(f"Rendus vidéo (HLS, MP4, vignettes) {n}\u00a0%" in body for n in (42, 43))
    assert "transcode" not in body.split("<main", 1)[-1].replace('"transcode', "")  # no stage code name shown
    for _ in range(12):
        run = PipelineRun.objects.create(footage=factories.FootageFactory(), status=PipelineRun.Status.RUNNING)
        StageRun.objects.create(run=run, name="motion", status=StageRun.Status.RUNNING, progress=10)
    body, many = listing()
    assert body.count("Analyse du mouvement 10\u00a0%") == 12
    assert many <= few + 2, (few, many)
