"""Benchmark: motion/hand analysis cost against ffmpeg's decode-only time of the same file, same run.

    .venv/bin/python -m tests.benchmarks.bench_analysis [--repeats 3] [--memory 60,600] [--hour]
        [--only vtest,cam60,cam5] [--workdir DIR]

Speed: for each file, ``ffmpeg -i F -f null -`` (the decode-only floor, default threads) and
``analyse_motion(F)`` run interleaved, ``--repeats`` times; the medians of wall time and of CPU time
(this process + its ffmpeg children) give the ratios. The target is analysis <= 1.3 x decode.
The machine may be shared: CPU seconds are printed beside wall seconds because they hardly move
with other people's load, while wall seconds do.

Files: ``vtest.avi`` (OpenCV's sample, a real fixed camera, 768x576 MPEG-4 at 10 fps: very cheap
to decode, the hardest case for the ratio); ``cam60``: 60 s of 1080p30 H.264 High with B-frames,
CABAC and deblocking, as a head camera records (lavfi testsrc2 + temporal noise + a slow roll,
``veryfast`` CRF 21); ``cam5``: its first 5 s (fixed costs: process starts, model load).
The palm detector's one-time load (cached per worker process) is timed apart.

Memory: each length (``--memory`` seconds of 1080p30, ``ultrafast``) is analysed in a fresh
process that reports its peak RSS (VmHWM) and its ffmpeg child's peak RSS; ``--hour`` adds
3600 s (1080p at 5 fps: the analysis still reads 10 frames a second, each a decoded 1080p picture).
Generated files are cached in ``--workdir`` (default: the temp dir).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
TARGET = 1.3


def _cpu_self() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def _cpu_children() -> float:
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def _encode(path: Path, args: list[str]) -> Path:
    if not path.exists():
        part = path.with_name(path.stem + ".part" + path.suffix)
        subprocess.run(["ffmpeg", "-y", "-nostdin", "-v", "error", *args, str(part)], check=True)
        os.replace(part, path)
    return path


def vtest(workdir: Path) -> Path | None:
    if VTEST.exists():
        return VTEST
    gz = VTEST.with_suffix(".avi.gz")
    if not gz.exists():
        return None
    out = workdir / "vtest.avi"
    if not out.exists():
        with open(out, "wb") as fh:
            subprocess.run(["gunzip", "-c", str(gz)], stdout=fh, check=True)
    return out


def camera_like(workdir: Path, seconds: int = 60) -> Path:
    """1080p30 H.264 High (CABAC, 3 B-frames, deblocking), moving, with sensor-like noise."""
    src = (f"testsrc2=s=1920x1080:r=30:d={seconds},noise=alls=3:allf=t,"
           "rotate=0.05*sin(t):c=black")
    return _encode(workdir / f"geste_bench_cam1080_{seconds}s.mp4",
                   ["-f", "lavfi", "-i", src, "-c:v", "libx264", "-preset", "veryfast", "-crf", "21",
                    "-profile:v", "high", "-bf", "3", "-g", "60", "-pix_fmt", "yuv420p"])


def cut(src: Path, seconds: int) -> Path:
    return _encode(src.with_name(f"{src.stem}_first{seconds}s.mp4"), ["-i", str(src), "-t", str(seconds),
                                                                       "-c", "copy"])


def long_1080p(workdir: Path, seconds: int, rate: int = 30) -> Path:
    """Cheap to make at any length: testsrc2 1080p, ultrafast (the decode is still 1080p). The analysis
    samples 10 frames a second whatever the source rate, so a 5 fps source (each frame analysed twice)
    costs the analysis the same memory per second as a 30 fps one, for a sixth of the encoding."""
    name = f"geste_bench_long1080_{seconds}s.mp4" if rate == 30 else f"geste_bench_long1080_{seconds}s_{rate}fps.mp4"
    return _encode(workdir / name,
                   ["-f", "lavfi", "-i", f"testsrc2=s=1920x1080:r={rate}:d={seconds}", "-c:v", "libx264",
                    "-preset", "ultrafast", "-crf", "30", "-g", "300", "-pix_fmt", "yuv420p"])


def decode_only(path: Path) -> tuple[float, float]:
    c, t = _cpu_children(), time.perf_counter()
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"], check=True,
                   capture_output=True)
    return time.perf_counter() - t, _cpu_children() - c


def analysis(path: Path) -> tuple[float, float, int]:
    from media_pipeline.motion import analyse_motion

    c, t = _cpu_self() + _cpu_children(), time.perf_counter()
    m = analyse_motion(path)
    return time.perf_counter() - t, _cpu_self() + _cpu_children() - c, len(m)


def speed(files: dict[str, Path], repeats: int) -> list[dict]:
    from media_pipeline.hands import PalmDetector

    t = time.perf_counter()
    det = PalmDetector.load()
    print(f"chargement du détecteur de paumes (une fois par processus) : {time.perf_counter() - t:.2f} s"
          f" ({'présent' if det else 'absent'})")
    rows = []
    for name, path in files.items():
        dw, dc, aw, ac = [], [], [], []
        frames = 0
        for _ in range(repeats):
            w, c = decode_only(path)
            dw.append(w)
            dc.append(c)
            w, c, frames = analysis(path)
            aw.append(w)
            ac.append(c)
        row = {"clip": name, "frames": frames, "decode_wall": statistics.median(dw),
               "analysis_wall": statistics.median(aw), "decode_cpu": statistics.median(dc),
               "analysis_cpu": statistics.median(ac)}
        row["ratio_wall"] = row["analysis_wall"] / max(row["decode_wall"], 1e-6)
        row["ratio_cpu"] = row["analysis_cpu"] / max(row["decode_cpu"], 1e-6)
        rows.append(row)
        print(f"  {name:<8} {frames:>5} images  décodage {row['decode_wall']:6.2f} s ({row['decode_cpu']:6.2f} s CPU)"
              f"  analyse {row['analysis_wall']:6.2f} s ({row['analysis_cpu']:6.2f} s CPU)"
              f"  ratio x{row['ratio_wall']:.2f} mur, x{row['ratio_cpu']:.2f} CPU"
              f"   [mur : {' '.join(f'{a:.2f}/{d:.2f}' for a, d in zip(aw, dw, strict=True))}]", flush=True)
    return rows


_CHILD = """
import json, resource, sys, time
from media_pipeline.motion import analyse_motion
from media_pipeline.hands import PalmDetector
PalmDetector.load()
def hwm():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM'):
            return int(line.split()[1]) / 1024
