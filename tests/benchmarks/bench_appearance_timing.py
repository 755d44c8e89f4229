"""Appearance timing (session 38, follow-up of ``bench_boundary_timing``): does the APPEARANCE of the working
field (EfficientNet-Lite0, ``media_pipeline.appearance``, the cue the default analysis computes on footage up to
45 s) say where the true step limits are, where the motion features peak there only at chance rate
(0.35 / 0.39 against 0.33 on the long group, docs/ARCHITECTURE.md)? Not part of the test suite.

    python -m tests.benchmarks.motion_cache real                    # var/motion-cache/real.pkl
    python -m tests.benchmarks.bench_silent_penalty groups          # var/motion-cache/group_*.pkl
    python -m tests.benchmarks.bench_appearance_timing cache dev,long   # var/motion-cache/appearance_seg38b_*.pkl
    python -m tests.benchmarks.bench_appearance_timing why dev,long     # step 1: where the appearance peaks

``cache``: every clip of the sets, whatever its duration, decoded as the motion analysis decodes it
(``frames.iter_frames`` at ``MotionSettings``' width and frame rate) and each of its frames (10 a second)
embedded with the network input the default analysis gives it (``appearance.embed_frames`` with the source's
size): the 3x3 cells (float16), so that the pipeline's sampling (``appearance_fps`` 10/3: every third frame)
and a denser one can both be read.

``why`` (step 1, diagnostic, tuning sets only: the real set's ``dev`` half and the ``long`` group): for each
true limit t with 3 s of footage on either side (the limits ``bench_boundary_timing why`` counts), the
two-sided appearance contrast (distance between the mean L2-normalised embeddings of the working field, the
lower two rows of cells as ``appearance_features`` weighs them, over ``w`` seconds before and after each
sample, both windows kept within the footage) is computed at every sample within ±3 s of t; a hit is its
largest value lying within 1 s of t. Reported per set and pooled: the hit rate for w in {1, 1.5, 2} s, the
chance rate (the share of the samples within ±3 s that lie within 1 s of t, averaged over the limits), and the
motion rate on the same limits (``bench_boundary_timing``'s feature contrast, window 1 s). For information
only (not in the gate): the whole frame instead of the working field, and all 10 frames a second instead of
the pipeline's 10/3.

Rule written and committed before any appearance number was read (pre-registered):
- gate: step 2 is run only if, for at least one w in {1, 1.5, 2}, the working field at the pipeline's sampling
  (10/3 a second) has a pooled hit rate (dev half + long group limits together) of at least 0.55; the w
  with the highest pooled rate (ties to the smaller w) is the one step 2 uses. Otherwise stop after step 1:
  the numbers are documented (docs/ARCHITECTURE.md, Segmentation) and nothing changes in the pipeline.
- step 2 (only past the gate): the appearance contrast replaces the motion contrast in
  ``kernel_cpd.refine_boundaries`` (same modes touching / edges / both, radius {1, 2, 3} s, the chosen w),
  chosen on the dev half + long group with ``bench_boundary_timing``'s choice rule (highest mean transition F1
  among the candidates losing at most 0.01 of F1@50 and coverage on each tuning set; ties within 0.005 to the
  smaller radius), then the held-out sets (``take`` group, real ``report`` half, ``fresh`` group) read ONCE;
  adopted as default only if the held-out pooled transition F1 gains at least 0.02, no held-out set loses more
  than 0.01 in transition F1 or F1@50, and coverage stays at least 0.95 on each held-out set.

Outcome (step 1, read after the rule above was committed; docs/ARCHITECTURE.md): the working field at 10/3 a
second peaks within 1 s of 36 of the 77 tuning limits with w = 1 s (0.47; 1.5 s 0.44, 2 s 0.47), chance 0.35,
motion 0.36 on the same limits: under the 0.55 gate, so step 2 was not run and the held-out sets were not read
(their embeddings are cached by ``cache take,report,fresh``, no score computed from them).
"""

from __future__ import annotations

import math
import pickle
import sys
import time

import numpy as np

from media_pipeline import appearance
from media_pipeline.frames import FrameSettings, iter_frames
from media_pipeline.motion import MotionSettings
from media_pipeline.segmentation import SegmentSettings, kernel_cpd
from tests.benchmarks.bench_boundary_timing import HELD_OUT, TUNING, _limits, load
from tests.benchmarks.motion_cache import CACHE

RADIUS = 3.0  # s either side of a true limit where the peak is looked for
TOL = 1.0  # s: a hit
WINDOWS = (1.0, 1.5, 2.0)
GATE = 0.55
PIPELINE_EVERY = 3  # the analysis' 10 frames a second, ``appearance_fps`` 10/3: every third frame


def cache_path(name: str):
    return CACHE / f"appearance_seg38b_{name}.pkl"


