"""Appearance cue experiment (branch seg24): what is being worked on, as a change-point veto or booster.

    python -m tests.benchmarks.bench_appearance [--final] [--only real] [--fps 2] [--pass-only | --sep] \
        veto=V | boost=B | veto=V,region=field,win=2 ...

Reads the motion cache (``tests/benchmarks/motion_cache.py``) and adds to each clip's motion the
``appearance_change`` column of ``media_pipeline.appearance`` (EfficientNet-Lite0's embedding, 3x3 cells,
sampled at ``--fps``; the pass over each clip is cached: ``var/motion-cache/appearance-NAME-FPS.pkl``).
``region``: ``frame`` (whole frame, default), ``field`` (lower two rows of cells), ``hand`` (cells round the
hand-colour position of the motion's ``hand_x``/``hand_y``); ``win``: seconds before/after (1.5); ``norm``:
``rel`` (in units of the clip's spread, default) or ``abs`` (plain distance, 0-2; measured best:
``veto=0.40,norm=abs,region=field``).
Tuning sets: synthetic 1-30 (640x360), egocam 1-50, the real dev half's working clips; ``--final`` adds the
held-out sets (read once). Per-clip means of transition F1 ±1 s / F1@10 / F1@50 / coverage,
(predicted / true steps), as ``bench_grasp``; then, per set, the appearance change at the base segmenter's
inner boundaries that are right (a true transition within 1 s) and false (median, count, AUC).
"""

from __future__ import annotations

import pickle
import sys
import time
from dataclasses import replace

import numpy as np

from media_pipeline.appearance import AppearanceSeries, appearance_change, appearance_series, hand_cell_weights
from media_pipeline.segmentation import SegmentSettings, segment_steps
from tests.benchmarks.bench_learned import CACHE, source_items
from tests.benchmarks.bench_rhythm import run

FILES = {
    "synth": "synth_tune",
    "ego": "ego_tune",
    "real": "real",
    "synth_held": "synth_held",
    "ego_held": "ego_held",
    "real_report": "real",
}


def series_of(name: str, items, fps: float) -> dict[str, AppearanceSeries | None]:
    """The appearance pass of each item (cached per source file)."""
    path = CACHE / f"appearance-{FILES[name]}-{fps:g}.pkl"
    cache = pickle.loads(path.read_bytes()) if path.exists() else {}
    t0, todo = time.time(), [it for it in items if str(it.key) not in cache]
    for j, it in enumerate(todo):
        s = appearance_series(it.clip.path, fps=fps)
        cache[str(it.key)] = None if s is None else (s.times, s.cells)
        if j % 5 == 4 or j == len(todo) - 1:  # a long pass survives an interruption
            path.write_bytes(pickle.dumps(cache))
            print(f"# appearance pass {name}: {j + 1}/{len(todo)} clips, {time.time() - t0:.0f} s", flush=True)
    return {str(it.key): None if cache[str(it.key)] is None else AppearanceSeries(*cache[str(it.key)]) for it in items}


def change_column(it, s: AppearanceSeries, region: str, win: float, rel: bool = True) -> np.ndarray:
    """Per-frame appearance change of ``region`` (sample changes interpolated to the motion's frames)."""
    frame_times = np.arange(len(it.motion.times)) / it.motion.fps
    if region == "frame":
        emb = s.region()
    elif region == "field":
        emb = s.region(np.repeat((np.arange(3) >= 1).astype(np.float32), 3))
    elif region == "hand":
        f = it.motion.features
        hx = np.interp(s.times, frame_times, np.asarray(f["hand_x"], float))
        hy = np.interp(s.times, frame_times, np.asarray(f["hand_y"], float))
        emb = s.region(hand_cell_weights(hx, hy))
    else:
        raise ValueError(region)
    return np.interp(frame_times, s.times, appearance_change(s.times, emb, win, relative=rel))


def set_column(sets, series, region: str, win: float, memo: dict, rel: bool = True) -> None:
    for n, items in sets.items():
        for it in items:
            key = (n, str(it.key), region, win, rel)
            if key not in memo:
                s = series[n][str(it.key)]
                memo[key] = None if s is None or len(s.times) < 3 else change_column(it, s, region, win, rel)
            if memo[key] is None:
                it.motion.features.pop("appearance_change", None)
            else:
                it.motion.features["appearance_change"] = memo[key]


