"""Benchmark: project transcription vs bare faster-whisper on a few minutes of real French speech.

Run: ``.venv/bin/python -m tests.benchmarks.bench_transcribe [--repeat N] [--model-dir DIR]``

Both sides use the same model directory and the same decoding settings (language fr, beam 5,
VAD, word timestamps, no conditioning on previous text, hallucination silence threshold 2 s).
The project adds ffmpeg streaming in chunks, hallucination filters and dataclass conversion;
the overhead ratio is project time / bare time measured in the same run. CPU seconds are
reported beside wall-clock seconds because a shared machine makes wall time noisy.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from media_pipeline.transcribe import TranscribeSettings, get_model, probe_audio_duration, transcribe
from media_pipeline.whisper_weights import default_model_dir, install_base_model
from tests.media_pipeline import french_speech


def bare(model, path: Path) -> str:
    segments, _info = model.transcribe(str(path), language="fr", beam_size=5, vad_filter=True,
                                       word_timestamps=True, condition_on_previous_text=False,
                                       hallucination_silence_threshold=2.0)
    return " ".join(s.text.strip() for s in segments)


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--model-dir", type=Path, default=None)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    model_dir = args.model_dir or install_base_model(default_model_dir())
    settings = TranscribeSettings(model_dir=model_dir)
    with tempfile.TemporaryDirectory() as tmp:
        wav, reference = french_speech.build_wav(french_speech.BENCH_SET, Path(tmp) / "bench.wav")
        duration = probe_audio_duration(wav)
        from faster_whisper import WhisperModel

        bare_model = WhisperModel(str(model_dir), device=settings.resolved_device(),
                                  compute_type=settings.resolved_compute_type(), cpu_threads=settings.cpu_threads,
                                  local_files_only=True)
        get_model(settings)  # both models loaded before timing
        rows = {"bare faster-whisper": [], "project transcribe()": []}
        for _ in range(args.repeat):  # alternate so that machine load hits both sides alike
            rows["bare faster-whisper"].append(timed(lambda: bare(bare_model, wav)))
            rows["project transcribe()"].append(timed(lambda: transcribe(wav, settings).text))
    print(f"audio: {duration:.1f} s of French speech ({len(french_speech.BENCH_SET)} Asterisk prompts), "
          f"model {model_dir.name}, device {settings.resolved_device()}/{settings.resolved_compute_type()}")
    best = {}
    for name, runs in rows.items():
        text, wall, cpu = min(runs, key=lambda r: r[1])
        best[name] = (wall, cpu)
        error = french_speech.wer(reference, text)
        print(f"{name:22s} wall {wall:6.1f} s  RTF {wall / duration:.3f}  cpu {cpu:6.1f} s  "
              f"cpu-RTF {cpu / duration:.3f}  WER {error:.3f}")
    (pw, pc), (bw, bc) = best["project transcribe()"], best["bare faster-whisper"]
    print(f"overhead ratio project/bare: wall {pw / bw:.2f}x, cpu {pc / bc:.2f}x")


if __name__ == "__main__":
    main()
