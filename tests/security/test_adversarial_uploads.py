"""Hostile uploads: names, metadata, offsets and races on the same upload (issue 11, items 7-11).

Future features that accept files or upload requests extend this module: every case uses real
parts (ffmpeg-made clips, concurrent HTTP requests on a live server, PostgreSQL).
"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest

from media_pipeline.audio import extract_audio
from media_pipeline.errors import PermanentMediaError
from media_pipeline.ffmpeg_run import media_arg, run_ffmpeg
from media_pipeline.probe import probe
from media_pipeline.transcode import transcode
from tests.mediagen import make_clip

# --- hostile metadata (item 8) ----------------------------------------------------------------


def _with_title(src: Path, out: Path, title: str) -> Path:
    """Copy ``src`` with a global title and stream titles of any size (through an ffmetadata file:
    a 1 MB command-line argument is over the kernel's limit)."""
    meta = out.with_suffix(".ffmeta")
    meta.write_text(f";FFMETADATA1\ntitle={title}\ncomment={title}\n", "utf-8")
    subprocess.run(["ffmpeg", "-y", "-v", "error", "-i", str(src), "-i", str(meta), "-map", "0", "-map_metadata", "1",
                    "-metadata:s:v:0", f"title={title[:100_000]}", "-c", "copy", str(out)],
                   check=True, capture_output=True)
    return out


def _tags(path: Path) -> dict:
    done = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json",
                           str(path)], check=True, capture_output=True, text=True)
    data = json.loads(done.stdout)
    tags = dict((data.get("format") or {}).get("tags") or {})
    for stream in data.get("streams") or []:
        tags.update(stream.get("tags") or {})
    return tags


