"""Geste on several nodes, on one machine: a web node (gunicorn), two `media` worker nodes and an
`asr` worker node, each a process group with its own folders and no path of another's, sharing only
PostgreSQL, RabbitMQ (its own vhost) and SeaweedFS's S3 bucket — what separate machines share.

Footage uploaded through the web's chunked-upload API is processed end to end (every stage reads its
inputs from S3 and writes its outputs there), and its HLS plays through the web: manifest, playlists,
a segment redirected to a presigned S3 URL and decoded by ffprobe. A media node is SIGKILLed in the
middle of a stage: the other node finishes the run. Two footage on two media nodes at once are then
timed against the same work on one node (printed; the assertion is that both nodes did work at once).

Run as root (as `make test` in CI), every node is also a user of its own (tests/scale/nodes.py:
node_users): the kernel, not the test's good manners, keeps each node out of the others' folders,
and the test checks it (processes' uids, folders another node's user cannot list). Not root, the
nodes share this user and the summary says so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.test import Client

from capsules.models import Footage, PipelineRun, StageRun
from tests import factories, pages
from tests.conftest import wait_for
from tests.mediagen import make_clip, real_french_speech
from tests.scale.nodes import Node, NodeUsersUnavailable, node_users

pytestmark = [pytest.mark.scale, pytest.mark.s3, pytest.mark.worker]

CSRF = "s" * 32  # a client-chosen CSRF cookie: Django accepts it when the header matches
MEDIA_STAGES = ("ingest", "transcode", "audio", "motion", "segment")


def amqp_url() -> str:
    """RabbitMQ on 127.0.0.1:5672, in a vhost of its own when rabbitmqctl may create one."""

    # One vhost per test database, so that runs of several checkouts on one machine never share queues.
    vhost = os.environ.get("GESTE_TEST_AMQP_VHOST") or f"geste-scale-{connection.settings_dict['NAME']}"
    made = subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], capture_output=True, text=True, timeout=60) \
        if _has("rabbitmqctl") else None
    if made is not None and (made.returncode == 0 or "already exists" in (made.stderr + made.stdout)):
        subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
                       capture_output=True, timeout=60, check=True)
        path = vhost
    else:
        path = ""  # the default vhost "/"
    url = f"amqp://guest:guest@127.0.0.1:5672/{path}"
    from kombu import Connection, Queue

    with Connection(url, connect_timeout=5) as conn:
        conn.ensure_connection(max_retries=3)
        channel = conn.default_channel
        for name in ("media", "asr"):  # nothing left over from an earlier run
            Queue(name, channel=channel).declare()
            channel.queue_purge(name)
    return url


def _has(cmd: str) -> bool:
    import shutil

    return shutil.which(cmd) is not None


@pytest.fixture
def cluster(transactional_db, s3_storage, whisper_base_dir, tmp_path, scale_report):
    db = connection.settings_dict
    shared = {
        "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": amqp_url(),
        **s3_storage.env(),
        "GESTE_STALE_HEARTBEAT_S": "8",
        "GESTE_TRANSLATE_CAPTIONS": "false",  # one asr stage is enough here; translate is tested elsewhere
        "GESTE_PURGE_INTERVAL_S": "0",
    }
    nodes: dict[str, Node] = {}
    # Outside pytest's root-only temp folder, so that nodes running as other users reach their own.
    base = Path(tempfile.mkdtemp(prefix="geste-nodes-"))
    base.chmod(0o711)
    try:
        users = node_users(base, readable=[whisper_base_dir])
    except NodeUsersUnavailable as error:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"nodes as users of their own: {error} (GESTE_TEST_NODE_USERS=0 runs them as this user)",
                    pytrace=False)
    scale_report(f"nodes as users of their own: {'yes, ' if users.enabled else 'no, '}{users.reason}")

    def node(name: str, **extra) -> Node:
        nodes[name] = Node(name, base / name, shared, extra_env=extra, uid=users.uid(len(nodes)), python=users.python)
        return nodes[name]

    try:
        node("web").start_web()
        node("media-1").start_worker("media")
        node("media-2").start_worker("media")
        # The asr node is set up with its Whisper weights (installed software, like the code).
        node("asr-1", GESTE_WHISPER_MODEL_DIR=str(whisper_base_dir), GESTE_WHISPER_BEAM_SIZE="1").start_worker("asr")
        started = time.monotonic()
        for n in list(nodes.values()):
            n.wait_ready()
        scale_report(f"nodes ready in {time.monotonic() - started:.1f} s")
        if users.enabled:
            scale_report("node processes (pid: uid executable): " + "; ".join(
                f"{n.name} " + ", ".join(f"{pid}: {uid} {exe}" for pid, (uid, exe) in sorted(owners.items()))
                for n in nodes.values() for owners in [n.process_owners()]))
        yield {"nodes": nodes, "node": node, "place": s3_storage, "users": users, "report": scale_report}
    finally:
        for n in nodes.values():
            n.kill()  # the test is over (or a node did not start): nothing to finish cleanly
        left = users.release()
        # PostgreSQL notices the killed nodes' connections a moment later; the database flush waits for it.
        with connection.cursor() as cursor:
            for _ in range(50):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND pid <> pg_backend_pid()")
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.1)
        for n in nodes.values():
            print(f"--- {n.name} (tail) ---\n{n.tail(2500)}")
        shutil.rmtree(base, ignore_errors=True)
    assert not left, f"processes of the nodes' users outlived their nodes (killed now): {left}"
    assert not base.exists(), f"{base} left behind"


def designer_session(web: Node) -> requests.Session:
    client = Client()
    client.force_login(factories.designer())
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value, domain="127.0.0.1")
    session.cookies.set("csrftoken", CSRF, domain="127.0.0.1")
    session.headers.update({"X-CSRFToken": CSRF, "Referer": web.url + "/admin/"})
    return session


def upload(session: requests.Session, web: Node, clip: Path, block) -> Footage:
    """The admin's chunked upload, over HTTP to the web node."""
    data = clip.read_bytes()
    created = session.post(f"{web.url}/admin/geste/uploads/", timeout=30, data=json.dumps(
        {"filename": clip.name, "size": len(data), "title": clip.stem, "skills_block": block.pk}))
    assert created.status_code == 201, created.text
    url = web.url + created.json()["url"]
    half = len(data) // 2
    for offset, chunk in ((0, data[:half]), (half, data[half:])):
        sent = session.patch(url, data=chunk, timeout=30, headers={
            "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset)})
        assert sent.status_code in (200, 204), sent.text
    done = session.post(url + "complete/", timeout=120)
    assert done.status_code == 201, done.text
    return Footage.objects.get(pk=done.json()["footage"])


def wait_run(footage: Footage, timeout: float = 240) -> PipelineRun:
    run = footage.latest_run

    def finished():
        run.refresh_from_db()
        return run.status in (PipelineRun.Status.SUCCEEDED, PipelineRun.Status.FAILED, PipelineRun.Status.CANCELLED)

    try:
        wait_for(finished, timeout=timeout, interval=0.3, message=f"run of {footage.title}")
    except AssertionError:
        states = {s.name: (s.status, s.progress, s.worker, s.error_message) for s in run.stages.all()}
        raise AssertionError(f"run {run.pk} did not finish: {states}")
    states = {s.name: (s.status, s.error_message) for s in run.stages.all()}
    assert run.status == PipelineRun.Status.SUCCEEDED, states
    return run


def node_of(stage: StageRun, nodes: dict[str, Node]) -> Node:
    pid = int(stage.worker.rsplit(":", 1)[1])
    return next(n for n in nodes.values() if n.proc and n.proc.poll() is None and pid in n.pids())


def clip_with_speech(out: Path, tag: str) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    wav, _ = real_french_speech(["agent-newlocation"], out.with_suffix(".wav"))
    return make_clip(out, duration=5, size="640x360", audio=wav, container_args=("-metadata", f"title={tag}"))


def test_nodes_process_take_over_play_and_share(cluster, tmp_path):
    nodes = cluster["nodes"]
    web = nodes["web"]
    block = factories.SkillsBlockFactory()
    session = designer_session(web)
    footage = upload(session, web, clip_with_speech(tmp_path / "clips" / "joint.mp4", uuid.uuid4().hex), block)
    survivor = kill_a_media_node_mid_stage(footage, nodes, cluster["report"])
    everything_in_s3(footage, nodes, cluster["place"])
    nodes_cannot_read_each_other(nodes, cluster["users"], cluster["report"])
    plays_through_the_web(footage, block, web, cluster["place"], tmp_path)
    two_media_nodes_share_the_work(cluster, survivor, session, block, tmp_path)


def kill_a_media_node_mid_stage(footage: Footage, nodes: dict[str, Node], report) -> Node:
    """SIGKILL the media node that took the transcode while it computes: the other finishes the run."""
    run = footage.latest_run
    transcode = wait_for(lambda: run.stages.filter(name="transcode", status=StageRun.Status.RUNNING)
                         .exclude(worker="").first(), timeout=120, interval=0.05, message="transcode running")
    victim = node_of(transcode, nodes)
    assert victim.name.startswith("media-")
    victim.kill()
    killed_at = time.monotonic()
    survivor = nodes["media-2" if victim.name == "media-1" else "media-1"]
    run = wait_run(footage)
    report(f"run finished {time.monotonic() - killed_at:.1f} s after {victim.name} was SIGKILLed in the transcode")
    stages = {s.name: s for s in run.stages.all()}
    assert stages["transcode"].attempts >= 2, "the stage was taken over, not left to a dead node"
    for name in ("transcode", "segment"):  # the stage taken over, and one that could only run later
        assert node_of(stages[name], {survivor.name: survivor}) is survivor, name
    assert stages["transcribe"].status == StageRun.Status.SUCCEEDED
    assert node_of(stages["transcribe"], {"asr-1": nodes["asr-1"]}).name == "asr-1"
    return survivor


def everything_in_s3(footage: Footage, nodes: dict[str, Node], place) -> None:
    """Every stage's outputs are in the bucket; no node stored a media file on its own disk."""
    footage.refresh_from_db()
    keys = set(place.keys())
    rend = footage.renditions
    expected = [footage.original.name, rend["master_playlist"], rend["mp4"], rend["poster"],
                rend["captions"]["fr"], *[s.keyframe for s in footage.steps.all()]]
    assert footage.steps.exists() and all(k in keys for k in expected), set(expected) - keys
    assert any(re.search(r"/transcode/[0-9a-f]+/.+\.(ts|m4s)$", k) for k in keys)
    for n in nodes.values():
        assert n.stored_files("media") == [], (n.name, n.stored_files("media"))
    assert nodes["web"].stored_files("uploads") == []  # the web kept nothing of the upload once stored


def nodes_cannot_read_each_other(nodes: dict[str, Node], users, report) -> None:
    """As users of their own, the live nodes' processes run as their uids and no node can list another's
    folder, its var/ (the web's uploads and var/ included) nor read its log, while each can its own.
    With the folders open (mode 0755) or one shared uid, this fails."""
    if not users.enabled:
        report(f"node isolation by users not checked: {users.reason}")
        return
    for n in (n for n in nodes.values() if n.proc.poll() is None):  # the media node killed earlier is gone
        owners = n.process_owners()
        assert owners and {uid for uid, _ in owners.values()} == {n.uid}, (n.name, n.uid, owners)
    assert len({n.uid for n in nodes.values()}) == len(nodes)
    denied = 0
    for n in nodes.values():
        assert n.can_read(n.root / "var") and n.can_read(n.log_path), f"{n.name} cannot read its own folder"
        for other in (o for o in nodes.values() if o is not n):
            for target in (other.root, other.root / "var", other.root / "work", other.log_path):
                assert target.exists() and other.can_read(target), target  # there, and its owner's
                assert not n.can_read(target), f"{n.name} (uid {n.uid}) can read {target} of {other.name}"
                denied += 1
    report(f"isolation: {len(nodes)} nodes as uids {sorted(n.uid for n in nodes.values())}; each read its own "
           f"folder, {denied} reads of another node's folder, var/, work/ or log refused")


def plays_through_the_web(footage: Footage, block, web: Node, place, tmp_path: Path) -> None:
    """Published, it plays for an anonymous learner: manifest, playlists, a segment from S3, captions."""
    capsule = factories.CapsuleFactory(footage=footage, skills_block=block)
    pages.capsule_page(capsule)
    learner = requests.Session()
    manifest = learner.get(f"{web.url}/api/learner/capsules/{capsule.pk}/manifest.json", timeout=30)
    assert manifest.status_code == 200, manifest.text
    hls = manifest.json()["sources"]["hls"]
    assert hls.startswith("/media/") and "Signature" not in hls
    master = learner.get(web.url + hls, timeout=30)
    assert master.status_code == 200 and master.text.startswith("#EXTM3U")
    variant_rel = next(line for line in master.text.splitlines() if line and not line.startswith("#"))
    variant_url = web.url + hls.rsplit("/", 1)[0] + "/" + variant_rel
    variant = learner.get(variant_url, timeout=30)
    segment_rel = next(line for line in variant.text.splitlines() if line and not line.startswith("#"))
    segment_url = variant_url.rsplit("/", 1)[0] + "/" + segment_rel
    segment = learner.get(segment_url, timeout=30, allow_redirects=False)
    assert segment.status_code == 302 and "X-Amz-Signature" in segment.headers["Location"]
    played = learner.get(segment_url, timeout=30)  # follows the redirect to S3
    assert played.status_code == 200 and played.url.startswith(place.endpoint)
    (tmp_path / "segment").write_bytes(played.content)
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
                            str(tmp_path / "segment")], capture_output=True, text=True, check=True)
    assert "video" in probe.stdout
    captions = learner.get(web.url + manifest.json()["captions"][0]["src"], timeout=30)
    assert captions.status_code == 200 and captions.text.startswith("WEBVTT")


