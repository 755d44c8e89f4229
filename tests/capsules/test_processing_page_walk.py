"""First-user walk of the processing page (footage detail): « Relancer » only where retrying makes sense,
"Sans objet" stages not shown done, warning boxes with their icon."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from capsules.models import Footage, PipelineRun, StageRun
from tests import factories

pytestmark = pytest.mark.django_db


def _run(statuses: dict[str, str], run_status=PipelineRun.Status.FAILED, **footage_kw) -> Footage:
    footage = factories.FootageFactory(duration=20.0, **footage_kw)
    run = PipelineRun.objects.create(footage=footage, status=run_status)
    for name, status in statuses.items():
        StageRun.objects.create(run=run, name=name, status=status,
                                progress=100 if status in ("succeeded", "skipped") else 0,
                                error_message="Pas de piste audio" if status == "skipped" else "")
    return footage


def _row(body: str, name: str) -> str:
    return re.search(rf'<tr data-stage="{name}">(.*?)</tr>', body, re.S).group(1)


def test_relancer_only_on_failed_cancelled_finished_or_stuck_stages(client):
    footage = _run({"ingest": "succeeded", "transcode": "failed", "audio": "skipped", "transcribe": "pending",
                    "translate": "queued", "motion": "cancelled"})
    client.force_login(factories.designer())
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    offered = {name for name in ("ingest", "transcode", "audio", "transcribe", "translate", "motion")
               if "Relancer" in _row(body, name)}
    assert offered == {"ingest", "transcode", "motion"}
    status = client.get(f"/admin/geste/footage/{footage.pk}/status/").json()
    assert {s["name"] for s in status["stages"] if s["retryable"]} == offered


def test_a_stuck_stage_can_be_retried_a_live_one_cannot(client, settings):
    footage = _run({"ingest": "succeeded", "transcode": "running", "audio": "running"},
                   run_status=PipelineRun.Status.RUNNING)
    stale = timezone.now() - timezone.timedelta(seconds=settings.GESTE_STALE_HEARTBEAT_S + 30)
    StageRun.objects.filter(name="transcode").update(heartbeat_at=stale, worker="mort:1")
    StageRun.objects.filter(name="audio").update(heartbeat_at=timezone.now(), worker="vivant:2")
    client.force_login(factories.designer())
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    assert "Relancer" not in _row(body, "audio")
    assert "Relancer" not in _row(body, "transcode")  # another stage is being computed: nothing now
    StageRun.objects.filter(name="audio").update(heartbeat_at=stale)  # both workers died
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    assert "Relancer" in _row(body, "transcode") and "Relancer" in _row(body, "audio")
    response = client.post(f"/admin/geste/footage/{footage.pk}/rerun/transcode/", follow=True)
    assert "et les suivantes sont relancées" in response.content.decode()
    assert StageRun.objects.get(name="transcode").status == StageRun.Status.PENDING


@pytest.mark.parametrize("status", ["pending", "queued", "skipped"])
def test_retrying_a_waiting_or_skipped_stage_is_refused_in_french(client, status):
    footage = _run({"ingest": "succeeded", "transcode": "failed", "audio": status})
    client.force_login(factories.designer())
    response = client.post(f"/admin/geste/footage/{footage.pk}/rerun/audio/", follow=True)
    text = response.content.decode()
    assert "il n&#x27;y a rien à relancer" in text or "il n'y a rien à relancer" in text
    assert "et les suivantes sont relancées" not in text
    audio = StageRun.objects.get(name="audio")
    assert audio.status == status and audio.output_keys == {}  # untouched, not forced
    assert PipelineRun.objects.get().status == PipelineRun.Status.FAILED


def test_retrying_a_failed_stage_still_works(client):
    footage = _run({"ingest": "succeeded", "transcode": "failed"})
    client.force_login(factories.designer())
    response = client.post(f"/admin/geste/footage/{footage.pk}/rerun/transcode/", follow=True)
    text = response.content.decode().replace("&#x27;", "'")
    assert "L'étape «\u00a0Rendus vidéo (HLS, MP4, vignettes)\u00a0» et les suivantes sont relancées." in text
    assert StageRun.objects.get(name="transcode").status == StageRun.Status.PENDING
    assert PipelineRun.objects.get().status == PipelineRun.Status.RUNNING


def test_sans_objet_stage_shows_no_full_bar(client):
    footage = _run({"ingest": "succeeded", "audio": "skipped"})
    client.force_login(factories.designer())
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    row = _row(body, "audio")
    progress = re.search(r"<progress[^>]*>", row).group(0)
    assert " hidden" in progress  # no green 100 % bar
    assert re.search(r'data-field="progress">Sans objet<', row) and "100 %" not in row
    assert 'data-field="status"' in row and ">Sans objet<" in row.split('data-label="Progression"')[0]
    assert " hidden" not in re.search(r"<progress[^>]*>", _row(body, "ingest")).group(0)


def test_warning_boxes_carry_their_icon(client):
    footage = _run({"ingest": "succeeded"}, motion_curve={"handwork": {"hands_seen_working": False}})
    client.force_login(factories.designer())
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    boxes = re.findall(r'<p class="help-block help-warning[^"]*"[^>]*>(.*?)</p>', body, re.S)
    assert boxes, "the few-hands warning is shown"
    for box in boxes:
        assert re.match(r"\s*<svg class=\"icon icon-warning", box), box[:120]


def test_the_stage_at_work_is_said_at_the_top_beside_the_status(client):
    """Walk 48: on a phone, while the English subtitles were being made, the top said « En relecture par l'expert »
    and « rien d'autre à faire », the running stage far below. The top names it, with its progress, and links to the
    processing table; once nothing runs the line is hidden."""
    footage = _run({"ingest": "succeeded", "transcode": "succeeded", "translate": "running"},
                   run_status=PipelineRun.Status.RUNNING)
    StageRun.objects.filter(run__footage=footage, name="translate").update(progress=59)
    client.force_login(factories.designer())
    body = client.get(f"/admin/geste/footage/{footage.pk}/").content.decode()
    top = re.search(r'<span data-role="running-stage"([^>]*)>(.*?)</a></span>', body, re.S)
    assert top and "hidden" not in top.group(1), body[:3000]
    said = top.group(2)
    assert "Traitement en cours" in said and "59" in said and 'href="#geste-processing-title"' in said
    assert 'id="geste-processing-title"' in body
    done = _run({"ingest": "succeeded", "transcode": "succeeded"}, run_status=PipelineRun.Status.SUCCEEDED)
    body = client.get(f"/admin/geste/footage/{done.pk}/").content.decode()
    assert re.search(r'<span data-role="running-stage" hidden>', body)