before = hwm()
t = time.perf_counter()
m = analyse_motion(sys.argv[1])
print(json.dumps({"frames": len(m), "seconds": time.perf_counter() - t, "hwm_before_mb": before,
                  "hwm_mb": hwm(),
                  "ffmpeg_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def memory(paths: dict[int, Path]) -> list[dict]:
    rows = []
    for seconds, path in paths.items():
        out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], check=True, capture_output=True,
                             text=True, cwd=Path(__file__).resolve().parents[2])
        row = json.loads(out.stdout.strip().splitlines()[-1]) | {"length_s": seconds}
        rows.append(row)
        rate = 30 if seconds < 3600 else 5
        print(f"  {seconds:>5} s de 1080p{rate} : {row['frames']:>6} images analysées en {row['seconds']:.0f} s, "
              f"pic RSS Python {row['hwm_mb']:.0f} Mo (avant l'analyse {row['hwm_before_mb']:.0f} Mo), "
              f"ffmpeg {row['ffmpeg_mb']:.0f} Mo", flush=True)
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        per_hour = (b["hwm_mb"] - a["hwm_mb"]) / max(b["length_s"] - a["length_s"], 1) * 3600
        print(f"  croissance du pic : {per_hour:.1f} Mo par heure de vidéo "
              f"({a['length_s']} s -> {b['length_s']} s : {a['hwm_mb']:.0f} -> {b['hwm_mb']:.0f} Mo)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default="vtest,cam60,cam5")
    parser.add_argument("--memory", default="60,600", help="lengths in seconds, '' to skip")
    parser.add_argument("--hour", action="store_true", help="also analyse 3600 s of 1080p (slow to make)")
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    parser.add_argument("--json", default="", help="write the numbers to this file")
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    wanted = [w for w in args.only.split(",") if w]
    files: dict[str, Path] = {}
    if "vtest" in wanted:
        v = vtest(workdir)
        if v is None:
            print("vtest.avi absent (paquet opencv-doc) : ignoré")
        else:
            files["vtest"] = v
    if "cam60" in wanted or "cam5" in wanted:
        cam = camera_like(workdir)
        if "cam60" in wanted:
            files["cam60"] = cam
        if "cam5" in wanted:
            files["cam5"] = cut(cam, 5)
    result: dict = {}
    if files:
        print(f"Vitesse : analyse / décodage seul (médianes de {args.repeats} passes entrelacées, "
              f"cible <= {TARGET}) :")
        result["speed"] = speed(files, args.repeats)
    lengths = [int(x) for x in args.memory.split(",") if x] + ([3600] if args.hour else [])
    if lengths:
        print("Mémoire : pic RSS selon la longueur (processus neuf par longueur) :")
        # The hour at 5 fps (see long_1080p): 60 s and 600 s at 30 fps.
        result["memory"] = memory({s: long_1080p(workdir, s, 5 if s >= 3600 else 30) for s in lengths})
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
