"""A French commentary said by a synthetic voice and laid over a generated clip, sentences at chosen times.

The voice is SVOX Pico's French (fr-FR). Its engine and its lingware (``fr-FR_ta.bin``,
``fr-FR_nk0_sg.bin``) ship inside the PyPI wheel ``py-nanotts`` (Apache-2.0, 5 MB, one abi3 wheel for
every CPython >= 3.9; nothing is downloaded at run time). Measured on ``make run``'s demo sentences
(walk 30), Whisper base hears Pico word for word in the demo clip (word error 0 on each sentence, with
or without the trade vocabulary as prompt; 0.05 on average over six sentences said alone), where
espeak-ng's French came out garbled whatever was tried (voices fr, fr-be, fr+f3, fr+m3; speed 120-175;
word gap; sox low-pass and reverb, or tempo 0.8): mean word error 0.54 to 0.86, whole sentences heard as
nothing (« Je remplace le vieux joint » -> « Je emplace le mieux sur par la chouetteur »). Debian 12
main has no better voice: pico2wave and mbrola are in non-free/contrib, and the French recordings of
asterisk-core-sounds-fr are telephone announcements without a word of plumbing.

Without ``py-nanotts`` (a virtualenv older than requirements/lock.txt), espeak-ng says the same
sentences, slowly: the commentary stays on topic, Whisper base just hears it worse.

ffmpeg assembles the track: silence, a sentence, silence, the next one... (its ``concat`` filter),
padded to the clip's length, and muxes it beside the clip's untouched video stream.
"""

from __future__ import annotations

import logging
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

RATE = 16000  # Pico's rate, and Whisper's
PICO_VOICE = "fr-FR"
ESPEAK_ARGS = ("-v", "fr", "-s", "130")  # among espeak-ng's least misheard (mean word error 0.56)
PAUSE_S = 0.4  # between two sentences said one after the other


@dataclass(frozen=True)
class Cue:
    """One sentence to start saying at ``time`` seconds."""

    time: float
    text: str


def pico_available() -> bool:
    """Whether the Pico voice (``py-nanotts``, with its French lingware) can be loaded."""
    try:
        import py_nanotts
    except ImportError:
        return False
    lang = Path(py_nanotts._default_lingware_path())
    return (lang / "fr-FR_ta.bin").is_file() and (lang / "fr-FR_nk0_sg.bin").is_file()


def say(text: str, out: Path, *, pico: bool | None = None) -> Path:
    """Write ``text`` said in French as a mono WAV file ``out`` (Pico's voice, or espeak-ng's without it)."""
    if pico is None:
        pico = pico_available()
    if pico:
        from py_nanotts import NanoTTS

        pcm = NanoTTS().speak(text, voice=PICO_VOICE)
        if not pcm:
            raise RuntimeError(f"Pico said nothing for {text!r}")
        with wave.open(str(out), "wb") as wf:
            wf.setnchannels(1)
            wf.setsampwidth(2)
            wf.setframerate(RATE)
            wf.writeframes(pcm)
    else:
        subprocess.run(["espeak-ng", *ESPEAK_ARGS, "-w", str(out), text], check=True, capture_output=True)
    return out


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as wf:
        return wf.getnframes() / float(wf.getframerate())


def lay_commentary(video: Path, cues: list[Cue], out: Path, duration: float, *,
                   workdir: Path) -> list[tuple[float, float, str]]:
    """Write ``out``: ``video``'s picture with a commentary track made of the cues' sentences, each
    starting at its time (or a short pause after the previous one, if that is still being said),
    silence between. A sentence that would end after ``duration`` is left out, and those after it.

    The sentences' WAV files are written in ``workdir``. Returns where each sentence really lies,
    as (start, end, text).
    """
    pico = pico_available()
    if not pico:
        log.warning("py-nanotts (Pico's French voice) missing: the commentary is said by espeak-ng, "
                    "which Whisper base hears poorly")
    placed: list[tuple[float, float, str]] = []
    inputs: list[str] = []
    parts: list[str] = []
    cursor = 0.0
    for cue in sorted(cues, key=lambda c: c.time):  # stable: cues at the same time keep their order
        path = say(cue.text, workdir / f"sentence-{len(placed)}.wav", pico=pico)
        length = wav_seconds(path)
        start = max(cue.time, cursor + (PAUSE_S if placed else 0.01))
        if start + length > duration:
            break
        inputs += ["-i", str(path)]
        n = len(placed)
        # a pause of silence, then the sentence, both as 16 kHz mono
        parts.append(f"aevalsrc=0:s={RATE}:c=mono:d={max(0.01, start - cursor):.3f}[p{n}]")
        parts.append(f"[{n + 1}:a]aresample={RATE},aformat=sample_fmts=s16:channel_layouts=mono[r{n}]")
        placed.append((round(start, 3), round(start + length, 3), cue.text))
        cursor = start + length
    if not placed:
        raise ValueError("no sentence fits in the clip")
    chain = "".join(f"[p{n}][r{n}]" for n in range(len(placed)))
    parts.append(f"{chain}concat=n={2 * len(placed)}:v=0:a=1,apad=whole_dur={duration:.3f}[speech]")
    cmd = ["ffmpeg", "-y", "-v", "error", "-i", str(video), *inputs, "-filter_complex", ";".join(parts),
           "-map", "0:v", "-map", "[speech]", "-c:v", "copy", "-c:a", "aac", "-b:a", "64k",
           "-t", f"{duration:.3f}", "-movflags", "+faststart", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return placed
