"""xAPI to a real LRS: Ralph (ralph-malph 5.1, FUN's LRS) runs as a server from its own virtualenv
(var/ralph-venv, installed on first use), with its file-system backend and basic-auth credentials
made by ``ralph auth``. Learner activity made through the real learner API goes through the outbox
and a real Celery worker on the ``lrs`` queue; Ralph stores it, it is read back and checked against
Ralph's own xAPI models. Ralph is then stopped: statements wait in the outbox, none is lost, and
they reach Ralph once it is back, without duplicates."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from django.test import Client
from django.urls import reverse

from capsules.interop import lrs
from capsules.learning import delivery
from capsules.models import LearnerEvent, LrsStatement
from tests import factories, pages
from tests.capsules.test_xapi import at, post
from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parent.parent.parent
VENV = ROOT / "var" / "ralph-venv"
RALPH_PY = VENV / "bin" / "python"
USER, PASSWORD = "geste", "mot-de-passe-lrs"

# Ralph 5.1's file-system backend writes with a create-only operation: every POST after the first
# would fail with HTTP 500. Its default operation type is set to append before the server starts.
SERVE = """
import sys
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend
FSDataBackend.default_operation_type = BaseOperationType.APPEND
import uvicorn
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def ensure_ralph() -> None:
    if RALPH_PY.exists() and subprocess.run([str(RALPH_PY), "-c", "import ralph.api, requests"],
                                            capture_output=True).returncode == 0:
        return
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "-r", str(ROOT / "tests" / "ralph_requirements.txt")],
                   check=True, timeout=900)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Ralph:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI"
        self.env = {**os.environ, "RALPH_APP_DIR": str(folder), "RALPH_AUTH_FILE": str(folder / "auth.json"),
                    "RALPH_RUNSERVER_BACKEND": "fs",
                    "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "lrs")}
        (folder / "lrs").mkdir(parents=True, exist_ok=True)
        (folder / "serve.py").write_text(SERVE)
        subprocess.run([str(VENV / "bin" / "ralph"), "auth", "-u", USER, "-p", PASSWORD, "-s", "all",
                        "-A", USER, "http://geste.invalid", "-w"], env=self.env, check=True, capture_output=True)
        self.proc = None

    def start(self) -> Ralph:
        self.log = open(self.folder / "ralph.log", "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([str(RALPH_PY), str(self.folder / "serve.py"), str(self.port)],
                                     env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(self._up, timeout=60, message="Ralph started")
        return self

    def _up(self) -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2).ok
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self.proc = None
        self.log.close()

    def statements(self) -> list[dict]:
        found, url = [], f"{self.url}/statements?limit=500"
        while url:
            page = requests.get(url, auth=(USER, PASSWORD), timeout=10,
                                headers={"X-Experience-API-Version": "1.0.3"}).json()
            found += page["statements"]
            more = page.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else None
        return found


def ralph_validation(statements: list[dict]) -> list[dict]:
    out = subprocess.run([str(RALPH_PY), str(ROOT / "tests" / "ralph_validate.py")], input=json.dumps(statements),
                         capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout)


@pytest.fixture
def ralph(tmp_path):
    ensure_ralph()
    server = Ralph(tmp_path / "ralph").start()
    yield server
    if server.proc:
        server.stop()


@pytest.fixture
def activity(transactional_db):
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0), title="Changer un joint")
    q1 = factories.InteractionFactory(capsule=capsule, time=5.0, mandatory=True,
                                      choices=[{"id": "a", "text": "Une clé dynamométrique"},
                                               {"id": "b", "text": "Un marteau"}])
    q2 = factories.InteractionFactory(capsule=capsule, time=15.0, kind="true_false", mandatory=False,
                                      prompt="Le joint se change à sec.", choices=[], answer_key={"correct": False})
    pages.capsule_page(capsule)
    alice = factories.learner(username="alice")
    client = Client()
    client.force_login(alice)
    # what the player sends (frontend/src/player/player.js), with the watched fraction on pause
    events = [
        ("initialized", 0, {"source": "hls"}), ("played", 1, {"time": 0.0}),
        ("paused", 6, {"time": 5.0, "progress": 0.25}), ("seeked", 7, {"from": 5.0, "to": 3.0}),
        ("played", 8, {"time": 3.0}), ("paused", 25, {"time": 20.0, "progress": 1.0}),
        ("downloaded", 26, {"bytes": 1234}),
    ]
    post(client, reverse("learner-events", args=[capsule.pk]), {"events": [
        {"verb": verb, "client_id": str(uuid.uuid4()), "timestamp": at(t), "data": data} for verb, t, data in events]})
    answer = reverse("learner-answer", args=[q1.pk])
    # the learner API speaks this learner's opaque choice ids (capsules/learning/delivery.py)
    a, b = (delivery.response_to_public(q1, {"choice": c}, delivery.audience_for(alice)) for c in "ab")
    assert post(client, answer, {"response": b, "answered_at": at(10)})["correct"] is False
    assert post(client, answer, {"response": a, "answered_at": at(11)})["correct"] is True
    post(client, reverse("learner-answer", args=[q2.pk]), {"response": {"value": False}, "answered_at": at(16)})
    done = post(client, reverse("learner-progress", args=[capsule.pk]), {"position": 20, "watched": [[0, 20]]})
    assert done["completed"] is True
    return {"capsule": capsule, "alice": alice}


