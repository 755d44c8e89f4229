"""The working field's look as change-point features (session 34, tried, not kept): per set, per-clip means.

    python -m tests.benchmarks.motion_cache synth_tune ego_tune real synth_held ego_held
    python -m tests.benchmarks.bench_silent_penalty groups
    python -m tests.benchmarks.bench_appearance_features embed dev,long,synth_tune,ego_tune
    python -m tests.benchmarks.bench_appearance_features scan SETS WEIGHTS [--k 8] [--min-duration 15]

``embed`` caches each clip's EfficientNet-Lite0 embedding of the working field (lower two rows of the 3x3 cells,
2 samples a second) in ``$GESTE_MOTION_CACHE/appfield-SET.pkl``. ``scan`` adds, on footage of at least
``--min-duration`` seconds, the clip's first ``--k`` principal components of its L2-normalised embeddings, in
absolute units (0.1 on the unit sphere = one unit of the standardised motion features) times each weight, as
columns of the kernel change-point features (motion only), and prints transition F1 ±1 s / F1@10 / F1@50 /
coverage (predicted / true steps) per set. Weight 0 is the segmenter as it is. Sets as ``bench_silent_penalty``.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

import media_pipeline.segmentation.kernel_cpd as kernel_cpd
from media_pipeline.evaluation.metrics import score
from media_pipeline.segmentation import SegmentSettings, segment_steps
from tests.benchmarks.bench_silent_penalty import load
from tests.benchmarks.motion_cache import CACHE


@dataclass
class _Extra:
    cols: np.ndarray | None = None


EXTRA = _Extra()
_BASE = kernel_cpd.feature_matrix


def _with_appearance(motion, *args, **kwargs):
    z = _BASE(motion, *args, **kwargs)
    if EXTRA.cols is None:
        return z
    return np.hstack([z, np.clip(EXTRA.cols[: z.shape[0]], -6, 6)])


def embed(names: list[str]) -> None:
    from media_pipeline.appearance import GRID, appearance_series

    field = np.repeat((np.arange(GRID) >= 1).astype(np.float32), GRID)
    for name in names:
        out = {}
        for clip, _motion in load(name):
            series = appearance_series(clip.path, fps=2.0)
            out[str(clip.path)] = (series.times, series.region(field).astype(np.float16))
        (CACHE / f"appfield-{name}.pkl").write_bytes(pickle.dumps(out))
        print(f"{name}: {len(out)} clips", flush=True)


def appearance_columns(motion, times: np.ndarray, emb: np.ndarray, k: int, weight: float) -> np.ndarray | None:
    """The clip's first ``k`` principal components of its look, on the motion's frames, smoothed over 1 s."""
    e = emb.astype(np.float32)
    e /= np.linalg.norm(e, axis=1, keepdims=True) + 1e-6
    e -= e.mean(axis=0)
    if len(e) < 3 or weight <= 0:
        return None
    _u, _s, vt = np.linalg.svd(e, full_matrices=False)
    scores = e @ vt[:k].T
    t = np.asarray(motion.times, float)
    cols = np.stack([np.interp(t, times, scores[:, i]) for i in range(scores.shape[1])], axis=1)
    cols = uniform_filter1d(cols, max(1, int(round(motion.fps))), axis=0, mode="nearest")
    return cols / 0.1 * weight


def scan(names: list[str], weights: list[float], k: int, min_duration: float) -> None:
    kernel_cpd.feature_matrix = _with_appearance
    sets = {n: (load(n), pickle.loads((CACHE / f"appfield-{n}.pkl").read_bytes())) for n in names}
    for weight in weights:
        means = []
        for name, (pairs, emb) in sets.items():
            rows = []
            for clip, motion in pairs:
                times, e = emb[str(clip.path)]
                long_enough = (motion.duration or 0) >= min_duration
                EXTRA.cols = appearance_columns(motion, times, e, k, weight) if long_enough else None
                pred = [(p.start, p.end) for p in segment_steps(motion, None, SegmentSettings(use_speech=False))]
                s = score(pred, clip.steps, clip.duration).to_dict()
                rows.append((s["transition"]["f1"], s["f1_10"], s["f1_50"], s["coverage"], s["n_pred"], s["n_true"]))
            a = np.array(rows)
            means.append(a[:, :4].mean(axis=0))
            print(f"poids={weight:<4} k={k} {name:<11} {'/'.join(f'{v:.3f}' for v in a[:, :4].mean(axis=0))} "
                  f"({int(a[:, 4].sum())}/{int(a[:, 5].sum())})", flush=True)
        print(f"poids={weight:<4} k={k} {'moyenne':<11} {'/'.join(f'{v:.3f}' for v in np.mean(means, axis=0))}")
    EXTRA.cols = None
    kernel_cpd.feature_matrix = _BASE


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `make bench` runs every bench without arguments: an experiment on the cache says how to run it
        print("banc d'expérience sur le cache du mouvement, rien mesuré sans arguments : "
              "python -m tests.benchmarks.bench_appearance_features embed|scan ... (voir son en-tête)")
        return
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("embed")
    e.add_argument("sets")
    s = sub.add_parser("scan")
    s.add_argument("sets")
    s.add_argument("weights")
    s.add_argument("--k", type=int, default=8)
    s.add_argument("--min-duration", type=float, default=15.0)
    args = parser.parse_args(argv)
    if args.cmd == "embed":
        embed(args.sets.split(","))
    else:
        scan(args.sets.split(","), [float(w) for w in args.weights.split(",")], args.k, args.min_duration)


if __name__ == "__main__":
    main()
