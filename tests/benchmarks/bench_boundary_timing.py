"""Boundary timing (session 38): would moving each step limit to where the work really changes catch the
true transitions the steps miss by 1-3 s? Motion only, from the motion cache (not part of the test suite).

    python -m tests.benchmarks.motion_cache real                    # var/motion-cache/real.pkl
    python -m tests.benchmarks.bench_silent_penalty groups          # var/motion-cache/group_*.pkl
    python -m tests.benchmarks.bench_boundary_timing scan           # tuning sets only: dev, long
    python -m tests.benchmarks.bench_boundary_timing read SNAP MODE RADIUS WINDOW CRITERION   # held out, once
    python -m tests.benchmarks.bench_boundary_timing why dev,long     # oracle timing, where the criteria peak

Candidates (``SegmentSettings``: ``snap_boundaries``, ``refine_mode``, ``refine_radius``, ``refine_window``,
``refine_criterion``; ``kernel_cpd.refine_boundaries``): after the steps are final (CPD, burst and pause
snapping, short steps merged, short gaps closed), each limit moves within the radius: a limit between two
touching steps to the largest two-sided contrast of the change features (their means, with ``meanvar`` their
spreads too, over the window before and after, at the analysis' frame rate, within the two steps), a start
after a rest to the activity onset, an end before a rest to the offset (largest rise / fall of the mean
activity over the window). ``current``: the default segmenter; ``nosnap``: the same without the burst and
pause snapping.

Per set: per-clip means of transition F1 (±1 s), F1@50 and coverage (predicted / true steps), and the true
transitions missed, by kind and outcome (``metrics.transition_misses``: shift = a limit 1-3 s off, extent = a
rest of the wrong width, count = nothing there).

Rule written and committed before any number was read (pre-registered):
- grid: snapping on / off x mode {touching, edges, both} x radius {1, 2, 3} s x window {1, 2} s x criterion
  {mean, meanvar} (meanvar only where touching limits move: modes touching and both), plus ``current`` and
  ``nosnap``; chosen on the tuning sets only, the real set's ``dev`` half and the ``long`` group;
- choice: the highest mean over the two tuning sets of their per-clip mean transition F1, among the
  candidates where neither tuning set loses more than 0.01 in F1@50 or in coverage against ``current``; ties
  (within 0.005) go to snapping on, then the smaller radius, then ``mean``, then the smaller window;
- then the held-out sets (the ``take`` group, the real ``report`` half, the ``fresh`` group) are read ONCE with
  the chosen candidate against ``current`` (if ``current`` itself is chosen, with the best other candidate,
  for the record only: it is then not adopted);
- adoption (default in ``SegmentSettings``) only if, on the held-out clips pooled (per-clip mean over the
  union of the three sets), transition F1 gains at least 0.02, no held-out set loses more than 0.01 in
  transition F1 or in F1@50, and coverage stays at least 0.95 on each held-out set. Otherwise the settings stay
  off by default, documented (docs/ARCHITECTURE.md, Segmentation).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace

import numpy as np

from media_pipeline.evaluation.metrics import score, transition_misses
from media_pipeline.segmentation import SegmentSettings, kernel_cpd, segment_steps
from tests.benchmarks.bench_silent_penalty import load as load_cached

TUNING = ("dev", "long")
HELD_OUT = ("take", "report", "fresh")
TOL = 1.0


def load(name: str) -> list[tuple]:
    if name not in (*TUNING, *HELD_OUT):
        raise SystemExit(f"ensemble inconnu : {name}")
    return load_cached(name)


def candidates() -> list[tuple]:
    """(snap, mode, radius, window, criterion); radius 0: no refinement."""
    out = [(True, "both", 0.0, 1.5, "mean"), (False, "both", 0.0, 1.5, "mean")]
    for snap in (True, False):
        for mode in ("touching", "edges", "both"):
            for radius in (1.0, 2.0, 3.0):
                for window in (1.0, 2.0):
                    for crit in (("mean",) if mode == "edges" else ("mean", "meanvar")):
                        out.append((snap, mode, radius, window, crit))
    return out


def label(c: tuple) -> str:
    snap, mode, radius, window, crit = c
    if radius == 0:
        return "current" if snap else "nosnap"
    return f"{'snap' if snap else 'nosnap'}/{mode}/r{radius:g}/w{window:g}/{crit}"


def settings_of(c: tuple) -> SegmentSettings:
    snap, mode, radius, window, crit = c
    return replace(SegmentSettings(use_speech=False), snap_boundaries=snap, refine_mode=mode,
                   refine_radius=radius, refine_window=window, refine_criterion=crit)


def row(steps: list[tuple[float, float]], clip) -> tuple[tuple[float, float, float, int], Counter]:
    s = score(steps, clip.steps, clip.duration, TOL)
    misses = Counter((m.kind, m.outcome) for m in transition_misses(steps, clip.steps, clip.duration, TOL)
                     if m.outcome != "matched")
    return (s.transition.f1, s.f1_50, s.coverage, s.n_pred), misses


def summary(rows: list[tuple], misses: Counter) -> dict:
    a = np.array([r for r in rows], float).reshape(-1, 4)
    return {"clips": len(a), "f1": float(a[:, 0].mean()) if len(a) else 0.0,
            "f1_50": float(a[:, 1].mean()) if len(a) else 0.0, "coverage": float(a[:, 2].mean()) if len(a) else 0.0,
            "steps": int(a[:, 3].sum()), "misses": misses, "rows": rows}


def fmt(name: str, r: dict, n_true: int) -> str:
    miss = ", ".join(f"{k}/{o} {v}" for (k, o), v in sorted(r["misses"].items()))
    return (f"{name:<7} ({r['clips']:2d} clips) {r['f1']:.3f}/{r['f1_50']:.3f}/{r['coverage']:.3f} "
            f"({r['steps']}/{n_true}) manquées {sum(r['misses'].values()):3d} : {miss}")


def _base_runs(pairs: list[tuple], snap: bool) -> list[tuple]:
    """Per clip, what ``refine_boundaries`` is handed (the final spans before refinement and the rest), by
    running the segmenter with a refinement that records its arguments and moves nothing."""
    captured: list = []
    real = kernel_cpd.refine_boundaries

    def record(spans, x, act, fps, settings, min_len):
        captured.append((list(spans), x, act, fps, min_len))
        return spans

    out = []
    kernel_cpd.refine_boundaries = record
    try:
        for clip, motion in pairs:
            captured.clear()
            steps = segment_steps(motion, None, replace(SegmentSettings(use_speech=False), snap_boundaries=snap,
                                                        refine_radius=1.0))
            out.append((clip, motion, [(p.start, p.end) for p in steps], captured[0] if captured else None))
    finally:
        kernel_cpd.refine_boundaries = real
    return out


def _times(spans, fps: float, motion) -> list[tuple[float, float]]:
    return [(round(float(s / fps), 2), round(float(min(e / fps, motion.duration or e / fps)), 2))
            for s, e, *_ in spans]


def evaluate_fast(base: list[tuple], c: tuple) -> dict:
    """Scores of one candidate from the recorded runs (the refinement is a post-processing)."""
    settings = settings_of(c)
    rows, misses = [], Counter()
    for clip, motion, steps, cap in base:
        if c[2] > 0 and cap is not None:
            spans, x, act, fps, min_len = cap
            steps = _times(kernel_cpd.refine_boundaries(spans, x, act, fps, settings, min_len), fps, motion)
        r, m = row(steps, clip)
        rows.append(r)
        misses += m
    return summary(rows, misses)


def evaluate_full(pairs: list[tuple], c: tuple) -> dict:
    """Scores of one candidate with the segmenter itself (the held-out read)."""
    rows, misses = [], Counter()
    for clip, motion in pairs:
        steps = [(p.start, p.end) for p in segment_steps(motion, None, settings_of(c))]
        r, m = row(steps, clip)
        rows.append(r)
        misses += m
    return summary(rows, misses)


def scan(names: list[str]) -> None:
    sets = {n: load(n) for n in names}
    n_true = {n: int(sum(len(c.steps) for c, _m in p)) for n, p in sets.items()}
    base = {(snap, n): _base_runs(p, snap) for snap in (True, False) for n, p in sets.items()}
    # the shortcut must give what the segmenter gives
    probe = (True, "both", 2.0, 1.0, "meanvar")
    for n, p in sets.items():
        full, fast = evaluate_full(p[:4], probe), evaluate_fast(base[(True, n)][:4], probe)
        assert np.allclose(np.array(full["rows"]), np.array(fast["rows"])), (n, full["rows"], fast["rows"])
    table = []
    for c in candidates():
        res = {n: evaluate_fast(base[(c[0], n)], c) for n in names}
        for n in names:
            print(f"{label(c):<32} {fmt(n, res[n], n_true[n])}", flush=True)
        mean = float(np.mean([res[n]["f1"] for n in names]))
        print(f"{label(c):<32} moyenne F1 {mean:.3f}", flush=True)
        table.append((c, mean, res))
    cur = table[0][2]
    ok = [t for t in table if all(t[2][n]["f1_50"] >= cur[n]["f1_50"] - 0.01 - 1e-9 and
                                  t[2][n]["coverage"] >= cur[n]["coverage"] - 0.01 - 1e-9 for n in names)]
    top = max(t[1] for t in ok)
    best = min((t for t in ok if t[1] >= top - 0.005 - 1e-9),
               key=lambda t: (not t[0][0], t[0][2], t[0][4] != "mean", t[0][3]))
    print(f"choix (règle de l'en-tête) : {label(best[0])} (moyenne F1 {best[1]:.3f}, current {table[0][1]:.3f})")
    if best[0][2] == 0:
        other = max((t for t in ok if t[0][2] > 0), key=lambda t: t[1], default=None)
        if other:
            print(f"current choisi : la lecture se fera avec le meilleur autre, {label(other[0])} ({other[1]:.3f})")


def read(c: tuple, names: list[str]) -> None:
    print(f"candidat : {label(c)}")
    pooled = {"current": [], "candidate": []}
    for n in names:
        pairs = load(n)
        n_true = int(sum(len(cl.steps) for cl, _m in pairs))
        for key, cand in (("current", candidates()[0]), ("candidate", c)):
            r = evaluate_full(pairs, cand)
            pooled[key] += r["rows"]
            print(f"{key:<10} {fmt(n, r, n_true)}", flush=True)
    for key, rows in pooled.items():
        a = np.array(rows, float)
        print(f"{key:<10} ensemble ({len(a)} clips) {a[:, 0].mean():.3f}/{a[:, 1].mean():.3f}/{a[:, 2].mean():.3f}")


def _limits(steps: list[tuple[float, float]]) -> list[float]:
    return sorted({t for s, e in steps for t in (s, e)})


def why(names: list[str]) -> None:
    """Diagnostics on the tuning sets (after the rule's choice): (1) an oracle that moves every predicted limit
    onto the nearest true limit within 3 s (steps kept in order): the most boundary timing alone could give;
    (2) for each true limit inside the footage, whether the refinement's own criteria, computed within 3 s of
    it, peak within 1 s of it: the largest two-sided contrast of the change features (window 1 s) and the
    largest rise or fall of the activity (the onset / offset)."""
    for name in names:
        rows_cur, rows_or = [], []
        near_c = near_a = total = 0
        for clip, motion in load(name):
            st = SegmentSettings(use_speech=False)
            steps = [(p.start, p.end) for p in segment_steps(motion, None, st)]
            truth = _limits(clip.steps)
            moved = [(min(truth, key=lambda t, s=s: abs(t - s)) if truth and min(abs(t - s) for t in truth) <= 3.0
                      else s, min(truth, key=lambda t, e=e: abs(t - e)) if truth and
                      min(abs(t - e) for t in truth) <= 3.0 else e) for s, e in steps]
            moved = [(s, e) for s, e in moved if e > s]
            rows_cur.append(row(steps, clip)[0])
            rows_or.append(row(moved, clip)[0])
            if not steps:
                continue
            fps = motion.fps
            act = kernel_cpd.activity_level(motion)
            x = kernel_cpd.feature_matrix(motion, st.hand_weight, st.grasp_weight)
            n, r, w = len(act), int(round(3 * fps)), int(round(fps))
            for t in truth:
                i = int(round(t * fps))
                if i < r or i > n - r - 1:
                    continue
                idx = np.arange(i - r, i + r + 1)
                c = np.linalg.norm(kernel_cpd._two_sided(x, 0, n, idx, w, False), axis=1)
                a = np.abs(kernel_cpd._two_sided(act.reshape(-1, 1), 0, n, idx, w, False)[:, 0])
                total += 1
                near_c += abs(int(idx[int(np.argmax(c))]) - i) <= fps
                near_a += abs(int(idx[int(np.argmax(a))]) - i) <= fps
        cur, orc = np.array(rows_cur, float), np.array(rows_or, float)
        print(f"{name:<6} actuel {cur[:, 0].mean():.3f}/{cur[:, 1].mean():.3f}/{cur[:, 2].mean():.3f}, "
              f"oracle des limites (vraie limite la plus proche à 3 s) {orc[:, 0].mean():.3f}/{orc[:, 1].mean():.3f}/"
              f"{orc[:, 2].mean():.3f} ; vraies limites ({total}) où le critère culmine à 1 s près dans ±3 s : "
              f"contraste des traits {near_c} ({near_c / max(total, 1):.2f}), montée/descente de l'activité {near_a} "
              f"({near_a / max(total, 1):.2f}) ; au hasard ≈ {2 * fps / (2 * r + 1) if total else 0:.2f}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `make bench` runs every bench without arguments
        print("banc d'expérience sur le cache du mouvement, rien mesuré sans arguments : "
              "python -m tests.benchmarks.bench_boundary_timing scan|read … (voir son en-tête)")
        return
    if argv[0] == "scan":
        scan(argv[1].split(",") if len(argv) > 1 else list(TUNING))
    elif argv[0] == "read" and len(argv) >= 6:
        c = (argv[1] in ("snap", "1", "true", "True"), argv[2], float(argv[3]), float(argv[4]), argv[5])
        read(c, argv[6].split(",") if len(argv) > 6 else list(HELD_OUT))
    elif argv[0] == "why":
        why(argv[1].split(",") if len(argv) > 1 else list(TUNING))
    else:
        raise SystemExit("scan [ENSEMBLES] | read snap|nosnap MODE RADIUS WINDOW CRITERION [ENSEMBLES] "
                         "| why [ENSEMBLES]")


if __name__ == "__main__":
    main()
