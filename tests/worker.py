"""Start a real Celery worker process on the Redis broker against the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


class WorkerProcess:
    def __init__(self, media_root: Path, work_dir: Path, log_path: Path, queues: str = "media,asr",
                 concurrency: int = 2, name: str = "testworker"):
        db = connection.settings_dict
        password = db.get("PASSWORD") or ""
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "DJANGO_MEDIA_ROOT": str(media_root),
            "GESTE_WORK_DIR": str(work_dir),
            "GESTE_STALE_HEARTBEAT_S": str(settings.GESTE_STALE_HEARTBEAT_S),
            "GESTE_WHISPER_MODEL_DIR": str(settings.GESTE_WHISPER_MODEL_DIR),
            "HF_HUB_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
        }
        self.cmd = [sys.executable, "-m", "celery", "-A", "cms", "worker", "-Q", queues, "-c", str(concurrency),
                    "-l", "info", "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle"]
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> WorkerProcess:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log_path.read_text()[-3000:]}")
            if b"ready." in self.log_path.read_bytes():
                return self
            time.sleep(0.3)
        raise TimeoutError(f"worker not ready: {self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool children, as an out-of-memory killer or power cut would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def purge_broker() -> None:
    from cms.celery import app

    with app.connection_for_write() as conn:
        for queue in ("media", "asr"):
            conn.default_channel.queue_purge(queue)