@pytest.mark.parametrize("length", [300, 1_000_000])
def test_huge_metadata_title_is_dropped_not_fatal(media_dir, tmp_path, length):
    base = media_dir / "meta-base.mp4"
    if not base.exists():
        make_clip(base, duration=3, size="320x240")
    src = _with_title(base, tmp_path / f"title-{length}.mp4", "Découpe « tuyau » " * (length // 18 + 1))
    assert len(_tags(src)["title"]) >= length  # the hostile file really carries it

    result = transcode(src, tmp_path / "out", probe(src))
    outputs = [Path(result.out_dir) / result.mp4, *sorted((Path(result.out_dir)).glob("*/seg_0000.ts"))]
    assert len(outputs) >= 2
    for out in outputs:
        assert "title" not in _tags(out) and "comment" not in _tags(out), out
    wav = extract_audio(src, tmp_path / "audio.wav")
    assert wav.duration > 2.5
    assert b"D\xc3\xa9coupe" not in Path(wav.path).read_bytes()


def test_muxer_refusing_its_header_is_permanent_with_a_french_message(tmp_path):
    # The failure the long title caused, reproduced directly: the MPEG-TS muxer refuses a service
    # name over 255 bytes and blames memory; it fails the same way every time, so never retry it.
    with pytest.raises(PermanentMediaError) as caught:
        run_ffmpeg(["-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=1", "-metadata",
                    "service_name=" + "x" * 300, "-f", "mpegts", media_arg(tmp_path / "out.ts")],
                   what="la conversion de la vidéo")
    assert "nouvelle tentative donnerait le même résultat" in caught.value.message
    assert "Too long service" in caught.value.detail


# --- hostile upload requests (items 7 and 10) -------------------------------------------------

UPLOADS = "/admin/geste/uploads/"


def _create(client, **body):
    return client.post(UPLOADS, data=json.dumps(body), content_type="application/json")


def _patch(client, url, data: bytes, offset, **headers):
    return client.patch(url, data, content_type="application/offset+octet-stream",
                        HTTP_UPLOAD_OFFSET=str(offset), **headers)


@pytest.fixture
def upload_clip(media_dir):
    path = media_dir / "hostile-upload.mp4"
    return path if path.exists() else make_clip(path, duration=2, size="320x240")


@pytest.mark.django_db
@pytest.mark.parametrize("name, expected_end", [
    ("Découpe " * 700 + ".mp4", ".mp4"),          # ~5,000 characters: the extension survives the cut
    ("tuyau\x00.html.mp4", "tuyau.html.mp4"),      # NUL: PostgreSQL refuses it, and it hides the real end
    ("photo\u202egnp.mp4", "photognp.mp4"),        # right-to-left override: would display "photo4pm.png"
    ("C:\\Users\\moi\\Vidéos\\joint.MP4", "joint.MP4"),
])
def test_hostile_file_names_are_kept_printable_and_whole(client, storage_root, upload_clip, name, expected_end,
                                                           django_capture_on_commit_callbacks):
    from capsules.models import Footage
    from tests import factories

    client.force_login(factories.designer())
    data = upload_clip.read_bytes()
    res = _create(client, filename=name, size=len(data), title="Titre\x00 avec\nsaut")
    assert res.status_code == 201, res.content
    url = res.json()["url"]
    assert _patch(client, url, data, 0).status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        done = client.post(url + "complete/")
    assert done.status_code == 201, done.content
    footage = Footage.objects.get(pk=done.json()["footage"])
    assert footage.original_name.endswith(expected_end)
    assert len(footage.original_name) <= 255
    assert not any(ch in footage.original_name for ch in "\x00\u202e\\/")
    assert footage.title == "Titre avec saut"


@pytest.mark.django_db
@pytest.mark.parametrize("block", ["abc", [1], {"id": 1}, True, -3, "1; DROP TABLE"])
def test_malformed_skills_block_is_a_french_400(client, block):
    from tests import factories

    client.force_login(factories.designer())
    res = _create(client, filename="a.mp4", size=10, skills_block=block)
    assert res.status_code == 400
    assert res.json()["error"] == "Bloc de compétences invalide."


@pytest.mark.django_db
@pytest.mark.parametrize("body", [b"[]", b'"x"', b"{", b'{"size": "dix", "filename": "a.mp4"}', b'{"size": 5}'])
def test_malformed_upload_creation_is_a_french_400(client, body):
    from tests import factories

    client.force_login(factories.designer())
    res = client.post(UPLOADS, data=body, content_type="application/json")
    assert res.status_code == 400
    assert res.json()["error"] == "Requête de téléversement invalide."


@pytest.mark.django_db
def test_size_refusal_reads_in_french_units(client, settings):
    from tests import factories

    client.force_login(factories.designer())
    settings.GESTE_MAX_UPLOAD_BYTES = 20 * 10**9
    res = _create(client, filename="énorme.mp4", size=47 * 10**9 + 10**8)
    assert res.status_code == 413
    assert res.json()["error"] == "Fichier trop volumineux (47,1\u00a0Go, maximum 20\u00a0Go)."
    settings.GESTE_MAX_UPLOAD_BYTES = 1000
    assert "maximum 1\u00a0ko" in _create(client, filename="a.mp4", size=1500).json()["error"]


@pytest.mark.django_db
@pytest.mark.parametrize("offset", ["abc", "-1", "1e3", "0x10", "", "99999999999999999999999"])
def test_malformed_upload_offset_is_a_french_400(client, offset):
    from tests import factories

    client.force_login(factories.designer())
    url = _create(client, filename="a.mp4", size=100).json()["url"]
    res = _patch(client, url, b"x" * 10, offset)
    assert res.status_code == 400
    error = res.json()["error"]
    assert error.startswith("En-tête Upload-Offset absent ou invalide") and "invalid literal" not in error
    assert client.get(url).json()["offset"] == 0


@pytest.mark.django_db
def test_chunk_damaged_on_the_way_is_refused(client):
    import base64
    import hashlib

    from tests import factories

    client.force_login(factories.designer())
    url = _create(client, filename="a.mp4", size=100).json()["url"]
    sent = b"y" * 50
    wrong = "sha256 " + base64.b64encode(hashlib.sha256(b"z" * 50).digest()).decode()
    res = _patch(client, url, sent, 0, HTTP_UPLOAD_CHECKSUM=wrong)
    assert res.status_code == 460 and res.json()["offset"] == 0
    right = "sha256 " + base64.b64encode(hashlib.sha256(sent).digest()).decode()
    assert _patch(client, url, sent, 0, HTTP_UPLOAD_CHECKSUM=right).json()["offset"] == 50
    assert _patch(client, url, sent, 50, HTTP_UPLOAD_CHECKSUM="md5 abc").status_code == 400


def _live_session(live_server):
    """A requests session logged in as a designer on the live server (real HTTP, real threads)."""
    import secrets

    import requests
    from django.test import Client

    from tests import factories

    client = Client()
    client.force_login(factories.designer())
    session = requests.Session()
    token = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.cookies.set("csrftoken", token)
    session.headers["X-CSRFToken"] = token
    return session


def test_concurrent_patches_at_the_same_offset_write_one_chunk(live_server):
    """Eight PATCHes race at each offset: one wins (200), the others get 409 and the server's offset;
    the assembled file is exactly the winners' chunks, in order."""
    import hashlib
    import os
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from capsules.pipeline import uploads

    session = _live_session(live_server)
    chunk, rounds, racers = 8 * 2**20, 6, 8
    res = session.post(live_server.url + UPLOADS, json={"filename": "course.mp4", "size": chunk * rounds})
    assert res.status_code == 201, res.text
    url, upload_id = live_server.url + res.json()["url"], res.json()["id"]
    expected = hashlib.sha256()
    for r in range(rounds):
        bodies = [os.urandom(chunk) for _ in range(racers)]
        barrier = threading.Barrier(racers)

        def send(body, offset=r * chunk, barrier=barrier):
            barrier.wait()
            return session.patch(url, data=body, headers={"Upload-Offset": str(offset),
                                                          "Content-Type": "application/offset+octet-stream"})

        with ThreadPoolExecutor(racers) as pool:
            answers = list(pool.map(send, bodies))
        codes = sorted(a.status_code for a in answers)
        assert codes == [200] + [409] * (racers - 1), codes
        assert all(a.json()["offset"] == (r + 1) * chunk for a in answers)
        expected.update(bodies[next(i for i, a in enumerate(answers) if a.status_code == 200)])
    part = uploads.load(upload_id).part_path
    assert part.stat().st_size == chunk * rounds
    assert hashlib.sha256(part.read_bytes()).hexdigest() == expected.hexdigest()
    uploads.load(upload_id).delete()


def test_bad_offset_answers_400_and_the_body_never_becomes_a_request(live_server):
    """The rejected chunk is read and dropped: a request hidden in it is never served on the
    kept-alive connection, and the next real request gets its own answer."""
    import http.client
    from urllib.parse import urlsplit

    session = _live_session(live_server)
    res = session.post(live_server.url + UPLOADS, json={"filename": "a.mp4", "size": 1000})
    path = res.json()["url"]
    smuggled = b"GET /admin/geste/uploads/smuggled/ HTTP/1.1\r\nHost: x\r\n\r\n"
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    conn = http.client.HTTPConnection(urlsplit(live_server.url).netloc, timeout=10)
    conn.request("PATCH", path, body=smuggled, headers={
        "Upload-Offset": "abc", "Cookie": cookie, "X-CSRFToken": session.headers["X-CSRFToken"],
        "Content-Type": "application/offset+octet-stream"})
    first = conn.getresponse()
    assert first.status == 400
    assert json.loads(first.read())["error"].startswith("En-tête Upload-Offset absent ou invalide")
    if not first.will_close:
        conn.request("GET", path, headers={"Cookie": cookie})
        second = conn.getresponse()
        assert second.status == 200 and json.loads(second.read()) == {"offset": 0, "size": 1000}
    conn.close()


# --- abandoned uploads and stale work folders (item 11) ---------------------------------------


def _age(path: Path, seconds: float) -> None:
    import os
    import time

    when = time.time() - seconds
    for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.utime(p, (when, when))


@pytest.mark.django_db
def test_purge_stale_uploads_command(settings, tmp_path):
    from django.core.management import call_command

    from capsules.models import PipelineRun
    from capsules.pipeline import uploads
    from tests import factories

    settings.GESTE_UPLOAD_DIR = tmp_path / "uploads"
    settings.GESTE_WORK_DIR = tmp_path / "work"
    settings.GESTE_UPLOAD_EXPIRY_S = 3 * 24 * 3600
    day = 24 * 3600
    abandoned = uploads.create(1, "abandon.mp4", 100, None, "")
    uploads.append(abandoned, 0, b"x" * 40)
    kept = uploads.create(1, "en-cours.mp4", 100, None, "")
    uploads.append(kept, 0, b"y" * 40)
    _age(abandoned.part_path, 4 * day)
    _age(settings.GESTE_UPLOAD_DIR / f"{abandoned.id}.json", 4 * day)
    _age(settings.GESTE_UPLOAD_DIR / f"{kept.id}.json", 4 * day)  # created long ago, but a chunk came today
    orphan = settings.GESTE_UPLOAD_DIR / "0123abcd.part"
    orphan.write_bytes(b"z" * 10)
    _age(orphan, 4 * day)

    footage = factories.FootageFactory()
    failed = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.FAILED)
    running = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING)
    work = Path(settings.GESTE_WORK_DIR)
    (work / f"run{failed.pk}" / "transcode").mkdir(parents=True)
    (work / f"run{failed.pk}" / "transcode" / "half.ts").write_bytes(b"t" * 1000)
    (work / f"run{running.pk}" / "transcode").mkdir(parents=True)
    (work / f"run{running.pk}" / "transcode" / "live.ts").write_bytes(b"t" * 1000)
    (work / "run999999" / "segment").mkdir(parents=True)      # emptied by the runner, left behind
    (work / "run999998").mkdir()                              # empty but just made: a stage may be starting
    (work / f"run{running.pk}" / "motion").mkdir()            # computing for hours before its first file
    _age(work / f"run{running.pk}" / "motion", 4 * day)
    (work / "notes").mkdir()                                  # not ours
    for folder in (f"run{failed.pk}", f"run{running.pk}", "run999999", "notes"):
        _age(work / folder, 4 * day)

    out = io.StringIO()
    call_command("purge_stale_uploads", "--dry-run", stdout=out)
    assert "(simulation)" in out.getvalue() and abandoned.part_path.exists()

    out = io.StringIO()
    call_command("purge_stale_uploads", stdout=out)
    assert uploads.load(abandoned.id) is None and not abandoned.part_path.exists()
    assert uploads.load(kept.id) is not None and kept.part_path.stat().st_size == 40
    assert not orphan.exists()
    assert sorted(p.name for p in work.iterdir()) == sorted(["notes", "run999998", f"run{running.pk}"])
    assert (work / f"run{running.pk}" / "transcode" / "live.ts").exists()
    assert (work / f"run{running.pk}" / "motion").is_dir()
    assert "1 téléversement(s) abandonné(s), 1 fichier(s) orphelin(s), 2 dossier(s)" in out.getvalue()


