"""Rests of the wrong extent (session 39): where does a predicted rest's edge sit against the true one? The long
group's answer: on a frozen picture. Motion only, from the motion cache (not part of the test suite).

    python -m tests.benchmarks.bench_rest_edges39 why [SETS]      # error analysis, tuning sets only
    python -m tests.benchmarks.bench_rest_edges39 scan            # the grid on the tuning sets only
    python -m tests.benchmarks.bench_rest_edges39 read LEVEL MIN  # held out, ONCE

``why`` (tuning sets only: ``synth_tune``, ``ego_tune``, the real ``dev`` half, the ``long`` group), default
segmenter, motion only: the true transitions matched at ±1 s or missed by kind and outcome
(``metrics.transition_misses``); then every edge of a true rest, lead-in or tail (a rest's start is the end of
the step before it, its end the start of the step after) that has a predicted limit of the same side within 3 s:
the signed offset (predicted minus true, turned so that < 0 = the predicted rest too wide there, > 0 too narrow),
the clip's activity (``kernel_cpd.activity_level``, 0 at its floor, 1 at floor + contrast: the unit of
``rest_level``) at the true edge and at the predicted one, which stage put the predicted edge there (``mask``:
within 2 frames of an edge of ``rest_mask``; ``later``: the step rules after it), and ``would reach``: of the edges
more than 1 s off, how many a move to the first crossing of activity level L (outward or inward from the predicted
edge) would bring within 1 s of the truth (a rest-edge threshold). Last, the frozen picture: the share of frames
whose whole-frame peak motion (``energy_peak``) is under 0.03 in runs of 0.5 s or more, and how many predicted rest
edges lie on one (within 2 frames of a frozen run's edge).

Found on the tuning sets before this rule (``why dev,long``; session 39): no activity level brings any off rest edge
within 1 s (0 of 4 too narrow on the dev half; on the long group 0 of 15 too wide, 6 of 11 too narrow only at L 0.8,
which moves none of its 12 good edges off); the long group's predicted rests are 1.6-1.9-s runs at activity
0.02-0.05 that are the source holding one picture (``energy_peak`` 0-0.02 against 1-8 at work; 31 % of its frames,
70 runs, median 1.9 s, in all 6 clips; none on the dev half; 56 of its 64 predicted rest edges sit on a frozen
run's edge): the truth has touching steps across them. A frozen picture says nothing of the hands.

The change (``SegmentSettings.freeze_level``, ``freeze_min``; ``kernel_cpd.fill_frozen``): a run of at least
``freeze_min`` seconds inside the footage where ``energy_peak`` stays under ``freeze_level`` has every motion
feature read from its neighbours (linear between the frames on either side) before the rests and change points are
found; 0 (off) by default.

Rule written and committed before the scan was run and before any held-out number was read (pre-registered):
- grid: ``current`` (freeze_level 0) and freeze_level {0.02, 0.05, 0.1} x freeze_min {0.5, 1.0} s; motion only
  (``use_speech`` False), per-clip means of transition F1 (±1 s), F1@10, F1@50, coverage;
- chosen on the tuning sets only (``synth_tune``, ``ego_tune``, ``dev``, ``long``): the highest mean of the four
  sets' transition F1 among the candidates where no tuning set loses more than 0.01 of F1@50 or of coverage against
  ``current``; ties (within 0.005) go to ``current``, then to the lower level, then the longer minimum;
- then ONE read of the held-out sets (``synth_held``, ``ego_held``, the real ``report`` half, the ``fresh`` group,
  the ``take`` group) with the chosen candidate against ``current``; if ``current`` is chosen, the best eligible
  other candidate is read once for the record and nothing is adopted;
- adoption (the default in ``SegmentSettings``) only if the mean over the five held-out sets of their transition
  F1 gain (each set's per-clip mean) is at least 0.02, no held-out set loses more than 0.02 of transition F1 or of
  F1@50, and coverage stays at least 0.95 on each real held-out set (``report``, ``fresh``, ``take``). Otherwise
  freeze_level stays 0 (off), documented in docs/ARCHITECTURE.md, Segmentation.

Outcome (after the rule's commit): ``scan`` left every candidate out of the rule (the long group loses 0.017-0.111 of
F1@50: with its frozen runs read from their neighbours it gets 23-32 steps for 53 true, against 43: the freezes
were doing its splitting), synth_tune, ego_tune and the dev half unchanged (ego_tune -0.006 at 0.1 / 0.5 s):
``current`` chosen, no eligible candidate to read, **not adopted**, freeze_level stays 0. After the decision, for
information only, the highest tuning mean (freeze 0.02 / 1 s, 0.617 against 0.613, out by F1@50) was read once on
the held-out sets: every one identical to ``current`` (none of them has a frozen frame; docs/ARCHITECTURE.md,
Segmentation).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace

import numpy as np

from media_pipeline.evaluation.metrics import score, transition_misses
from media_pipeline.segmentation import SegmentSettings, segment_steps
from media_pipeline.segmentation.kernel_cpd import _runs, activity_level, rest_mask
from tests.benchmarks.bench_silent_penalty import load

TUNING = ("synth_tune", "ego_tune", "dev", "long")
HELD_OUT = ("synth_held", "ego_held", "report", "fresh", "take")
REAL_HELD = ("report", "fresh", "take")
KINDS = ("first", "touching", "rest", "last")
OUTCOMES = ("matched", "shift", "extent", "count")
LEVELS = (0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8)


def candidates() -> list[tuple[float, float]]:
    """(freeze_level, freeze_min); (0, 0.5) is ``current``."""
    return [(0.0, 0.5)] + [(lv, mn) for lv in (0.02, 0.05, 0.1) for mn in (0.5, 1.0)]


def label(c: tuple[float, float]) -> str:
    return "current" if c[0] == 0 else f"freeze {c[0]:g} / {c[1]:g} s"


def settings_of(c: tuple[float, float]) -> SegmentSettings:
    return replace(SegmentSettings(use_speech=False), freeze_level=c[0], freeze_min=c[1])


def predict(motion, settings: SegmentSettings) -> list[tuple[float, float]]:
    return [(p.start, p.end) for p in segment_steps(motion, None, settings)]


def evaluate(pairs: list[tuple], settings: SegmentSettings) -> dict:
    rows, missed = [], 0
    for clip, motion in pairs:
        pred = predict(motion, settings)
        s = score(pred, clip.steps, clip.duration)
        rows.append((s.transition.f1, s.f1_10, s.f1_50, s.coverage, s.n_pred, s.n_true))
        missed += sum(m.outcome != "matched" for m in transition_misses(pred, clip.steps, clip.duration))
    a = np.array(rows, float).reshape(-1, 6)
    mean = a[:, :4].mean(axis=0) if len(a) else np.zeros(4)
    return {"clips": len(a), "f1": float(mean[0]), "f1_10": float(mean[1]), "f1_50": float(mean[2]),
            "coverage": float(mean[3]), "steps": int(a[:, 4].sum()), "true": int(a[:, 5].sum()), "missed": missed}


def fmt(r: dict) -> str:
    return (f"{r['f1']:.3f} / {r['f1_10']:.3f} / {r['f1_50']:.3f} / {r['coverage']:.3f} "
            f"({r['steps']}/{r['true']}, {r['missed']} manquées)")


def _first_crossing(lvl: np.ndarray, i: int, level: float, inward: int, limit: int) -> int:
    """From edge frame i, the first frame where the activity crosses ``level``: outward (against ``inward``) while
    it stays under it, inward while it stays over it."""
    n = len(lvl)
    j = i
    if lvl[min(max(i, 0), n - 1)] <= level:
        while 0 < j < n - 1 and abs(j - i) < limit and lvl[j - inward] <= level:
            j -= inward
    else:
        while 0 < j < n - 1 and abs(j - i) < limit and lvl[j] > level:
            j += inward
    return j


def why(names: list[str]) -> None:
    settings = SegmentSettings(use_speech=False)
    for name in names:
        if name not in TUNING:
            raise SystemExit(f"why lit les ensembles de réglage seulement : {', '.join(TUNING)}")
        table, edges, frozen, frames, on_freeze, pred_edges = Counter(), [], 0, 0, 0, 0
        pairs = load(name)
        for clip, motion in pairs:
            pred = sorted(predict(motion, settings))
            for m in transition_misses(pred, clip.steps, clip.duration):
                table[(m.kind, m.outcome)] += 1
            fps, n = motion.fps, len(motion.times)
            runs = [(a, b) for a, b in _runs(np.asarray(motion.features["energy_peak"], float) < 0.03)
                    if b - a >= int(round(0.5 * fps))]
            frozen, frames = frozen + sum(b - a for a, b in runs), frames + n
            run_edges = np.array([i for a, b in runs for i in (a, b)] or [-10**6])
            for (_s0, e0), (s1, _e1) in zip(pred, pred[1:], strict=False):
                if s1 - e0 > 0:
                    pred_edges += 2
                    on_freeze += sum(int(np.min(np.abs(run_edges - t * fps)) <= 2) for t in (e0, s1))
            if not pred:
                continue
            duration = float(motion.duration or n / fps)
            act = activity_level(motion)
            floor, top = np.percentile(act, 8), np.percentile(act, 92)
            contrast = max(top - floor, 1e-6)
            lvl = (act - floor) / contrast
            mask_edges = np.array([i for a, b in _runs(rest_mask(motion, act, settings, None, duration) > 0)
                                   for i in (a, b) if 0 < i < n] or [-10**6])
            truth = sorted(clip.steps)
            # True rest edges: (time, inward direction of the rest: +1 = the rest lies after it, -1 before it).
            true_edges = [(truth[0][0], -1)] + [(e, +1) for _s, e in truth[:-1]] + \
                [(s, -1) for s, _e in truth[1:]] + [(truth[-1][1], +1)]
            gaps = {(e0, s1) for (_a, e0), (s1, _b) in zip(truth, truth[1:], strict=False)}
            pred_bounds = np.array([t for s, e in pred for t in (s, e)])
            for t, inward in true_edges:
                if t <= 0.5 or t >= clip.duration - 0.5:
                    continue
                if inward == +1 and not any(abs(g[0] - t) < 1e-6 and g[1] - g[0] >= 0.5 for g in gaps) \
                        and t != truth[-1][1]:
                    continue  # touching steps: no rest there
                if inward == -1 and not any(abs(g[1] - t) < 1e-6 and g[1] - g[0] >= 0.5 for g in gaps) \
                        and t != truth[0][0]:
                    continue
                # The nearest predicted limit of the same side: a step's end bounds a rest after it, a start one before.
                side = pred_bounds[1::2] if inward == +1 else pred_bounds[0::2]
                p = float(side[int(np.argmin(np.abs(side - t)))])
                if abs(p - t) > 3.0:
                    continue
                fi, fp = min(n - 1, int(round(t * fps))), min(n - 1, int(round(p * fps)))
                off = (p - t) * inward  # > 0: the predicted rest lies inside the true one there (too narrow)
                reach = {L: abs(_first_crossing(lvl, fp, L, inward, int(3 * fps)) / fps - t) <= 1.0 for L in LEVELS}
                edges.append({"off": off, "lt": float(lvl[fi]), "lp": float(lvl[fp]),
                              "src": "mask" if np.min(np.abs(mask_edges - fp)) <= 2 else "later", "reach": reach})
        r = evaluate(pairs, settings)
        print(f"== {name} ({r['clips']} clips) : {fmt(r)}")
        print(f"  {'':9s}" + "".join(f"{o:>9s}" for o in OUTCOMES))
        for kind in KINDS:
            print(f"  {kind:9s}" + "".join(f"{table[(kind, o)]:9d}" for o in OUTCOMES))
        print(f"  image figée (energy_peak < 0,03 sur 0,5 s ou plus) : {frozen / max(frames, 1):.3f} des images ; "
              f"bords de repos prédits (entre deux étapes) sur un bord d'image figée : {on_freeze}/{pred_edges}")
        print(f"  bords de repos vrais avec une limite prédite à 3 s : {len(edges)}")
        for cls, sel in (("à 1 s", lambda d: abs(d["off"]) <= 1.0), ("trop large > 1 s", lambda d: d["off"] < -1.0),
                         ("trop étroit > 1 s", lambda d: d["off"] > 1.0)):
            sub = [d for d in edges if sel(d)]
            if not sub:
                print(f"    {cls:18s}   0")
                continue
            src, lt = Counter(d["src"] for d in sub), [d["lt"] for d in sub]
            print(f"    {cls:18s} {len(sub):3d}  activité au bord vrai médiane {np.median(lt):+.2f} "
                  f"(q25 {np.percentile(lt, 25):+.2f}, q75 {np.percentile(lt, 75):+.2f}), au bord prédit "
                  f"{np.median([d['lp'] for d in sub]):+.2f} ; posé par le masque {src['mask']}, après {src['later']}")
            if cls != "à 1 s":
                print("      atteint en allant au niveau L : " + ", ".join(
                    f"{L:g} {sum(d['reach'][L] for d in sub)}" for L in LEVELS))
        good = [d for d in edges if abs(d["off"]) <= 1.0]
        if good:
            print("      (bords déjà à 1 s qui le resteraient : " + ", ".join(
                f"{L:g} {sum(d['reach'][L] for d in good)}" for L in LEVELS) + ")")


def scan() -> tuple[float, float]:
    sets = {n: load(n) for n in TUNING}
    results = {}
    for c in candidates():
        results[c] = {n: evaluate(p, settings_of(c)) for n, p in sets.items()}
        print(f"{label(c):<22}" + "".join(f" | {n} {fmt(results[c][n])}" for n in TUNING), flush=True)
    base = results[candidates()[0]]
    print(f"{'candidat':<22} | moyenne F1 de transition des ensembles de réglage")
    eligible = []
    for c, res in results.items():
        mean = float(np.mean([res[n]["f1"] for n in TUNING]))
        ok = all(res[n]["f1_50"] >= base[n]["f1_50"] - 0.01 - 1e-9 and
                 res[n]["coverage"] >= base[n]["coverage"] - 0.01 - 1e-9 for n in TUNING)
        print(f"{label(c):<22} | {mean:.3f}" + ("" if ok else "  (hors règle)"), flush=True)
        if ok:
            eligible.append((mean, c))
    best = max(m for m, _c in eligible)
    tied = [c for m, c in eligible if m >= best - 0.005]
    chosen = sorted(tied, key=lambda c: (c[0] != 0, c[0], -c[1]))[0]
    print(f"choisi : {label(chosen)}")
    if chosen[0] == 0:
        others = [(m, c) for m, c in eligible if c[0] != 0]
        if others:
            record = sorted(others, key=lambda mc: (-mc[0], mc[1][0], -mc[1][1]))[0][1]
            print(f"lu une fois pour mémoire (non adoptable) : {label(record)}")
    return chosen


def read(c: tuple[float, float]) -> None:
    if c[0] == 0:
        raise SystemExit("lecture avec un candidat (freeze_level > 0) contre current")
    rows = {}
    for name in HELD_OUT:
        pairs = load(name)
        rows[name] = (evaluate(pairs, settings_of((0.0, 0.5))), evaluate(pairs, settings_of(c)))
        print(f"{name:<10} current {fmt(rows[name][0])}  |  {label(c)} {fmt(rows[name][1])}", flush=True)
    gain = float(np.mean([rows[n][1]["f1"] - rows[n][0]["f1"] for n in HELD_OUT]))
    losses = [f"{n} {k} {rows[n][1][k] - rows[n][0][k]:+.3f}" for n in HELD_OUT for k in ("f1", "f1_50")
              if rows[n][1][k] < rows[n][0][k] - 0.02 - 1e-9]
    cover = [n for n in REAL_HELD if rows[n][1]["coverage"] < 0.95]
    adopt = gain >= 0.02 - 1e-9 and not losses and not cover
    print(f"gain moyen tenu à part : {gain:+.3f} F1 de transition ; pertes > 0,02 : {', '.join(losses) or 'aucune'} ; "
          f"couverture réelle sous 0,95 : {', '.join(cover) or 'aucune'} -> {'ADOPTÉ' if adopt else 'non adopté'}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `make bench` runs every bench without arguments: an experiment on the cache says how to run it
        print("banc d'expérience sur le cache du mouvement, rien mesuré sans arguments : "
              "python -m tests.benchmarks.bench_rest_edges39 why|scan|read LEVEL MIN (voir son en-tête)")
        return
    if argv[0] == "why":
        why((argv[1] if len(argv) > 1 else ",".join(TUNING)).split(","))
    elif argv[0] == "scan":
        scan()
    elif argv[0] == "read" and len(argv) == 3:
        read((float(argv[1]), float(argv[2])))
    else:
        raise SystemExit("usage : bench_rest_edges39 why [ENSEMBLES] | scan | read LEVEL MIN")


if __name__ == "__main__":
    main()