def test_statements_reach_ralph_and_survive_its_downtime(ralph, activity, worker_factory, settings, monkeypatch):
    for name, value in {"GESTE_LRS_ENDPOINT": ralph.url, "GESTE_LRS_USERNAME": USER,
                        "GESTE_LRS_PASSWORD": PASSWORD, "GESTE_LRS_BATCH_SIZE": "3"}.items():
        monkeypatch.setenv(name, value)  # the worker process reads them from its environment
    events = LearnerEvent.objects.count()
    assert events >= 8

    from capsules.interop.tasks import push_statements

    worker = worker_factory(queues="lrs", concurrency=1, name="lrsworker")
    push_statements.delay()
    wait_for(lambda: not LrsStatement.objects.filter(status="pending").exists()
             and LrsStatement.objects.count() == events, timeout=90, message="outbox sent")
    sent = list(LrsStatement.objects.filter(status="sent"))
    assert len(sent) == events - LrsStatement.objects.filter(status="skipped").count()
    stored = ralph.statements()
    assert sorted(s["id"] for s in stored) == sorted(str(r.statement_id) for r in sent)
    verbs = {s["verb"]["id"].rsplit("/", 1)[-1] for s in stored}
    assert {"initialized", "played", "paused", "seeked", "answered", "completed"} <= verbs
    results = ralph_validation([r.statement for r in sent])
    video = [r for r in results if r["model"] and r["model"].startswith("Video")]
    assert len(video) == 7, results  # initialized, played ×2, paused ×2, seeked, completed
    failures = [r for r in results if r["error"]]
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)[:6000]

    # Ralph goes down: new activity waits in the outbox, the task fails and is retried, nothing lost.
    ralph.stop()
    client = Client()
    client.force_login(activity["alice"])
    capsule = activity["capsule"]
    new_events = [{"verb": "played", "client_id": str(uuid.uuid4()), "timestamp": at(500 + i), "data": {"time": i}}
                  for i in range(4)]
    post(client, reverse("learner-events", args=[capsule.pk]), {"events": new_events})
    assert lrs.collect() == 4
    with pytest.raises(lrs.LrsUnavailable):
        lrs.send_due(lrs.config())  # the first batch (3) fails and is rescheduled; the 4th waits its turn
    waiting = LrsStatement.objects.filter(status="pending")
    assert waiting.count() == 4 and waiting.filter(attempts=1).count() == 3
    with pytest.raises(lrs.LrsUnavailable):
        lrs.send_due(lrs.config())  # now the 4th
    assert all(r.attempts == 1 and r.next_attempt_at and "injoignable" in r.last_error for r in waiting)
    assert lrs.send_due(lrs.config()).sent == 0  # nothing due before the backoff delay: no third try yet

    # Through the worker while Ralph is still down: the task fails, reschedules the rows, retries itself.
    waiting.update(next_attempt_at=None)
    push_statements.delay()
    wait_for(lambda: waiting.filter(attempts=2).count() >= 3, timeout=60, message="worker tried while down")
    new_rows = LrsStatement.objects.filter(pk__in=[r.pk for r in waiting])
    assert new_rows.count() == 4 and not new_rows.filter(status="sent").exists()
    assert "injoignable" in new_rows.filter(attempts=2).first().last_error
    wait_for(lambda: "Retry in" in worker.log_path.read_text(errors="replace"), timeout=30,
             message="the task retried itself")

    ralph.start()
    waiting.update(next_attempt_at=None)  # their time has come
    push_statements.delay()
    wait_for(lambda: not LrsStatement.objects.filter(status="pending").exists(), timeout=60, message="resent")
    stored = ralph.statements()
    ids = [s["id"] for s in stored]
    assert len(ids) == len(set(ids)) == LrsStatement.objects.filter(status="sent").count()
    assert {str(r.statement_id) for r in LrsStatement.objects.filter(status="sent")} == set(ids)


def test_a_refused_statement_does_not_hold_back_the_batch(ralph, activity, settings):
    settings.GESTE_LRS_ENDPOINT, settings.GESTE_LRS_USERNAME = ralph.url, USER
    settings.GESTE_LRS_PASSWORD, settings.GESTE_LRS_BATCH_SIZE = PASSWORD, 50
    lrs.collect()
    bad = LrsStatement.objects.filter(status="pending").first()
    bad.statement = {k: v for k, v in bad.statement.items() if k != "actor"}  # no actor: refused
    bad.save()
    report = lrs.send_due()
    total = LrsStatement.objects.exclude(status="skipped").count()
    assert report.rejected == 1 and report.sent == total - 1
    bad.refresh_from_db()
    assert bad.status == "rejected" and "HTTP 422" in bad.last_error and "actor" in bad.last_error
    assert len(ralph.statements()) == total - 1


def test_wrong_credentials_keep_statements_pending(ralph, activity, settings):
    settings.GESTE_LRS_ENDPOINT, settings.GESTE_LRS_USERNAME = ralph.url, USER
    settings.GESTE_LRS_PASSWORD = "mauvais"
    lrs.collect()
    with pytest.raises(lrs.LrsUnavailable, match="HTTP 401"):
        lrs.send_due()
    assert not LrsStatement.objects.filter(status="sent").exists()
    assert ralph.statements() == []
