"""Extract the speech-recognition input: 16 kHz mono PCM (s16le) WAV.

Whisper resamples everything to 16 kHz mono anyway; doing it once here with
ffmpeg keeps the ASR worker free of video decoding and gives it a small file.
The WAV is written beside its final name and renamed when complete, so a killed
run never leaves a short WAV that looks finished.
"""

from __future__ import annotations

import os
import uuid
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

from media_pipeline.errors import PermanentMediaError
from media_pipeline.ffmpeg_run import NO_METADATA_ARGS, ensure_free_space, media_arg, run_ffmpeg, run_ffprobe
from media_pipeline.progress import ProgressCallback

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class AudioResult:
    """The extracted WAV: absolute path, duration in seconds, sample rate in Hz."""

    path: str
    duration: float
    sample_rate: int

    def to_dict(self) -> dict:
        return asdict(self)


def _audio_facts(src: Path) -> tuple[int | None, float]:
    """(absolute index of the first audio stream with channels, or None; duration)."""
    data, _ = run_ffprobe(["-show_entries", "format=duration:stream=index,codec_type,channels",
                           media_arg(src)], what="l'analyse de la piste audio")
    index = next((int(s["index"]) for s in data.get("streams") or []
                  if s.get("codec_type") == "audio" and int(s.get("channels") or 0) > 0), None)
    try:
        duration = float((data.get("format") or {}).get("duration") or 0.0)
    except ValueError:
        duration = 0.0
    return index, duration


def extract_audio(src: str | os.PathLike[str], out_wav: str | os.PathLike[str],
                  progress: ProgressCallback | None = None) -> AudioResult:
    """Write the first audio track of ``src`` as 16 kHz mono s16le WAV at ``out_wav``.

    Raises PermanentMediaError when the video has no audio track (transcription is
    then skipped by the workflow), TransientMediaError on a killed run or full disk.
    """
    source, target = Path(src), Path(out_wav)
    if not source.is_file():
        raise PermanentMediaError("Fichier introuvable : la vidéo n'existe plus.", detail=str(source))
    index, duration = _audio_facts(source)
    if index is None:
        raise PermanentMediaError("Cette vidéo n'a pas de piste audio : la transcription est impossible.")
    target.parent.mkdir(parents=True, exist_ok=True)
    ensure_free_space(target.parent, int(duration * SAMPLE_RATE * 2 * 1.1) + 2**20)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        run_ffmpeg(["-i", media_arg(source), "-map", f"0:{index}", "-vn", "-sn", "-dn", *NO_METADATA_ARGS,
                    "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", "-f", "wav",
                    "-bitexact", media_arg(partial)],
                   duration=duration, progress=progress, what="l'extraction du son")
        with wave.open(str(partial), "rb") as wav:
            frames, rate = wav.getnframes(), wav.getframerate()
        if frames == 0:
            raise PermanentMediaError("La piste audio de cette vidéo est vide.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return AudioResult(path=str(target.resolve()), duration=round(frames / rate, 3), sample_rate=rate)
