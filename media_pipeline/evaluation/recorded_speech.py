"""Real French speech laid over a generated clip: recordings placed at chosen times, pauses between.

The recordings are Debian's ``asterisk-core-sounds-fr-wav`` (a Québécois speaker, 8 kHz telephone
quality, installed by ``make setup``); their texts are in ``asterisk-core-sounds-fr``'s
``core-sounds-fr.txt``. ``make run``'s demo uses a few whole sentences as the craftsman's commentary,
one at the start of each gesture step, so that Whisper hears real French (espeak-ng's voice is
heard poorly by Whisper base) and the steps, their titles and the drafted questions come from it.

ffmpeg assembles the track: silence, a recording, silence, the next one... (its ``concat`` filter),
padded to the clip's length, and muxes it beside the clip's untouched video stream.
"""

from __future__ import annotations

import gzip
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

SOUNDS_DIR = Path("/usr/share/asterisk/sounds/fr")
TEXTS = Path("/usr/share/doc/asterisk-core-sounds-fr/core-sounds-fr.txt.gz")
RATE = 16000


@dataclass(frozen=True)
class Cue:
    """One recording (its name in ``SOUNDS_DIR``, without ``.wav``) to start at ``time`` seconds."""

    time: float
    name: str


def recording(name: str, sounds_dir: Path = SOUNDS_DIR) -> Path:
    path = (sounds_dir / f"{name}.wav").resolve()
    if sounds_dir.resolve() not in path.parents:
        raise ValueError(f"recording outside {sounds_dir}: {name!r}")
    return path


def available(names: list[str] | tuple[str, ...], sounds_dir: Path = SOUNDS_DIR) -> bool:
    """Whether every named recording is installed (and readable as WAV)."""
    try:
        return all(wav_seconds(recording(n, sounds_dir)) > 0 for n in names)
    except (OSError, ValueError, wave.Error, EOFError):
        return False


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as wf:
        return wf.getnframes() / float(wf.getframerate())


def texts(path: Path = TEXTS) -> dict[str, str]:
    """The packaged transcript of each recording (``name: text`` lines)."""
    out = {}
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            name, sep, text = line.partition(":")
            if sep and not line.startswith(";") and " " not in name.strip() and text.strip():
                out[name.strip()] = text.strip()
    return out


def lay_commentary(video: Path, cues: list[Cue], out: Path, duration: float, *,
                   sounds_dir: Path = SOUNDS_DIR) -> list[tuple[float, float, str]]:
    """Write ``out``: ``video``'s picture with a commentary track made of the cues' recordings, each
    starting at its time (or right after the previous one, if that is still speaking), silence between.

    Returns where each recording really lies, as (start, end, name).
    """
    placed: list[tuple[float, float, str]] = []
    inputs: list[str] = []
    parts: list[str] = []
    cursor = 0.0
    for cue in sorted(cues, key=lambda c: c.time):
        path = recording(cue.name, sounds_dir)
        length = wav_seconds(path)
        start = max(cue.time, cursor + (0.3 if placed else 0.01))
        if start + length > duration:
            break
        inputs += ["-i", str(path)]
        n = len(placed)
        # a pause of silence, then the recording, both as 16 kHz mono
        parts.append(f"aevalsrc=0:s={RATE}:c=mono:d={max(0.01, start - cursor):.3f}[p{n}]")
        parts.append(f"[{n + 1}:a]aresample={RATE},aformat=sample_fmts=s16:channel_layouts=mono[r{n}]")
        placed.append((round(start, 3), round(start + length, 3), cue.name))
        cursor = start + length
    if not placed:
        raise ValueError("no recording fits in the clip")
    chain = "".join(f"[p{n}][r{n}]" for n in range(len(placed)))
    parts.append(f"{chain}concat=n={2 * len(placed)}:v=0:a=1,apad=whole_dur={duration:.3f}[speech]")
    cmd = ["ffmpeg", "-y", "-v", "error", "-i", str(video), *inputs, "-filter_complex", ";".join(parts),
           "-map", "0:v", "-map", "[speech]", "-c:v", "copy", "-c:a", "aac", "-b:a", "64k",
           "-t", f"{duration:.3f}", "-movflags", "+faststart", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return placed
