"""Run ffmpeg and ffprobe safely, with progress and errors a workflow can act on.

Why a module of its own: every stage shells out to ffmpeg, and every one of them
must (1) never go through a shell, (2) survive file names that look like options
or protocols ("-i.mp4", "concat:a|b", "http:..."), (3) turn ffmpeg's
``-progress`` output into a 0-100 percentage, and (4) tell a retryable failure
(killed worker, full disk) from a bad input (corrupt stream) so Celery retries
only what can succeed.
"""

from __future__ import annotations

import collections
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from media_pipeline.errors import PermanentMediaError, TransientMediaError
from media_pipeline.progress import ProgressCallback

FFMPEG = os.environ.get("GESTE_FFMPEG", "ffmpeg")
FFPROBE = os.environ.get("GESTE_FFPROBE", "ffprobe")

#: Output options that drop the source's metadata and chapters (user input of any size: a 300-character
#: title already made the MPEG-TS muxer fail). Put them before each output file.
NO_METADATA_ARGS = ["-map_metadata", "-1", "-map_chapters", "-1"]

#: How many stderr lines are kept for error details.
STDERR_TAIL_LINES = 40
WATCH_INTERVAL = 0.25  # seconds between two looks at the outputs on disk when ffmpeg reports nothing

# stderr fragments that mean "the data itself is bad" (permanent) ...
_CORRUPT_PATTERNS = re.compile(
    r"invalid data found|moov atom not found|partial file|error while decoding|"
    r"invalid nal unit|error splitting the input|corrupt|truncat|no frame!|"
    r"could not find codec parameters|decode_slice_header error|"
    r"concealing \d+ (dc|ac|mv) errors|missing picture|non-existing pps|"
    r"header damaged|invalid frame dimensions|overread",
    re.IGNORECASE,
)
# ... and fragments that mean "the machine had a problem" (transient).
_TRANSIENT_PATTERNS = re.compile(
    r"no space left on device|cannot allocate memory|resource temporarily unavailable|"
    r"too many open files|input/output error|disk quota exceeded|broken pipe",
    re.IGNORECASE,
)

_DISK_FULL = re.compile(r"no space left on device|disk quota exceeded", re.IGNORECASE)
# ... and fragments of a failure before the first frame (opening, header, options): deterministic for
# a given input and command, so permanent even when ffmpeg blames memory.
_SETUP_PATTERNS = re.compile(
    r"could not write header|error initializing output stream|too long service or provider name|"
    r"error while opening encoder|incorrect codec parameters|unrecognized option|option not found|"
    r"invalid argument|unknown encoder|error opening output",
    re.IGNORECASE,
)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: SIGKILL ffmpeg if the worker that started it dies (no orphan encodes)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def media_arg(path: str | os.PathLike[str]) -> str:
    """An ffmpeg input/output argument that can only mean this local file.

    ``file:`` + absolute path: a name starting with '-' is not read as an option,
    and names like ``concat:x|y`` or ``http://...`` are not read as protocols.
    """
    return "file:" + os.path.abspath(os.fspath(path))


@dataclass
class FFmpegOutcome:
    """What an ffmpeg run left behind, for callers that inspect warnings."""

    returncode: int
    stderr_tail: list[str] = field(default_factory=list)
    out_time: float = 0.0          # last position reported by -progress, seconds
    error_lines: int = 0           # stderr lines that look like decode errors
    speed: float | None = None     # last "speed=" reported (x realtime)

    @property
    def detail(self) -> str:
        return "\n".join(self.stderr_tail)


def _parse_progress_time(key: str, value: str) -> float | None:
    # out_time_us and (despite its name) out_time_ms are both microseconds.
    if key in ("out_time_us", "out_time_ms"):
        try:
            micro = int(value)
        except ValueError:
            return None
        return micro / 1_000_000 if micro >= 0 else None
    if key == "out_time":
        match = re.fullmatch(r"(-?)(\d+):(\d+):(\d+(?:\.\d+)?)", value.strip())
        if not match or match.group(1):
            return None
        h, m, s = match.group(2, 3, 4)
        return int(h) * 3600 + int(m) * 60 + float(s)
    return None


