"""Nodes of a multi-node Geste on one machine: each a process group with its own folder (cwd, var/,
media/, work/, uploads/, tmp/, HOME) and an environment that names nothing of another node's.

What they share is what separate machines share: PostgreSQL, the broker (RabbitMQ), the S3 bucket,
and the installed software (the code, the virtualenv, the Whisper weights an `asr` node is set up with).
With GESTE_TEST_NODE_USERS=1 and root, each worker node also runs as a user of its own (uid 61000 + n)
whose folder (mode 0700) no other node can read: a stage that read another node's disk would fail.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Node:
    name: str
    root: Path
    shared_env: dict[str, str]
    proc: subprocess.Popen | None = None
    port: int | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    known_pids: set[int] = field(default_factory=set)
    uid: int | None = None  # run as this user (its folder is its own, mode 0700); None: as the test

    def __post_init__(self):
        for sub in ("var", "media", "work", "uploads", "tmp", "static"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        if self.uid is not None:
            for path in [self.root, *self.root.rglob("*")]:
                os.chown(path, self.uid, self.uid)
        self.root.chmod(0o700)

    @property
    def log_path(self) -> Path:
        return self.root / "node.log"

    def env(self) -> dict[str, str]:
        r = self.root
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(r),
            "TMPDIR": str(r / "tmp"), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1",
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "GESTE_VAR_DIR": str(r / "var"), "DJANGO_MEDIA_ROOT": str(r / "media"),
            "GESTE_WORK_DIR": str(r / "work"), "GESTE_UPLOAD_DIR": str(r / "uploads"),
            "DJANGO_STATIC_ROOT": str(r / "static"),
            **self.shared_env, **self.extra_env,
        }

    def _start(self, cmd: list[str], ready: bytes, timeout: float) -> Node:
        log = self.log_path.open("ab")
        as_user = {"user": self.uid, "group": self.uid, "extra_groups": []} if self.uid is not None else {}
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True, **as_user)
        self._ready, self._deadline = ready, time.monotonic() + timeout
        return self

    def wait_ready(self) -> Node:
        while time.monotonic() < self._deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.tail()}")
            if self._ready in self.log_path.read_bytes():
                return self
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not ready: {self.tail()}")

    def start_worker(self, queue: str, timeout: float = 90) -> Node:
        cmd = [sys.executable, "-m", "celery", "-A", "cms", "worker", "-Q", queue, "-c", "1", "-l", "info",
               "--hostname", f"{self.name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        return self._start(cmd, b"ready.", timeout)

    def start_web(self, timeout: float = 60) -> Node:
        self.port = free_port()
        cmd = [sys.executable, "-m", "gunicorn", "cms.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
               "--workers", "2", "--threads", "4", "--timeout", "120", "--access-logfile", "-"]
        return self._start(cmd, b"Booting worker", timeout)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> set[int]:
        """The node's processes (its process group: the worker and its pool children)."""
        found = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == self.proc.pid:
                        found.add(int(entry.name))
                except (ProcessLookupError, PermissionError):
                    pass
        self.known_pids |= found
        return found

    def kill(self) -> None:
        """SIGKILL every process of the node, as a power cut or the out-of-memory killer would."""
        if self.proc and self.proc.poll() is None:
            self.pids()  # remembered: which node ran a stage is still known afterwards
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def can_read(self, path: Path) -> bool:
        """Whether this node's user can list a folder (another node's, say)."""
        as_user = {"user": self.uid, "group": self.uid, "extra_groups": []} if self.uid is not None else {}
        return subprocess.run(["ls", str(path)], capture_output=True, **as_user).returncode == 0

    def tail(self, n: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-n:] if self.log_path.exists() else ""

    def stored_files(self, sub: str) -> list[str]:
        base = self.root / sub
        return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())