def embed_clip(path) -> dict:
    """Every frame the motion analysis decodes, embedded as the default analysis embeds its samples."""
    ms = MotionSettings()
    probed: list = []
    times, frames = [], []
    for t, frame in iter_frames(path, FrameSettings(width=ms.width, fps=ms.fps, gray=False),
                                on_geometry=probed.append):
        times.append(t)
        frames.append(frame)
    size = (probed[0].height, probed[0].width) if probed and probed[0].width else None
    cells = []
    for k in range(0, len(frames), 50):
        cells.append(appearance.embed_frames(frames[k:k + 50], size))
    return {"times": np.asarray(times, float),
            "cells": np.concatenate(cells) if cells else np.zeros((0, 9, 1280), np.float16), "size": size}


def build_cache(names: list[str]) -> None:
    if appearance.EfficientNetLite0.load() is None:
        raise SystemExit("poids EfficientNet-Lite0 absents")
    for name in names:
        t0, out = time.time(), []
        for clip, motion in load(name):
            out.append(embed_clip(motion.source or clip.path))
            print(name, len(out), f"{motion.duration:.0f} s", f"{time.time() - t0:.0f} s", flush=True)
        cache_path(name).write_bytes(pickle.dumps(out))
        print(f"{cache_path(name)} : {len(out)} clips en {time.time() - t0:.0f} s", flush=True)


def load_appearance(name: str) -> list[dict]:
    return pickle.loads(cache_path(name).read_bytes())


FIELD = np.repeat((np.arange(appearance.GRID) >= 1).astype(np.float32), appearance.GRID)


def region_embedding(cells: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    """(S, 1280) L2-normalised embedding of a region (cells averaged with ``weights``; whole frame without)."""
    series = appearance.AppearanceSeries(np.zeros(len(cells)), cells)
    e = series.region(weights).astype(np.float64)
    return e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-9)


def contrast(times: np.ndarray, e: np.ndarray, at: np.ndarray, window: float, jitter: float = 0.0) -> np.ndarray:
    """At each sample index of ``at``: the distance between the mean embeddings over ``window`` seconds
    before it (excluded) and from it on (included), as ``appearance.appearance_change`` (absolute; less the
    clip's jitter as there when ``jitter`` > 0)."""
    out = np.zeros(len(at))
    for k, s in enumerate(at):
        t = times[s]
        before = (times >= t - window - 1e-9) & (times < t - 1e-9)
        after = (times >= t - 1e-9) & (times < t + window - 1e-9)
        if before.any() and after.any():
            d2 = float(((e[before].mean(axis=0) - e[after].mean(axis=0)) ** 2).sum())
            d2 -= jitter * (1.0 / before.sum() + 1.0 / after.sum())
            out[k] = math.sqrt(max(d2, 0.0))
    return out


def _motion_hit(motion, t: float) -> bool | None:
    """``bench_boundary_timing why``'s feature contrast (window 1 s) at the motion's frame rate."""
    st = SegmentSettings(use_speech=False)
    fps = motion.fps
    act = kernel_cpd.activity_level(motion)
    x = kernel_cpd.feature_matrix(motion, st.hand_weight, st.grasp_weight)
    n, r, w = len(act), int(round(RADIUS * fps)), int(round(fps))
    i = int(round(t * fps))
    if i < r or i > n - r - 1:
        return None
    idx = np.arange(i - r, i + r + 1)
    c = np.linalg.norm(kernel_cpd._two_sided(x, 0, n, idx, w, False), axis=1)
    return abs(int(idx[int(np.argmax(c))]) - i) <= fps


def _kind(t: float, steps) -> str:
    """``touching``: a limit between two steps that touch (or are under 0.5 s apart, where the metric counts no
    transition); ``rest``: the edge of a rest."""
    ends, starts = [e for _s, e in steps], [s for s, _e in steps]
    if any(abs(e - t) < 0.5 for e in ends) and any(abs(s - t) < 0.5 for s in starts):
        return "touching"
    return "rest"


# (name, region, every how many frames, jitter quantile); only the first (the pipeline's cue without its
# jitter subtraction) is in the gate, the others are for information.
VARIANTS = (("champ", "field", PIPELINE_EVERY, 0.0), ("image", "frame", PIPELINE_EVERY, 0.0),
            ("champ10", "field", 1, 0.0), ("champ-bruit", "field", PIPELINE_EVERY, 50.0),
            ("mains", "hands", PIPELINE_EVERY, 0.0))


def _embedding(app: dict, motion, region: str, every: int) -> tuple[np.ndarray, np.ndarray]:
    sel = np.arange(0, len(app["times"]), every)
    times, cells = app["times"][sel], app["cells"][sel]
    if region == "field":
        weights = FIELD
    elif region == "hands":
        ft = np.asarray(motion.times, float)
        hx = np.interp(times, ft, np.nan_to_num(motion.features["hand_x"], nan=0.5))
        hy = np.interp(times, ft, np.nan_to_num(motion.features["hand_y"], nan=0.5))
        weights = appearance.hand_cell_weights(hx, hy)
    else:
        weights = None
    return times, region_embedding(cells, weights)