def test_worker_purges_empty_run_folders_when_it_starts(worker_factory, tmp_path, settings):
    from tests.conftest import wait_for

    work = tmp_path / "work"
    (work / "run424242" / "motion").mkdir(parents=True)
    _age(work / "run424242", 2 * 3600)
    (work / "run424243").mkdir()  # fresh: kept
    worker_factory()
    wait_for(lambda: not (work / "run424242").exists(), timeout=30, message="the worker's purge")
    assert (work / "run424243").exists()


# --- footage that ends without steps (item 9) -------------------------------------------------


@pytest.mark.django_db
def test_run_that_finds_no_step_says_so(client):
    from django.urls import reverse

    from capsules.models import Footage, PipelineRun, StageRun
    from capsules.pipeline.workflow import STAGES, advance
    from tests import factories

    footage = factories.FootageFactory(status=Footage.Status.PROCESSING, duration=6.0,
                                       probe={"width": 7680, "height": 4320})
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING)
    for spec in STAGES:
        StageRun.objects.create(run=run, name=spec.name, status=StageRun.Status.SUCCEEDED)
    advance(run.pk)
    footage.refresh_from_db()
    run.refresh_from_db()
    assert run.status == PipelineRun.Status.SUCCEEDED and footage.status == Footage.Status.UPLOADED
    assert "aucune étape de geste n'a été détectée (6 s, 7680×4320)" in run.error_message
    client.force_login(factories.designer())
    page = client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()
    assert "aucune étape de geste n&#x27;a été détectée" in page or "aucune étape de geste n'a été détectée" in page
    status = client.get(reverse("geste_footage_status", args=[footage.pk])).json()
    assert status["run"]["error"] == run.error_message


