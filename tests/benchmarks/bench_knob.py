"""Any ``SegmentSettings`` knob scanned on the motion cache (session 34): per set, per-clip means on motion alone.

    python -m tests.benchmarks.motion_cache synth_tune ego_tune real synth_held ego_held
    python -m tests.benchmarks.bench_silent_penalty groups          # the fresh / long / take groups' motion
    python -m tests.benchmarks.bench_knob scan KNOB V1,V2 [SET,...] [--speech] [--clips]

Prints transition F1 ±1 s / F1@10 / F1@50 / coverage (predicted / true steps) per set and value, and the mean of
the sets; ``--clips`` adds each clip whose transition F1 or F1@50 moved from the first value. Sets as in
``bench_silent_penalty`` (tuning: ``synth_tune``, ``ego_tune``, ``dev``, ``long``; held out: ``synth_held``,
``ego_held``, ``report``, ``fresh``, ``take``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

from media_pipeline.evaluation.metrics import score
from media_pipeline.segmentation import SegmentSettings, segment_steps
from tests.benchmarks.bench_silent_penalty import TUNING, load


def _value(knob: str, text: str):
    kind = {f.name: f.type for f in fields(SegmentSettings)}[knob]
    return float(text) if "float" in str(kind) else int(text) if "int" in str(kind) else text


def rows_for(pairs, settings: SegmentSettings, speech: bool) -> list[tuple]:
    rows = []
    for clip, motion in pairs:
        pred = [(p.start, p.end) for p in segment_steps(motion, clip.transcript if speech else None, settings)]
        s = score(pred, clip.steps, clip.duration).to_dict()
        rows.append((s["transition"]["f1"], s["f1_10"], s["f1_50"], s["coverage"], s["n_pred"], s["n_true"]))
    return rows


def scan(knob: str, values: list[str], names: list[str], speech: bool, clips: bool) -> None:
    sets = {n: load(n) for n in names}
    first: dict[str, list[tuple]] = {}
    for text in values:
        settings = replace(SegmentSettings(use_speech=speech), **{knob: _value(knob, text)})
        means = []
        for name, pairs in sets.items():
            rows = rows_for(pairs, settings, speech)
            a = np.array(rows)
            means.append(a[:, :4].mean(axis=0))
            print(f"{knob}={text:<6} {name:<11} ({len(a):2d} clips) "
                  f"{'/'.join(f'{v:.3f}' for v in a[:, :4].mean(axis=0))} ({int(a[:, 4].sum())}/{int(a[:, 5].sum())})",
                  flush=True)
            if clips and name in first:
                for (clip, _m), r0, r1 in zip(pairs, first[name], rows, strict=True):
                    if abs(r0[0] - r1[0]) > 1e-9 or abs(r0[2] - r1[2]) > 1e-9:
                        label = getattr(getattr(clip, "clip", None), "id", None) or Path(clip.path).name
                        print(f"    {label}: F1 {r0[0]:.2f}->{r1[0]:.2f} "
                              f"F1@50 {r0[2]:.2f}->{r1[2]:.2f} steps {r0[4]}->{r1[4]} (vrai {r1[5]})")
            first.setdefault(name, rows)
        print(f"{knob}={text:<6} {'moyenne':<11} {'/'.join(f'{v:.3f}' for v in np.mean(means, axis=0))}", flush=True)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `make bench` runs every bench without arguments: an experiment on the cache says how to run it
        print("banc d'expérience sur le cache du mouvement, rien mesuré sans arguments : "
              "python -m tests.benchmarks.bench_knob scan RÉGLAGE V1,V2 [ENSEMBLES] (voir son en-tête)")
        return
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("scan")
    s.add_argument("knob")
    s.add_argument("values")
    s.add_argument("sets", nargs="?", default=",".join((*TUNING, "long")))
    s.add_argument("--speech", action="store_true")
    s.add_argument("--clips", action="store_true")
    args = parser.parse_args(argv)
    scan(args.knob, args.values.split(","), args.sets.split(","), args.speech, args.clips)


if __name__ == "__main__":
    main()
