"""Benchmark: transcode speed against ffmpeg's own decode of the same file, same run.

    .venv/bin/python -m tests.benchmarks.bench_transcode [--duration 60] [--preset veryfast]

Generates (once, cached in /tmp) a 60-s 1080p30 clip from lavfi testsrc2 + sine,
then times: decode only (``ffmpeg -i SRC -f null -``), probe + validate, the full
transcode (HLS 360p..1080p + MP4 + poster + sprite) and the 16 kHz audio extraction.
Ratios, not absolute times, are what compare across machines. testsrc2 is
synthetic and compresses far better than camera footage, so real footage will
encode somewhat slower per second.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from media_pipeline.audio import extract_audio
from media_pipeline.probe import inspect
from media_pipeline.transcode import TranscodeSettings, transcode


def make_source(duration: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"geste_bench_1080p30_{duration}s.mp4"
    if not path.exists():
        partial = path.with_suffix(".part.mp4")
        subprocess.run(["ffmpeg", "-y", "-v", "error",
                        "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={duration}",
                        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={duration}",
                        "-c:v", "libx264", "-preset", "veryfast", "-b:v", "8M", "-pix_fmt", "yuv420p",
                        "-c:a", "aac", "-b:a", "128k", str(partial)], check=True)
        os.replace(partial, path)
    return path


CPU: dict[str, float] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(func, name: str) -> tuple[float, object]:
    """Wall seconds of ``func()``; its ffmpeg children's CPU seconds go to CPU[name]."""
    cpu, start = _children_cpu(), time.perf_counter()
    value = func()
    CPU[name] = _children_cpu() - cpu
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--preset", default=TranscodeSettings.preset)
    args = parser.parse_args()

    src = make_source(args.duration)
    decode_s, _ = timed(lambda: subprocess.run(["ffmpeg", "-v", "error", "-i", str(src), "-f", "null", "-"],
                                               check=True), "decode")
    probe_s, probe = timed(lambda: inspect(src), "probe")
    out = Path(tempfile.mkdtemp(prefix="geste_bench_"))
    try:
        settings = TranscodeSettings(preset=args.preset)
        transcode_s, result = timed(lambda: transcode(src, out / "hls", probe, settings), "transcode")
        audio_s, _ = timed(lambda: extract_audio(src, out / "audio.wav"), "audio")
        sizes = {v.name: sum(f.stat().st_size for f in (out / "hls" / v.name).glob("*.ts"))
                 for v in result.variants}
    finally:
        shutil.rmtree(out, ignore_errors=True)

    footage = probe.duration
    print(f"source: {src.name}, {probe.width}x{probe.height} @ {probe.fps:g} fps, {footage:.1f} s, "
          f"{os.cpu_count()} CPU, preset {args.preset}")
    print(f"rungs: {', '.join(f'{v.name} {v.width}x{v.height}' for v in result.variants)}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine skews wall times)")
    print(f"{'stage':<28}{'wall s':>9}{'wall/footage':>14}{'wall vs decode':>16}"
          f"{'cpu s':>9}{'cpu vs decode':>15}")
    rows = (("decode only (reference)", decode_s, "decode"), ("probe + validate", probe_s, "probe"),
            ("transcode (1 decode, all)", transcode_s, "transcode"), ("audio 16 kHz WAV", audio_s, "audio"))
    for label, seconds, key in rows:
        print(f"{label:<28}{seconds:>9.2f}{seconds / footage:>14.3f}{seconds / decode_s:>15.2f}x"
              f"{CPU[key]:>9.1f}{CPU[key] / CPU['decode']:>14.2f}x")
    for name, size in sizes.items():
        print(f"  {name}: {size * 8 / footage / 1000:.0f} kbit/s video+audio measured")


if __name__ == "__main__":
    main()
