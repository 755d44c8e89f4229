"""Grasp cue experiment (branch seg21): the hand-landmark model's hand shape as a change-point cue.

    [GRASP_LOW=0.3,0.3] python -m tests.benchmarks.bench_grasp [--final] [--only real] [--fps 2] \
        w=W | veto=V | boost=B | w=W,veto=V,dur=D ...

Reads the motion cache (``tests/benchmarks/motion_cache.py``) and adds to each clip's motion the
columns of ``media_pipeline.hand_landmarks.grasp_features`` (the landmark pass over each clip is cached
too: ``var/motion-cache/grasp-NAME-FPS.pkl``). Tuning sets: synthetic 1-30 (640x360), egocam 1-50,
the real dev half's working clips; ``--final`` adds the held-out sets (read once). Per-clip means of
transition F1 ±1 s / F1@10 / F1@50 / coverage, (predicted / true steps), as ``bench_rhythm``.
``GRASP_LOW=T,P``: palm threshold T and landmark presence P (default 0.5, 0.5) for the landmark pass.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
from dataclasses import replace

import numpy as np

from media_pipeline.hand_landmarks import grasp_features, grasp_series
from media_pipeline.segmentation import SegmentSettings
from tests.benchmarks.bench_learned import CACHE, source_items
from tests.benchmarks.bench_rhythm import run

FILES = {"synth": "synth_tune", "ego": "ego_tune", "real": "real", "synth_held": "synth_held",
         "ego_held": "ego_held", "real_report": "real"}


def add_grasp(name: str, items, fps: float) -> None:
    """Put the grasp columns into each item's motion features (landmark pass cached per source file)."""
    low = os.environ.get("GRASP_LOW")  # "palm threshold,landmark presence" (default 0.5,0.5)
    th, pres = (float(v) for v in low.split(",")) if low else (0.5, 0.5)
    path = CACHE / f"grasp-{FILES[name]}-{fps:g}{f'-{th:g}-{pres:g}' if low else ''}.pkl"
    cache = pickle.loads(path.read_bytes()) if path.exists() else {}
    t0, dirty = time.time(), False
    for it in items:
        key = str(it.key)
        if key not in cache:
            cache[key] = grasp_series(it.clip.path, fps=fps, threshold=th, min_presence=pres)
            dirty = True
        series = cache[key]
        if series is None:
            continue
        times, desc = series
        frame_times = np.asarray(it.motion.times, float)
        it.motion.features.update(grasp_features(times, desc, frame_times))
    if dirty:
        path.write_bytes(pickle.dumps(cache))
        print(f"# grasp pass {name}: {len(items)} clips, {time.time() - t0:.0f} s", flush=True)


def main() -> None:
    argv = sys.argv[1:]
    opts = {k: argv[argv.index(k) + 1] for k in ("--fps", "--only") if k in argv}
    args = [a for a in argv if not a.startswith("--") and a not in opts.values()]
    final = "--final" in argv
    fps = float(opts.get("--fps", 2.0))
    names = ["synth", "ego", "real"] + (["synth_held", "ego_held", "real_report"] if final else [])
    if "--only" in opts:  # a subset of the tuning sets, e.g. --only real
        names = opts["--only"].split(",")
    missing = sorted({FILES[n] for n in names} - {p.stem for p in CACHE.glob("*.pkl")})
    if not args or missing:  # ``make bench`` passes over it: an experiment, run by hand
        print(__doc__.split("\n\n")[1], f"\n(cache absent : {', '.join(missing)})" if missing else "")
        return
    sets = {n: source_items(n, final=final) for n in names}
    for n, items in sets.items():
        add_grasp(n, items, fps)
        seen = [float(np.mean(it.motion.features.get("grasp_seen", [0]))) for it in items]
        print(f"# {n}: share of frames with a hand's landmarks {np.mean(seen):.2f}", flush=True)
    variants = [("base", SegmentSettings())]
    keys = {"w": "grasp_weight", "veto": "grasp_veto", "boost": "grasp_boost", "dur": "grasp_max_duration"}
    for a in args:
        kw = {keys[k]: float(v) for k, v in (p.split("=") for p in a.split(","))}
        variants.append((a, replace(SegmentSettings(), **kw)))
    for label, st in variants:
        out, means = [], []
        for n, items in sets.items():
            r, npred, ntrue = run(items, st)
            means.append(r)
            out.append(f"{n} {'/'.join(f'{v:.3f}' for v in r)} ({npred}/{ntrue})")
        tune = np.mean(np.array(means[:min(3, len(means))]), axis=0)
        print(f"{label:14s} tune-mean {'/'.join(f'{v:.3f}' for v in tune)} | " + " | ".join(out), flush=True)


if __name__ == "__main__":
    main()
