"""Chunked, resumable upload through the admin endpoints, and the ingest_footage command."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from capsules.models import Footage, StageRun
from tests import factories
from tests.mediagen import make_clip

pytestmark = pytest.mark.django_db


@pytest.fixture
def clip(media_dir):
    path = media_dir / "upload.mp4"
    return path if path.exists() else make_clip(path, duration=3, size="320x240")


def create(client, **body):
    return client.post("/admin/geste/uploads/", data=json.dumps(body), content_type="application/json")


def test_resumable_upload_after_a_dropped_connection(client, storage_root, clip, django_capture_on_commit_callbacks):
    client.force_login(factories.designer())
    block = factories.SkillsBlockFactory()
    data = clip.read_bytes()
    res = create(client, filename="Mon tournage (1).mp4", size=len(data), title="Joint", skills_block=block.pk)
    assert res.status_code == 201
    url = res.json()["url"]
    half = len(data) // 2
    assert client.patch(url, data[:half], content_type="application/offset+octet-stream",
                        HTTP_UPLOAD_OFFSET="0").json()["offset"] == half
    # The connection drops; the client resends a chunk from a stale offset: the server says where it is.
    stale = client.patch(url, data[:100], content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET="0")
    assert stale.status_code == 409 and stale.json()["offset"] == half
    assert client.get(url).json() == {"offset": half, "size": len(data)}
    assert client.patch(url, data[half:], content_type="application/offset+octet-stream",
                        HTTP_UPLOAD_OFFSET=str(half)).json()["offset"] == len(data)
    with django_capture_on_commit_callbacks(execute=False):
        done = client.post(url + "complete/")
    assert done.status_code == 201, done.content
    footage = Footage.objects.get(pk=done.json()["footage"])
    assert footage.title == "Joint" and footage.skills_block == block
    assert footage.original.name.startswith(f"footage/{footage.checksum[:2]}/{footage.checksum}/original/")
    assert footage.original.read() == data
    assert set(StageRun.objects.filter(run__footage=footage).values_list("name", flat=True)) >= {"ingest", "transcode"}


def _upload(client, data: bytes, title: str):
    url = create(client, filename="tournage.mp4", size=len(data), title=title).json()["url"]
    client.patch(url, data, content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET="0")
    return client.post(url + "complete/")


def test_uploading_the_same_file_again_warns_with_a_link_and_keeps_both(client, storage_root, clip,
                                                                      django_capture_on_commit_callbacks):
    """Same content (SHA-256 computed server-side at assembly): a French warning naming the earlier upload,
    its date and escaped title linking to it; the new footage is still created (versions are legitimate)."""
    client.force_login(factories.designer())
    data = clip.read_bytes()
    with django_capture_on_commit_callbacks(execute=False):
        first = _upload(client, data, "Joint <b>v1</b>")
        assert first.status_code == 201 and "duplicate_of" not in first.json()
        earlier = Footage.objects.get(pk=first.json()["footage"])
        Footage.objects.filter(pk=earlier.pk).update(created_at=datetime(2026, 3, 7, 12, tzinfo=UTC))
        again = _upload(client, data, "Joint v2")
    assert again.status_code == 201, again.content
    new = Footage.objects.get(pk=again.json()["footage"])
    assert new.pk != earlier.pk and new.checksum == earlier.checksum and Footage.objects.count() == 2
    earlier_url = f"/admin/geste/footage/{earlier.pk}/"
    page = client.get(again.json()["url"]).content.decode()
    assert (f"Cette vidéo a déjà été téléversée le 7 mars («\u00a0<a href=\"{earlier_url}\">"
            "Joint &lt;b&gt;v1&lt;/b&gt;</a>\u00a0»).") in page
    assert "<b>v1</b>" not in page
    assert again.json()["duplicate_of"] == {"footage": earlier.pk, "title": "Joint <b>v1</b>", "url": earlier_url}


def test_rejected_upload_stores_nothing(client, storage_root):
    client.force_login(factories.designer())
    body = b"%PDF-1.4 not a video at all\n" * 50
    url = create(client, filename="rapport.mp4", size=len(body)).json()["url"]
    client.patch(url, body, content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET="0")
    res = client.post(url + "complete/")
    assert res.status_code == 422
    assert "vidéo" in res.json()["error"]
    assert not Footage.objects.exists()
    assert not any(p.is_file() for p in storage_root.rglob("*"))


def test_absurd_size_is_refused_up_front(client, settings):
    client.force_login(factories.designer())
    settings.GESTE_MAX_UPLOAD_BYTES = 1000
    res = create(client, filename="énorme.mp4", size=10**12)
    assert res.status_code == 413 and "volumineux" in res.json()["error"]


@pytest.mark.parametrize("who", ["anonymous", "learner", "expert"])
def test_only_designers_upload(client, who):
    if who != "anonymous":
        client.force_login(getattr(factories, who)())
    res = create(client, filename="a.mp4", size=10)
    assert res.status_code in (302, 403)


def test_ingest_footage_command(storage_root, clip, django_capture_on_commit_callbacks):
    block = factories.SkillsBlockFactory()
    with django_capture_on_commit_callbacks(execute=False):
        call_command("ingest_footage", str(clip), "--skills-block", block.code, "--title", "Par la console")
    assert Footage.objects.get().title == "Par la console"
    with pytest.raises(CommandError, match="inconnu"):
        call_command("ingest_footage", str(clip), "--skills-block", "RNCP00000BC09")


def test_progress_in_a_log_is_one_line_per_change():
    """`ingest_footage --wait` piped to a file: readable lines, no bar redraws or blank lines."""
    import io

    from capsules.models import PipelineRun, StageRun
    from capsules.pipeline.progress_cli import follow_run
    from capsules.pipeline.workflow import STAGES

    run = PipelineRun.objects.create(footage=factories.FootageFactory(), status=PipelineRun.Status.SUCCEEDED)
    for spec in STAGES:
        StageRun.objects.create(run=run, name=spec.name, status=StageRun.Status.SUCCEEDED, progress=100)
    out = io.StringIO()
    follow_run(run, out, timeout=5, poll=0.01)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(STAGES) and all(line.strip() for line in lines)
    assert lines[0].startswith("Analyse et validation : ") and lines[0].endswith("100 %")