@pytest.mark.django_db
@pytest.mark.parametrize("language, status", [("fr", 201), ("auto", 201), ("en", 201), ("fr\x00", 400),
                                              ("<script>", 400), (["fr"], 400)])
def test_upload_language_is_a_code(client, language, status):
    from tests import factories

    client.force_login(factories.designer())
    res = _create(client, filename="a.mp4", size=10, language=language)
    assert res.status_code == status
    if status == 400:
        assert res.json()["error"] == "Langue non prise en charge."


@pytest.mark.django_db
def test_completion_checks_the_whole_file_checksum_when_given(client, storage_root, upload_clip,
                                                               django_capture_on_commit_callbacks):
    import hashlib

    from capsules.models import Footage
    from tests import factories

    client.force_login(factories.designer())
    data = upload_clip.read_bytes()
    for claimed, status in [("zz", 400), (hashlib.sha256(b"autre chose").hexdigest(), 422),
                            (hashlib.sha256(data).hexdigest().upper(), 201)]:
        url = _create(client, filename="joint.mp4", size=len(data)).json()["url"]
        assert _patch(client, url, data, 0).status_code == 200
        with django_capture_on_commit_callbacks(execute=False):
            res = client.post(url + "complete/", json.dumps({"sha256": claimed}), content_type="application/json")
        assert res.status_code == status, res.content
        if status == 422:
            assert "somme de contrôle différente" in res.json()["error"]
            assert client.get(url).status_code == 404  # the corrupt assembly is gone
    assert Footage.objects.get().checksum == hashlib.sha256(data).hexdigest()