def _binomial_p(hits: int, n: int, p: float) -> float:
    """One-sided P(X >= hits) for X ~ Binomial(n, p)."""
    return float(sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(hits, n + 1)))


def why(names: list[str]) -> None:
    """Step 1 (see the header); per set then pooled: hits / limits (rate) per variant and window, the chance
    rate, the motion rate on the same limits, and the gate's variant split by the limit's kind."""
    total: dict = {}
    for name in names:
        hits: dict = {}
        for (clip, motion), app in zip(load(name), load_appearance(name), strict=True):
            truth = [t for t in _limits(clip.steps) if _motion_hit(motion, t) is not None]
            embs = {v[0]: _embedding(app, motion, v[1], v[2]) for v in VARIANTS}
            for t in truth:
                kind = _kind(t, clip.steps)
                hits.setdefault(("mouvement", 0, "all"), []).append(bool(_motion_hit(motion, t)))
                hits.setdefault(("mouvement", 0, kind), []).append(bool(_motion_hit(motion, t)))
                for vname, _region, _every, q in VARIANTS:
                    times, e = embs[vname]
                    at = np.flatnonzero(np.abs(times - t) <= RADIUS + 1e-9)
                    hits.setdefault(("hasard", vname, "all"), []).append(
                        float(np.mean(np.abs(times[at] - t) <= TOL + 1e-9)))
                    jitter = (float(np.percentile((np.diff(e, axis=0) ** 2).sum(axis=1), q)) / 2 if q > 0 else 0.0)
                    for w in WINDOWS:
                        c = contrast(times, e, at, w, jitter)
                        hit = bool(abs(times[at[int(np.argmax(c))]] - t) <= TOL + 1e-9)
                        hits.setdefault((vname, w, "all"), []).append(hit)
                        if vname == "champ":
                            hits.setdefault((vname, w, kind), []).append(hit)
        for k, v in hits.items():
            total.setdefault(k, []).extend(v)
        _print(name, hits)
    _print("ensemble", total)
    chance = float(np.mean(total[("hasard", "champ", "all")]))
    gate = {w: total[("champ", w, "all")] for w in WINDOWS}
    best = max(WINDOWS, key=lambda w: (np.mean(gate[w]), -w))
    rate = float(np.mean(gate[best]))
    print(f"p unilatéral (binomiale, hasard {chance:.2f}) : " + ", ".join(
        f"champ/{w:g} {_binomial_p(int(sum(gate[w])), len(gate[w]), chance):.3f}" for w in WINDOWS)
        + f", mouvement {_binomial_p(int(sum(total[('mouvement', 0, 'all')])), len(gate[best]), chance):.3f}")
    print(f"règle : champ à 10/3 par seconde, meilleure fenêtre {best:g} s : {rate:.3f} "
          f"{'>=' if rate >= GATE else '<'} {GATE} : {'étape 2' if rate >= GATE else 'arrêt après l’étape 1'}")


def _print(name: str, hits: dict) -> None:
    def fmt(key):
        v = hits.get(key, [])
        return f"{int(sum(v))}/{len(v)} ({np.mean(v) if v else 0:.2f})"

    ch = ", ".join(f"{v[0]} {np.mean(hits[('hasard', v[0], 'all')]):.2f}" for v in VARIANTS
                   if ("hasard", v[0], "all") in hits)
    kinds = " ; ".join(f"{kd} : mouvement {fmt(('mouvement', 0, kd))}, " + ", ".join(
        f"champ/{w:g} {fmt(('champ', w, kd))}" for w in WINDOWS) for kd in ("touching", "rest"))
    print(f"{name:<8} mouvement {fmt(('mouvement', 0, 'all'))} ; hasard {ch}")
    for vname, *_rest in VARIANTS:
        print(f"{'':<8} {vname:<12} " + " ; ".join(f"{w:g} s {fmt((vname, w, 'all'))}" for w in WINDOWS))
    print(f"{'':<8} par sorte de limite : {kinds}", flush=True)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `make bench` runs every bench without arguments
        print("banc d'expérience sur le cache du mouvement, rien mesuré sans arguments : "
              "python -m tests.benchmarks.bench_appearance_timing cache|why … (voir son en-tête)")
        return
    names = argv[1].split(",") if len(argv) > 1 else list(TUNING)
    if argv[0] == "cache":
        build_cache(names)
    elif argv[0] == "why":
        if any(n in HELD_OUT for n in names):
            raise SystemExit("why : ensembles de réglage seulement (dev, long)")
        why(names)
    else:
        raise SystemExit("cache [ENSEMBLES] | why [ENSEMBLES]")


if __name__ == "__main__":
    main()
