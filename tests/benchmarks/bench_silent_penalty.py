"""The change-point penalty on silent footage (session 33): per set, per-clip means on motion alone.

    python -m tests.benchmarks.motion_cache synth_tune ego_tune real synth_held ego_held
    python -m tests.benchmarks.bench_silent_penalty groups          # the fresh / long / take / homes groups' motion
    python -m tests.benchmarks.bench_silent_penalty scan 2.0,1.5 [SET,...] [--speech]

``scan`` segments each cached clip with ``penalty_silent`` set to each value (motion only: no transcript, so
the silent penalty is the one used; ``--speech``: with the clip's transcript, where speech cues keep ``penalty``)
and prints transition F1 ±1 s / F1@10 / F1@50 / coverage (predicted / true steps) per set and the mean of the
sets. Tuning sets: ``synth_tune``, ``ego_tune``, ``dev`` (the real set's dev half); held out: ``synth_held``,
``ego_held``, ``report``, ``fresh``, ``long``, ``take``, ``homes`` (read once for a choice: docs/ARCHITECTURE.md).
Real clips without hand work are left out, as the other benches do.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from dataclasses import replace

import numpy as np

from media_pipeline.evaluation import realset
from media_pipeline.evaluation.metrics import score
from media_pipeline.segmentation import SegmentSettings, segment_steps
from tests.benchmarks.motion_cache import CACHE

TUNING = ("synth_tune", "ego_tune", "dev")
GROUPS = ("fresh", "long", "take", "homes")


def load(name: str) -> list[tuple]:
    if name in ("dev", "report"):
        pairs = pickle.loads((CACHE / "real.pkl").read_bytes())
        return [(c, m) for c, m in pairs if realset.half(c.clip.id) == name and c.clip.hands_at_work]
    if name.startswith("joined_"):  # bench_cuts42's joined takes
        return pickle.loads((CACHE / f"{name}.pkl").read_bytes())
    if name in GROUPS:
        pairs = pickle.loads((CACHE / f"group_{name}.pkl").read_bytes())
        return [(c, m) for c, m in pairs if c.clip.hands_at_work is not False]
    return pickle.loads((CACHE / f"{name}.pkl").read_bytes())


def build_groups() -> None:
    from media_pipeline.motion import analyse_motion

    for group in GROUPS:
        realset.fetch([c for c in realset.load_manifest() if realset.group_of(c) == group], realset.DEFAULT_DEST,
                      log=lambda s: None)
        samples, missing = realset.samples(realset.DEFAULT_DEST, groups=(group,))
        pairs = [(s, analyse_motion(s.path)) for s in samples]
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / f"group_{group}.pkl").write_bytes(pickle.dumps(pairs))
        print(f"{group}: {len(pairs)} clips" + (f", absents : {', '.join(missing)}" if missing else ""), flush=True)


def scan(values: list[float], names: list[str], speech: bool) -> None:
    sets = {n: load(n) for n in names}
    for value in values:
        settings = replace(SegmentSettings(use_speech=speech), penalty_silent=value)
        means = []
        for name, pairs in sets.items():
            rows = []
            for clip, motion in pairs:
                pred = [(p.start, p.end) for p in segment_steps(motion, clip.transcript if speech else None, settings)]
                s = score(pred, clip.steps, clip.duration).to_dict()
                rows.append((s["transition"]["f1"], s["f1_10"], s["f1_50"], s["coverage"], s["n_pred"], s["n_true"]))
            a = np.array(rows)
            means.append(a[:, :4].mean(axis=0))
            print(f"penalty_silent={value:<5} {name:<11} ({len(a):2d} clips) "
                  f"{'/'.join(f'{v:.3f}' for v in a[:, :4].mean(axis=0))} ({int(a[:, 4].sum())}/{int(a[:, 5].sum())})",
                  flush=True)
        print(f"penalty_silent={value:<5} {'moyenne':<11} {'/'.join(f'{v:.3f}' for v in np.mean(means, axis=0))}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `make bench` runs every bench without arguments: an experiment on the cache says how to run it
        print("banc d'expérience sur le cache du mouvement, rien mesuré sans arguments : "
              "python -m tests.benchmarks.bench_silent_penalty scan 2.0,1.5 [ENSEMBLES] (voir son en-tête)")
        return
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("groups")
    s = sub.add_parser("scan")
    s.add_argument("values")
    s.add_argument("sets", nargs="?", default=",".join(TUNING))
    s.add_argument("--speech", action="store_true")
    args = parser.parse_args(argv)
    if args.cmd == "groups":
        build_groups()
    else:
        scan([float(v) for v in args.values.split(",")], args.sets.split(","), args.speech)


if __name__ == "__main__":
    main()