def two_media_nodes_share_the_work(cluster, survivor: Node, session, block, tmp_path: Path) -> None:
    """Two speech-free footage uploaded at once, on two media nodes (the survivor and a new node,
    cold), then two others (the same work) on the one node left: timed and printed. Asserted: both
    nodes worked on the pair at the same time."""
    nodes, web = cluster["nodes"], cluster["nodes"]["web"]
    clips = [make_clip(tmp_path / "clips" / f"c{i}.mp4", duration=5, size="640x360", audio=None,
                       container_args=("-metadata", f"title={uuid.uuid4().hex}")) for i in range(4)]

    def upload_and_close(clip: Path) -> Footage:
        try:
            return upload(session, web, clip, block)
        finally:
            connection.close()  # this thread's own connection: the database flush must not wait for it

    def process(pair: list[Path]) -> tuple[float, list[PipelineRun]]:
        start = time.monotonic()
        with ThreadPoolExecutor(2) as pool:  # two designers upload at the same moment
            footage = list(pool.map(upload_and_close, pair))
        runs = [wait_run(f) for f in footage]
        return time.monotonic() - start, runs

    media3 = cluster["node"]("media-3").start_worker("media").wait_ready()
    two_nodes, runs = process(clips[:2])
    media3.kill()
    one_node, _ = process(clips[2:])
    cluster["report"](f"2 footage uploaded at once, on 2 media nodes {two_nodes:.1f} s, on 1 media node "
          f"{one_node:.1f} s (speed-up ×{one_node / two_nodes:.2f}; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs)")

    spans = {}
    # A silent clip's audio stage is « Sans objet » from the run's start (walk 38): no node ran it.
    for stage in StageRun.objects.filter(run__in=runs, name__in=MEDIA_STAGES).exclude(worker=""):
        spans.setdefault(node_of_worker(stage, nodes, {survivor.name, "media-3"}), []).append(
            (stage.started_at, stage.finished_at))
    assert set(spans) == {survivor.name, "media-3"}, spans.keys()
    assert any(a0 < b1 and b0 < a1 for a0, a1 in spans[survivor.name] for b0, b1 in spans["media-3"]), \
        "the two media nodes never worked at the same time"


def node_of_worker(stage: StageRun, nodes: dict[str, Node], names: set[str]) -> str:
    """The node a finished stage ran on, from the pids its process group had (recorded while alive)."""
    pid = int(stage.worker.rsplit(":", 1)[1])
    return next(name for name in names if pid in nodes[name].known_pids)
