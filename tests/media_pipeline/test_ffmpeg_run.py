"""ffmpeg_run: progress from -progress, errors sorted into transient and permanent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from media_pipeline.errors import PermanentMediaError, TransientMediaError
from media_pipeline.ffmpeg_run import (
    _parse_progress_time,
    classify_failure,
    ensure_free_space,
    media_arg,
    run_ffmpeg,
    run_ffprobe,
)
from tests.mediagen import make_clip

SLOW_30S = ["-re", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=30"]  # real-time pace
LAVFI_3S = ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=3"]


def ffmpeg_children() -> list[int]:
    """Pids of ffmpeg processes started by this test process (read from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        if ppid == os.getpid() and name == "ffmpeg":
            pids.append(int(entry.name))
    return pids


def test_media_arg_pins_a_local_file(tmp_path):
    assert media_arg("-i.mp4") == "file:" + os.path.join(os.getcwd(), "-i.mp4")
    assert media_arg(tmp_path / "concat:a|b.mp4") == f"file:{tmp_path}/concat:a|b.mp4"


@pytest.mark.parametrize("key, value, seconds", [
    ("out_time_us", "2500000", 2.5), ("out_time_ms", "2500000", 2.5), ("out_time", "00:01:02.500000", 62.5),
    ("out_time_us", "N/A", None), ("out_time", "-577014:32:22.77", None), ("frame", "12", None)])
def test_progress_line_parsing(key, value, seconds):
    assert _parse_progress_time(key, value) == seconds


def test_progress_is_reported_in_percent():
    seen: list[float] = []
    outcome = run_ffmpeg([*LAVFI_3S, "-f", "null", "-"], duration=3.0, progress=seen.append)
    assert outcome.returncode == 0 and outcome.out_time == pytest.approx(3.0, abs=0.1)
    assert seen == sorted(seen) and seen[-1] == 100.0 and all(0 <= p <= 100 for p in seen)


def test_disk_full_is_transient():
    with pytest.raises(TransientMediaError) as info:
        run_ffmpeg([*LAVFI_3S, "-f", "rawvideo", "file:/dev/full"])
    assert "Espace disque" in info.value.message and "No space left" in info.value.detail


def test_not_enough_free_space_is_transient(tmp_path):
    ensure_free_space(tmp_path, 1)
    with pytest.raises(TransientMediaError, match="Espace disque insuffisant"):
        ensure_free_space(tmp_path, 2**62)


def test_killed_child_is_transient():
    def kill_on_first_progress(_percent: float) -> None:
        for pid in ffmpeg_children():
            os.kill(pid, signal.SIGKILL)

    with pytest.raises(TransientMediaError) as info:
        run_ffmpeg([*SLOW_30S, "-f", "null", "-"],
                   duration=30, progress=kill_on_first_progress)
    assert "interrompu" in info.value.message and "SIGKILL" in info.value.message


def test_timeout_is_transient_and_kills_ffmpeg():
    with pytest.raises(TransientMediaError, match="temps alloué"):
        run_ffmpeg([*SLOW_30S, "-f", "null", "-"],
                   timeout=1.0)
    assert ffmpeg_children() == []


def test_undecodable_input_is_permanent(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypisom" + os.urandom(4000))
    with pytest.raises(PermanentMediaError) as info:
        run_ffmpeg(["-i", media_arg(bad), "-f", "null", "-"])
    assert "moov atom not found" in info.value.detail  # the stderr tail is kept for the admin


def test_ffprobe_json_and_errors(media_dir, tmp_path):
    clip = make_clip(media_dir / "ffmpeg_run" / "-dash name.mp4", duration=1)
    data, lines = run_ffprobe(["-show_format", media_arg(clip)])
    assert float(data["format"]["duration"]) == pytest.approx(1.0, abs=0.1) and lines == []
    with pytest.raises(PermanentMediaError, match="pas une vidéo lisible"):
        run_ffprobe(["-show_format", media_arg(tmp_path / "missing.mp4")])


@pytest.mark.parametrize("code, detail, kind", [
    (-9, "", TransientMediaError), (255, "Exiting normally, received signal 15.", TransientMediaError),
    (1, "av_interleaved_write_frame(): Cannot allocate memory", TransientMediaError),
    (1, "Error while decoding stream #0:0: Invalid data found", PermanentMediaError),
    (1, "Unknown encoder 'libfoo'", PermanentMediaError)])
def test_failure_classification(code, detail, kind):
    error = classify_failure(code, detail, what="le test")
    assert type(error) is kind and error.detail == detail and error.message


def test_ffmpeg_dies_with_the_worker_that_started_it(tmp_path):
    """A SIGKILLed worker must not leave an orphan ffmpeg writing into its output folder."""
    script = (
        "import sys\n"
        "from media_pipeline.ffmpeg_run import run_ffmpeg\n"
        "run_ffmpeg(['-re', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=60',"
        " '-f', 'null', '-'], duration=60, progress=lambda p: print('running', flush=True))\n"
    )
    root = Path(__file__).resolve().parents[2]
    worker = subprocess.Popen([sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, text=True)
    assert worker.stdout.readline().strip() == "running"
    children = [int(p) for p in Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()]
    assert children
    worker.kill()
    worker.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() and
                                              "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
                                              for pid in children):
        time.sleep(0.05)
    alive = [pid for pid in children if Path(f"/proc/{pid}").exists()
             and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"]
    assert alive == []
