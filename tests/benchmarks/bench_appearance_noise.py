"""Offline variants of the appearance veto, read from each clip's own working-field embeddings (session 32).

    python -m tests.benchmarks.bench_appearance_noise collect SET [COND ...] [--max-duration S]
    python -m tests.benchmarks.bench_appearance_noise score SET[,SET...] VARIANT ... [--snap S] [--max-duration S]

``collect`` runs the default analysis (``analyse_motion``) on a set and keeps, per clip, the truth, the motion and
the embedding series the analysis computed (its ``appearance_features`` call, wrapped): SET is ``real:dev``,
``real:report``, ``real:fresh`` (conditions ``native`` and ``bench_degraded``'s filters, e.g. ``dark shake``) or a
generated set of ``motion_cache.GENERATED``; ``--max-duration`` lifts ``MotionSettings.appearance_max_duration``
(the cue on longer footage). Written to ``$GESTE_MOTION_CACHE/noise-SET[-Ns].pkl``.

``score`` recomputes the ``appearance_change`` column with each VARIANT and segments on motion alone (as
``bench_degraded``): ``jit:Q`` (the default, ``appearance.appearance_change``'s jitter from consecutive samples at
quantile Q; ``jit:0`` is almost none), ``lag:Q:K`` (the jitter from samples K apart), ``floor:Q`` (less the Q-th
percentile of the clip's own squared distances), ``vario:Q`` (less the distance two window means would have under
a stationary process with the clip's variogram, lags 1-12 at quantile Q). ``--snap S``: each kept change point
moved to the largest appearance change within S seconds. Printed per set and condition: per-clip means of
transition F1 ±1 s / F1@50, (predicted / true steps). Real clips without hand work are left out, as the benches do.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from media_pipeline import appearance
from media_pipeline.evaluation.metrics import score
from media_pipeline.segmentation import SegmentSettings, kernel_cpd, segment_steps

CACHE = Path(os.environ.get("GESTE_MOTION_CACHE", "var/motion-cache"))
MOTION_ONLY = replace(SegmentSettings(), use_speech=False)


def _cache(name: str, max_duration: float) -> Path:
    tag = "" if max_duration == appearance.MAX_DURATION else f"-{max_duration:g}s"
    return CACHE / f"noise-{name.replace(':', '_')}{tag}.pkl"


def collect(name: str, conds: list[str], max_duration: float) -> Path:
    from media_pipeline.motion import MotionSettings, analyse_motion

    settings = replace(MotionSettings(), appearance_max_duration=max_duration)
    stash: dict = {}
    original = appearance.appearance_features

    def keep(series, frame_times, *args, **kwargs):
        field = np.repeat((np.arange(appearance.GRID) >= 1).astype(np.float32), appearance.GRID)
        stash["series"] = (np.asarray(series.times, float), series.region(field).astype(np.float16))
        return original(series, frame_times, *args, **kwargs)

    rows, t0 = [], time.time()
    appearance.appearance_features = keep
    try:
        for cid, cond, steps, duration, video in _videos(name, conds):
            stash.clear()
            rows.append((name, cond, cid, steps, duration, analyse_motion(video, settings), stash.get("series")))
            print(name, cond, cid, f"{time.time() - t0:.0f} s", flush=True)
    finally:
        appearance.appearance_features = original
    out = _cache(name, max_duration)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pickle.dumps(rows))
    print(f"{out} : {len(rows)} passes")
    return out


def _videos(name: str, conds: list[str]):
    if name.startswith("real:"):
        from media_pipeline.evaluation import realset
        from tests.benchmarks.bench_degraded import FILTERS, reencode

        samples, _missing = realset.samples(realset.DEFAULT_DEST, groups=(name.split(":", 1)[1],))
        workdir = CACHE / "clips" / "degraded"
        workdir.mkdir(parents=True, exist_ok=True)
        for s in samples:
            if s.steps and s.clip.hands_at_work is not False:
                for c in conds:
                    video = Path(s.path) if c == "native" else reencode(Path(s.path), FILTERS[c], c, workdir)
                    yield s.seed, c, list(s.steps), s.duration, video
        return
    from media_pipeline.commands.evaluate import parse_seeds
    from media_pipeline.evaluation.harness import make_clip
    from tests.benchmarks.motion_cache import GENERATED

    gen, seeds, size, fps = GENERATED[name]
    for seed in parse_seeds(seeds):
        work = CACHE / "clips" / name
        clip = make_clip(gen, seed, work) if fps is None else make_clip(gen, seed, work, size, fps)
        yield seed, "native", list(clip.steps), clip.duration, clip.path


def variant_change(name: str, times: np.ndarray, emb: np.ndarray, window: float = 1.5) -> np.ndarray:
    """The absolute appearance change of one variant (0-2, as the veto reads it)."""
    kind, *args = name.split(":")
    if kind == "jit":
        return appearance.appearance_change(times, emb, window, relative=False, noise_quantile=float(args[0]))
    e = emb.astype(np.float64)
    e /= np.linalg.norm(e, axis=1, keepdims=True) + 1e-9
    n = len(times)
    d2, nb, na = np.full(n, np.nan), np.zeros(n, int), np.zeros(n, int)
    for s, t in enumerate(times):
        b, a = (times >= t - window) & (times < t), (times >= t) & (times < t + window)
        if b.any() and a.any():
            d2[s], nb[s], na[s] = ((e[b].mean(0) - e[a].mean(0)) ** 2).sum(), b.sum(), a.sum()
    q = float(args[0])
    if kind == "lag":
        k = int(args[1])
        jitter = np.percentile(((e[k:] - e[:-k]) ** 2).sum(1), q) / 2 if n > k else 0.0
        less = jitter * (1 / np.maximum(nb, 1) + 1 / np.maximum(na, 1))
    elif kind == "floor":
        less = np.full(n, np.percentile(d2[~np.isnan(d2)], q)) if (~np.isnan(d2)).any() else np.zeros(n)
    elif kind == "vario":
        lags = 12
        v = np.array([0.0] + [np.percentile(((e[k:] - e[:-k]) ** 2).sum(1), q) if n > k else 0.0
                              for k in range(1, lags + 1)])

        def null(nb_: int, na_: int) -> float:
            ib, ia = np.arange(-nb_, 0), np.arange(na_)
            vk = lambda d: v[np.minimum(np.abs(d), lags)]  # noqa: E731
            return float(vk(ia[None] - ib[:, None]).mean() - 0.5 * vk(ib[None] - ib[:, None]).mean()
                         - 0.5 * vk(ia[None] - ia[:, None]).mean())

        less = np.array([null(nb[i], na[i]) if nb[i] and na[i] else 0.0 for i in range(n)])
    else:
        raise SystemExit(f"variante inconnue : {name}")
    return np.sqrt(np.maximum(np.nan_to_num(d2 - less, nan=0.0), 0.0))


def _snapping(seconds: float):
    """``kernel_cpd._appearance_filter`` that also moves each kept point to the largest change near it."""
    original = kernel_cpd._appearance_filter

    def snap(bk, weak, motion, a, b, settings):
        out = original(bk, weak, motion, a, b, settings)
        change = np.asarray(motion.features.get("appearance_change", []), float)
        if len(change) != len(motion.times) or change.max(initial=0) <= 0:
            return out
        r = max(1, int(round(seconds * motion.fps)))
        moved = {max(a + 2, i - r) + int(np.argmax(change[max(a + 2, i - r):min(b - 2, i + r + 1)]))
                 if min(b - 2, i + r + 1) > max(a + 2, i - r) else i for i in out}
        return sorted(moved)

    return snap


def score_sets(names: list[str], variants: list[str], snap: float, max_duration: float) -> None:
    rows = []
    for name in names:
        path = _cache(name, max_duration)
        if not path.exists():
            raise SystemExit(f"{path} absent : collect {name} d'abord")
        rows += pickle.loads(path.read_bytes())
    settings = replace(MOTION_ONLY, appearance_max_duration=max_duration)
    original = kernel_cpd._appearance_filter
    if snap > 0:
        kernel_cpd._appearance_filter = _snapping(snap)
    try:
        for variant in variants:
            groups: dict = {}
            for set_, cond, _cid, steps, duration, motion, series in rows:
                if series is not None:
                    times, emb = series
                    motion.features["appearance_change"] = np.interp(
                        np.arange(len(motion.times)) / motion.fps, times, variant_change(variant, times, emb))
                pred = [(p.start, p.end) for p in segment_steps(motion, None, settings)]
                s = score(pred, steps, duration)
                groups.setdefault((set_, cond), []).append((s.transition.f1, s.f1_50, len(pred), len(steps)))
            line = " | ".join(f"{k[0]}/{k[1]} {np.mean([r[0] for r in v]):.3f} {np.mean([r[1] for r in v]):.3f} "
                              f"({sum(r[2] for r in v)}/{sum(r[3] for r in v)})" for k, v in sorted(groups.items()))
            print(f"{variant:<12} {line}", flush=True)
    finally:
        kernel_cpd._appearance_filter = original


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `make bench` runs every bench without arguments: an experiment says how to run it
        print("banc d'expérience, rien mesuré sans arguments : python -m tests.benchmarks.bench_appearance_noise "
              "collect|score ENSEMBLE ... (voir son en-tête)")
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=("collect", "score"))
    parser.add_argument("sets")
    parser.add_argument("more", nargs="*")
    parser.add_argument("--snap", type=float, default=0.0)
    parser.add_argument("--max-duration", type=float, default=appearance.MAX_DURATION)
    args = parser.parse_args(argv)
    if args.action == "collect":
        collect(args.sets, args.more or ["native"], args.max_duration)
    else:
        score_sets(args.sets.split(","), args.more or ["jit:50"], args.snap, args.max_duration)


if __name__ == "__main__":
    main()