def _check_binary(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise TransientMediaError(
            f"L'outil {name} est introuvable sur ce serveur : le traitement vidéo est impossible "
            "pour l'instant.", detail=f"{name} not in PATH")
    return found


def run_ffmpeg(args: list[str], *, duration: float | None = None,
               progress: ProgressCallback | None = None, cwd: str | os.PathLike[str] | None = None,
               timeout: float | None = None, loglevel: str = "error",
               what: str = "le traitement de la vidéo",
               watch: Callable[[], float] | None = None) -> FFmpegOutcome:
    """Run ``ffmpeg ARGS`` with ``-progress pipe:1`` and map its position to 0-100.

    ``args`` are the arguments after the global ones (inputs, filters, outputs);
    pass file names through :func:`media_arg`. ``duration`` is the expected output
    length used for the percentage. ``what`` names the job in French messages.
    Raises TransientMediaError (killed, disk full, timeout) or PermanentMediaError
    (bad data); returns the outcome otherwise, decode warnings included.

    ``watch`` (optional) estimates the seconds already done from the outputs on disk; it is asked
    every WATCH_INTERVAL (0.25 s), because ffmpeg writes no ``-progress`` report while an output that emits one
    frame at the end (a thumbnail sprite) keeps its main loop busy: the percentage would sit at 0.
    """
    binary = _check_binary(FFMPEG)
    cmd = [binary, "-hide_banner", "-nostdin", "-y", "-loglevel", loglevel,
           "-progress", "pipe:1", "-nostats", *args]
    tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
    outcome = FFmpegOutcome(returncode=0)
    counted = {"errors": 0}

    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=cwd, text=True,
                                encoding="utf-8", errors="replace", start_new_session=True,
                                preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    except OSError as exc:  # fork failure, EMFILE, ENOMEM...
        raise TransientMediaError(f"Impossible de lancer ffmpeg pour {what}.", detail=str(exc)) from exc

    def drain_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            line = line.rstrip()
            if line:
                tail.append(line)
                if _CORRUPT_PATTERNS.search(line):
                    counted["errors"] += 1

    reader = threading.Thread(target=drain_stderr, daemon=True)
    reader.start()
    timer = None
    timed_out = threading.Event()
    if timeout:
        def on_timeout() -> None:
            timed_out.set()
            _kill_group(proc)
        timer = threading.Timer(timeout, on_timeout)
        timer.daemon = True
        timer.start()
    last_percent = -1.0

    def report(seconds: float) -> None:
        nonlocal last_percent
        if progress and duration and duration > 0:
            percent = min(99.9, 100.0 * seconds / duration)
            if percent > last_percent:
                last_percent = percent
                progress(percent)

    lines: queue.Queue[str | None] = queue.Queue()

    def read_stdout() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            lines.put(raw)
        lines.put(None)

    out_reader = threading.Thread(target=read_stdout, daemon=True)
    out_reader.start()
    try:
        while True:
            try:
                raw = lines.get(timeout=WATCH_INTERVAL if watch else None)
            except queue.Empty:
                report(watch())  # type: ignore[misc]  # only reached with a watch
                continue
            if raw is None:
                break
            key, _, value = raw.strip().partition("=")
            if key == "speed":
                try:
                    outcome.speed = float(value.rstrip("x"))
                except ValueError:
                    pass
                continue
            seconds = _parse_progress_time(key, value)
            if seconds is not None:
                outcome.out_time = max(outcome.out_time, seconds)
                report(outcome.out_time)
        proc.wait()
    except BaseException:
        _kill_group(proc)
        proc.wait()
        raise
    finally:
        if timer:
            timer.cancel()
        reader.join(timeout=5)
        out_reader.join(timeout=5)

    outcome.returncode = proc.returncode
    outcome.stderr_tail = list(tail)
    outcome.error_lines = counted["errors"]
    if timed_out.is_set():
        raise TransientMediaError(f"ffmpeg a dépassé le temps alloué pour {what}.",
                                  detail=outcome.detail)
    if proc.returncode != 0:
        raise classify_failure(proc.returncode, outcome.detail, what=what)
    if progress:
        progress(100.0)
    return outcome


def _kill_group(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()


def classify_failure(returncode: int, detail: str, *, what: str) -> TransientMediaError | PermanentMediaError:
    """Turn a failed ffmpeg/ffprobe exit into the error the workflow should see."""
    # ffmpeg exits 255 when it caught SIGINT/SIGTERM; 137/143 come from a wrapping shell.
    if returncode < 0 or returncode in (137, 143, 255):
        try:
            name = signal.Signals(-returncode).name if returncode < 0 else f"code {returncode}"
        except ValueError:
            name = f"signal {-returncode}"
        return TransientMediaError(f"ffmpeg a été interrompu ({name}) pendant {what} ; "
                                   "une nouvelle tentative devrait réussir.", detail=detail)
    if _DISK_FULL.search(detail):
        return TransientMediaError(f"Espace disque insuffisant pendant {what} ; "
                                   "réessayez quand de la place aura été libérée.", detail=detail)
    if _SETUP_PATTERNS.search(detail):
        # Checked before the transient patterns: a muxer that refuses the header reports ENOMEM or
        # EINVAL whatever the cause (a 300-character title did), and the same input fails the same way.
        return PermanentMediaError(
            f"ffmpeg refuse les paramètres ou les métadonnées de cette vidéo pendant {what} ; "
            "une nouvelle tentative donnerait le même résultat.", detail=detail)
    if _TRANSIENT_PATTERNS.search(detail):
        return TransientMediaError(f"Ressource système momentanément indisponible pendant {what} ; "
                                   "nouvelle tentative possible.", detail=detail)
    if _CORRUPT_PATTERNS.search(detail):
        return PermanentMediaError(
            f"La vidéo est tronquée ou corrompue : ffmpeg ne peut pas la décoder ({what}).", detail=detail)
    return PermanentMediaError(f"ffmpeg a échoué pendant {what} : fichier non pris en charge.",
                               detail=detail)


def run_ffprobe(args: list[str], *, timeout: float = 120.0,
                what: str = "l'analyse de la vidéo") -> tuple[dict, list[str]]:
    """Run ``ffprobe -of json ARGS``; return the parsed JSON and the stderr lines."""
    binary = _check_binary(FFPROBE)
    cmd = [binary, "-hide_banner", "-loglevel", "error", "-of", "json", *args]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                              text=True, encoding="utf-8", errors="replace")
    except subprocess.TimeoutExpired as exc:
        raise TransientMediaError(f"ffprobe a dépassé le temps alloué pour {what}.",
                                  detail=str(exc)) from exc
    except OSError as exc:
        raise TransientMediaError(f"Impossible de lancer ffprobe pour {what}.", detail=str(exc)) from exc
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    detail = "\n".join(lines[-STDERR_TAIL_LINES:])
    if proc.returncode != 0:
        if proc.returncode < 0 or _TRANSIENT_PATTERNS.search(detail):
            raise classify_failure(proc.returncode, detail, what=what)
        raise PermanentMediaError(
            "Ce fichier n'est pas une vidéo lisible : format non reconnu, ou fichier tronqué ou corrompu.",
            detail=detail)
    try:
        data = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError as exc:
        raise PermanentMediaError("Ce fichier n'est pas une vidéo lisible (analyse impossible).",
                                  detail=detail or str(exc)) from exc
    return data, lines


def free_bytes(directory: str | os.PathLike[str]) -> int:
    """Free space where outputs go, to fail early (transient) instead of mid-encode."""
    return shutil.disk_usage(Path(directory)).free


def ensure_free_space(directory: str | os.PathLike[str], needed: int) -> None:
    """Raise TransientMediaError when ``directory`` has less than ``needed`` bytes free."""
    available = free_bytes(directory)
    if available < needed:
        raise TransientMediaError(
            f"Espace disque insuffisant : {needed // 2**20} Mio nécessaires, "
            f"{available // 2**20} Mio disponibles.", detail=f"free={available} needed={needed}")
