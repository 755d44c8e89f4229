"""Nodes of a multi-node Geste on one machine: each a process group with its own folder (cwd, var/,
media/, work/, uploads/, tmp/, HOME) and an environment that names nothing of another node's.

What they share is what separate machines share: PostgreSQL, the broker (RabbitMQ), the S3 bucket,
and the installed software (the code, the virtualenv, the Whisper weights an `asr` node is set up with).
As root (the default when the test runs as root; GESTE_TEST_NODE_USERS=0 turns it off, =1 requires it),
each node also runs as a user of its own (a free block of uids from 61000, no /etc/passwd entry) whose
folder (mode 0700) no other node can read: a stage that read another node's disk would fail.

Another user must be able to run the project's Python for that. The virtualenv's interpreter often
cannot be (pyenv's under /root, mode 0700): the nodes then run a virtualenv made for the run, in the
run's folder, on the system's interpreter of the same version (Debian's /usr/bin/python3.11, the same
ABI), which loads the project's virtualenv site-packages through a .pth file. Nothing outside the
run's folder is changed (no ACL, no account), and the folder goes when the run ends.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UID_FIRST, UID_BLOCK = 61000, 10  # a run's nodes take uids first..first+9, the last one for probing


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
    python: str = sys.executable  # the interpreter the node runs (one the node's user can run)

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
            "PYTHONDONTWRITEBYTECODE": "1",  # the code is shared software, not the node's to write in
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "GESTE_VAR_DIR": str(r / "var"), "DJANGO_MEDIA_ROOT": str(r / "media"),
            "GESTE_WORK_DIR": str(r / "work"), "GESTE_UPLOAD_DIR": str(r / "uploads"),
            "DJANGO_STATIC_ROOT": str(r / "static"),
            **self.shared_env, **self.extra_env,
        }

    def _start(self, cmd: list[str], ready: bytes, timeout: float) -> Node:
        log = self.log_path.open("ab")
        # A group of its own too (gid = uid). Having no /etc/group entry for it, Celery logs a
        # SecurityWarning that "assumes root" (it would refuse pickle; the tasks use JSON): expected here.
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
        cmd = [self.python, "-m", "celery", "-A", "cms", "worker", "-Q", queue, "-c", "1", "-l", "info",
               "--hostname", f"{self.name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        return self._start(cmd, b"ready.", timeout)

    def start_web(self, timeout: float = 60) -> Node:
        self.port = free_port()
        cmd = [self.python, "-m", "gunicorn", "cms.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
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
        """SIGKILL every process of the node, as a power cut or the out-of-memory killer would (the
        whole process group, even when its first process has already gone)."""
        if self.proc:
            if self.proc.poll() is None:
                self.pids()  # remembered: which node ran a stage is still known afterwards
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=30)
            deadline = time.monotonic() + 10  # the group's other processes die a moment later
            while any(alive(pid) for pid in self.pids()) and time.monotonic() < deadline:
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def can_read(self, path: Path) -> bool:
        """Whether this node's user can list a folder or read a file (another node's, say)."""
        as_user = {"user": self.uid, "group": self.uid, "extra_groups": []} if self.uid is not None else {}
        cmd = ["ls", "-A", str(path)] if path.is_dir() else ["head", "-c1", str(path)]
        return subprocess.run(cmd, capture_output=True, **as_user).returncode == 0

    def process_owners(self) -> dict[int, tuple[int, str]]:
        """pid -> (real uid, executable) of each process of the node, as the kernel reports them."""
        owners = {}
        for pid in self.pids():
            try:
                uid = int(next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                               if line.startswith("Uid:")).split()[1])
                owners[pid] = (uid, os.readlink(f"/proc/{pid}/exe"))
            except (FileNotFoundError, ProcessLookupError):
                pass
        return owners

    def tail(self, n: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-n:] if self.log_path.exists() else ""

    def stored_files(self, sub: str) -> list[str]:
        base = self.root / sub
        return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())


class NodeUsersUnavailable(RuntimeError):
    """Nodes as users of their own were required (root, or GESTE_TEST_NODE_USERS=1) but cannot be set up."""


@dataclass
class NodeUsers:
    """Whether the nodes of a run run as users of their own, with which uids and interpreter, and why."""

    uid_first: int | None
    python: str
    reason: str
    _lock: socket.socket | None = None

    @property
    def enabled(self) -> bool:
        return self.uid_first is not None

    def uid(self, n: int) -> int | None:
        if self.uid_first is None:
            return None
        assert n < UID_BLOCK - 1, "a run has at most 9 nodes"
        return self.uid_first + n

    def leftovers(self) -> dict[int, int]:
        """pid -> uid of any process still running as one of this run's users."""
        if self.uid_first is None:
            return {}
        return {pid: uid for pid, uid in process_uids().items() if self.uid_first <= uid < self.uid_first + UID_BLOCK}

    def release(self) -> dict[int, int]:
        """After the nodes were stopped: SIGKILL whatever still runs as the run's users (nothing should:
        returned, for the caller to fail on), remove what they left in /dev/shm, free the uid block."""
        left = self.leftovers()
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.uid_first is not None:
            for entry in Path("/dev/shm").iterdir():
                try:
                    if self.uid_first <= entry.lstat().st_uid < self.uid_first + UID_BLOCK:
                        entry.unlink()
                except (FileNotFoundError, IsADirectoryError, PermissionError):
                    pass
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        return left


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie (dead, waiting for its parent to collect it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def process_uids() -> dict[int, int]:
    """pid -> uid of every live process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                uid = entry.stat().st_uid
            except FileNotFoundError:
                continue
            if alive(int(entry.name)):
                found[int(entry.name)] = uid
    return found


def _claim_uid_block() -> tuple[int, socket.socket]:
    """A block of uids no other run holds (an abstract Unix socket per block, gone with this process,
    so a run that was killed frees its block) and no process uses."""
    busy = set(process_uids().values())
    for first in range(UID_FIRST, UID_FIRST + 100 * UID_BLOCK, UID_BLOCK):
        if busy & set(range(first, first + UID_BLOCK)):
            continue
        lock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            lock.bind(f"\0geste-test-node-uids-{first}")
        except OSError:
            lock.close()
            continue
        return first, lock
    raise NodeUsersUnavailable(f"no free block of {UID_BLOCK} uids from {UID_FIRST}")


def closed_ancestor(path: Path) -> Path | None:
    """The first folder on the way to ``path`` (or ``path`` itself) that other users cannot traverse, if any."""
    resolved = Path(path).resolve()
    for folder in [*reversed(resolved.parents), resolved]:
        if not folder.stat().st_mode & 0o001:
            return folder
    return None


def _probe(python: str, uid: int, readable: list[Path]) -> str | None:
    """None when ``uid`` can run ``python`` with the project importable and read ``readable``; else why not."""
    code = ("import sys, os, celery, django, numpy, cv2, ctranslate2, cms, media_pipeline; "
            "[os.listdir(p) for p in sys.argv[1:]]")
    try:
        probe = subprocess.run([python, "-c", code, *map(str, readable)], cwd="/", capture_output=True, text=True,
                               env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
                               user=uid, group=uid, extra_groups=[], timeout=120)
    except OSError as error:
        blocked = closed_ancestor(Path(python))
        return f"{python}: {error.strerror}" + (f" ({blocked} is closed to other users)" if blocked else "")
    if probe.returncode != 0:
        return f"{python}: {probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else probe.returncode}"
    return None


def _system_python() -> str | None:
    """The system's interpreter of this Python's version, if other users can run it."""
    name = f"python{sys.version_info.major}.{sys.version_info.minor}"
    found = shutil.which(name, path="/usr/local/bin:/usr/bin:/bin")
    if found and closed_ancestor(Path(found)) is None and closed_ancestor(Path(found).resolve()) is None:
        return found
    return None


def node_venv(folder: Path) -> str:
    """A virtualenv on the system's interpreter whose site-packages are the project's (a .pth file)."""
    system = _system_python()
    if system is None:
        raise NodeUsersUnavailable(
            f"the virtualenv's interpreter is out of other users' reach and no python"
            f"{sys.version_info.major}.{sys.version_info.minor} of the system is there to run it with "
            f"(apt-get install python{sys.version_info.major}.{sys.version_info.minor})")
    subprocess.run([system, "-m", "venv", "--without-pip", str(folder)], check=True, capture_output=True, timeout=120)
    folder.chmod(0o755)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(folder)}))
    paths = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "geste-project-venv.pth").write_text(
        "".join(f"import site; site.addsitedir({p!r})\n" for p in sorted(paths)))
    return str(folder / "bin" / "python")


def node_users(run_folder: Path, readable: list[Path] = ()) -> NodeUsers:
    """Decide whether the nodes run as users of their own: asked for (GESTE_TEST_NODE_USERS: unset or
    "auto" = when root, "1" = required, "0" = no), and possible. Run as root, a failure to set it up
    raises NodeUsersUnavailable (a test that quietly fell back would prove nothing), except where the
    checkout itself is closed to other users (under /root, say): then the reason is given, and the
    nodes run as root."""
    asked = os.environ.get("GESTE_TEST_NODE_USERS", "auto").strip().lower()
    if asked in {"0", "no", "false"}:
        return NodeUsers(None, sys.executable, "GESTE_TEST_NODE_USERS=0: every node runs as this user")
    if os.geteuid() != 0:
        why = f"not root (uid {os.geteuid()}): every node runs as this user, in a folder of its own only"
        if asked in {"1", "yes", "true"}:
            raise NodeUsersUnavailable(f"GESTE_TEST_NODE_USERS=1 but {why}")
        return NodeUsers(None, sys.executable, why)
    for needed in (ROOT, Path(sysconfig.get_path("purelib"))):
        if (blocked := closed_ancestor(needed)) is not None:
            # Nothing short of opening that folder would help: said, not failed, unless required.
            why = f"the project's {needed} is under {blocked}, closed to other users"
            if asked in {"1", "yes", "true"}:
                raise NodeUsersUnavailable(why)
            return NodeUsers(None, sys.executable, f"{why}: every node runs as root, in a folder of its own only "
                             "(check out the project elsewhere, or GESTE_TEST_NODE_USERS=1 to fail on this)")
    first, lock = _claim_uid_block()
    probe_uid = first + UID_BLOCK - 1
    try:
        if (trouble := _probe(sys.executable, probe_uid, list(readable))) is None:
            return NodeUsers(first, sys.executable, f"uids {first}+, interpreter {sys.executable}", lock)
        python = node_venv(run_folder / "python")
        if (again := _probe(python, probe_uid, list(readable))) is not None:
            raise NodeUsersUnavailable(f"{trouble}; then {again}")
        version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        return NodeUsers(first, python, f"uids {first}+, interpreter {python} -> {Path(python).resolve()} "
                         f"(Python {version}; {trouble})", lock)
    except BaseException:
        lock.close()
        raise