def auc(pos: list[float], neg: list[float]) -> float:
    if not pos or not neg:
        return float("nan")
    p, q = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float(((p > q).sum() + 0.5 * (p == q).sum()) / (p.size * q.size))


def separation(items, settings, max_duration: float = 45.0) -> tuple[list[float], list[float]]:
    """Largest appearance change within 1 s of each inner predicted boundary (between two adjacent
    steps) on footage up to ``max_duration``: at right ones (a true transition within 1 s), at false ones."""
    right, wrong = [], []
    for it in items:
        ch = it.motion.features.get("appearance_change")
        if ch is None or it.duration > max_duration:
            continue
        fps = it.motion.fps
        pred = [(p.start, p.end) for p in segment_steps(it.motion, it.transcript, settings)]
        true_t = [t for s, e in it.steps for t in (s, e)]
        for (_s0, e0), (s1, _e1) in zip(pred, pred[1:], strict=False):
            if s1 - e0 > 0.1:  # a rest between: not a change point
                continue
            i = int(round(s1 * fps))
            v = float(np.max(ch[max(0, i - int(fps)) : i + int(fps) + 1], initial=0.0))
            (right if any(abs(t - s1) <= 1.0 for t in true_t) else wrong).append(v)
    return right, wrong


def main() -> None:
    argv = sys.argv[1:]
    opts = {k: argv[argv.index(k) + 1] for k in ("--fps", "--only") if k in argv}
    args = [a for a in argv if not a.startswith("--") and a not in opts.values()]
    final = "--final" in argv
    fps = float(opts.get("--fps", 2.0))
    names = ["synth", "ego", "real"] + (["synth_held", "ego_held", "real_report"] if final else [])
    if "--only" in opts:
        names = opts["--only"].split(",")
    missing = sorted({FILES[n] for n in names} - {p.stem for p in CACHE.glob("*.pkl")})
    if missing or not (args or "--pass-only" in argv or "--sep" in argv):
        print(__doc__.split("\n\n")[1], f"\n(cache absent : {', '.join(missing)})" if missing else "")
        return
    sets = {n: source_items(n, final=final) for n in names}
    series = {n: series_of(n, items, fps) for n, items in sets.items()}
    if "--pass-only" in argv:
        return
    memo: dict = {}
    base = SegmentSettings()
    for region, win, rel in [(r, w, True) for r in ("frame", "field", "hand") for w in (1.5, 2.0)] + [
        (r, 1.5, False) for r in ("frame", "field", "hand")
    ]:
        set_column(sets, series, region, win, memo, rel)
        line = []
        for n, items in sets.items():
            r, w = separation(items, base)
            line.append(
                f"{n} right {np.median(r) if r else float('nan'):.2f} (n={len(r)}) false "
                f"{np.median(w) if w else float('nan'):.2f} (n={len(w)}) AUC {auc(r, w):.2f}"
            )
        print(f"# separation {region} win {win}{'' if rel else ' absolute'}: " + " | ".join(line), flush=True)
    variants = [("base", base, "frame", 1.5, True)]
    keys = {"veto": "appearance_veto", "boost": "appearance_boost", "dur": "appearance_max_duration"}
    for a in args:
        kv = dict(p.split("=") for p in a.split(","))
        region, win, rel = kv.pop("region", "frame"), float(kv.pop("win", 1.5)), kv.pop("norm", "rel") == "rel"
        variants.append((a, replace(base, **{keys[k]: float(v) for k, v in kv.items()}), region, win, rel))
    for label, st, region, win, rel in variants:
        set_column(sets, series, region, win, memo, rel)
        out, means = [], []
        for n, items in sets.items():
            r, npred, ntrue = run(items, st)
            means.append(r)
            out.append(f"{n} {'/'.join(f'{v:.3f}' for v in r)} ({npred}/{ntrue})")
        tune = np.mean(np.array(means[: min(3, len(means))]), axis=0)
        print(f"{label:28s} tune-mean {'/'.join(f'{v:.3f}' for v in tune)} | " + " | ".join(out), flush=True)


if __name__ == "__main__":
    main()
