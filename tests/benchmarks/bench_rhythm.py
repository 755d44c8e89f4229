"""Rhythm prior experiment (branch seg20): the step count of a run of work from its activity's period.

    python -m tests.benchmarks.bench_rhythm [--final] [corr,place ...]

Reads the motion cache (``tests/benchmarks/motion_cache.py``). Tuning sets: synthetic 1-30 (640x360),
egocam 1-50, the real dev half's working clips; ``--final`` adds the held-out sets (read once).
Per-clip means of transition F1 ±1 s / F1@10 / F1@50 / coverage, as ``bench_learned``'s table.
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np

from media_pipeline.segmentation import SegmentSettings, segment_steps
from media_pipeline.segmentation.kernel_cpd import activity_level, rhythm_period
from tests.benchmarks.bench_learned import CACHE, scores_of, source_items


def run(items, settings) -> tuple[np.ndarray, int, int]:
    rows, npred, ntrue = [], 0, 0
    for it in items:
        pred = [(p.start, p.end) for p in segment_steps(it.motion, it.transcript, settings)]
        rows.append(scores_of(pred, it))
        npred, ntrue = npred + len(pred), ntrue + len(it.steps)
    return np.mean(np.array(rows), axis=0), npred, ntrue


def main() -> None:
    if not (CACHE / "synth_tune.pkl").exists():  # `make bench` on a fresh machine: say how, do not stop it
        print(f"cache absent ({CACHE}) : python -m tests.benchmarks.motion_cache all (une fois, ~15 min), "
              "puis relancer ; banc expérimental passé")
        return
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    final = "--final" in sys.argv
    names = ["synth", "ego", "real"] + (["synth_held", "ego_held", "real_report"] if final else [])
    sets = {n: source_items(n, final=final) for n in names}
    if "--periods" in sys.argv:
        for it in sets["real"] + sets["synth"][:10] + sets["ego"][:10]:
            act = activity_level(it.motion)
            p, c = rhythm_period(act, it.motion.fps, 1.5, 8.0)
            print(it.source, it.key, f"dur {it.duration:.1f} true {len(it.steps)} period {p / it.motion.fps:.2f}s"
                  f" corr {c:.2f} -> {it.duration / max(p / it.motion.fps, 1e-6):.1f}")
        return
    variants = [("base", SegmentSettings())]
    for a in args:
        if a.startswith("gain="):  # gain=G[,maxdur]
            g, *d = a[5:].split(",")
            variants.append((a, replace(SegmentSettings(), count_gain=float(g),
                                        count_max_duration=float(d[0]) if d else 45.0)))
            continue
        corr, place = a.split(",")
        variants.append((a, replace(SegmentSettings(), rhythm_corr=float(corr), rhythm_place=place)))
    for label, st in variants:
        out, means = [], []
        for n, items in sets.items():
            r, npred, ntrue = run(items, st)
            means.append(r)
            out.append(f"{n} {'/'.join(f'{v:.3f}' for v in r)} ({npred}/{ntrue})")
        tune = np.mean(np.array(means[:3]), axis=0)
        print(f"{label:10s} tune-mean {'/'.join(f'{v:.3f}' for v in tune)} | " + " | ".join(out), flush=True)


if __name__ == "__main__":
    main()
