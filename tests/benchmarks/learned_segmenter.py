"""A learned segmenter (experiment, issue 13; not adopted: docs/ARCHITECTURE.md, Segmentation):
per-frame work/rest and boundary probabilities from the motion stage's features and the
transcript's sentences, decoded into steps.

1. **Work/rest**: a tiny MLP (numpy) on clip-normalised features (each signal scaled by its own
   percentiles in the clip, so worlds of different scales compare; windowed means over 1, 3 and 9 s),
   speech (speaking now, a sentence starting within 1 s) and the distance to the footage's edges.
2. **Boundaries**: a second MLP on before/after window contrasts of the same signals (1, 2, 4 s),
   activity dips, sentence starts and markers, and the work probability's own change.
3. **Decoding**: work runs where the smoothed work probability passes a threshold (short rests
   closed, short runs dropped: lengths follow the footage as ``kernel_cpd.clip_scale``), each split
   at boundary-probability peaks (greedy non-maximum suppression, a minimum step apart), short gaps
   closed (``gaps.py``).

The weights and decoding knobs are JSON (``var/seglearn/learned.json``, not committed), fitted by
``tests/benchmarks/bench_learned.py --fit``. Numpy only at run time. Kept beside the bench, not in
``media_pipeline``: it lost to ``kernel_cpd`` on data it was not tuned on.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.ndimage import maximum_filter1d, median_filter, minimum_filter1d, uniform_filter1d

from media_pipeline.segmentation.speech_cues import sentences, starts_with_marker

WEIGHTS_FILE = Path(__file__).resolve().parents[2] / "var" / "seglearn" / "learned.json"

# (feature name, transform) of the per-frame signals; each is clip-normalised afterwards.
SIGNALS = ("act", "energy", "energy_center", "moving", "camera", "presence", "palm", "hand_x", "hand_y",
           "periodicity", "hist_change", "hand_change", "centroid_x", "centroid_y", "residual")
WORK_WINDOWS = (1.0, 3.0, 9.0)
BOUNDARY_WINDOWS = (1.0, 2.0, 4.0)


def _f(motion, name: str, n: int) -> np.ndarray:
    f = motion.features
    return np.asarray(f[name], float) if name in f else np.zeros(n)


def _smooth(x: np.ndarray, k: int) -> np.ndarray:
    return uniform_filter1d(x, max(1, int(k)), axis=0, mode="nearest") if len(x) else x


def raw_signals(motion) -> np.ndarray:
    """n x len(SIGNALS): the motion stage's features, log-scaled where they are magnitudes."""
    n = len(motion.times)
    fps = motion.fps
    peak = _f(motion, "hands_peak" if "hands_peak" in motion.features else "energy_peak", n)
    act = median_filter(np.log(peak + 0.05), size=3, mode="nearest")
    palm = _f(motion, "palm_score", n)
    if not motion.extra.get("palm_detector", True):
        palm = np.zeros(n)
    palm = maximum_filter1d(palm, max(1, int(round(1.5 * fps))), mode="nearest")
    k = max(1, int(round(fps)))
    cols = [
        act,
        np.log(_f(motion, "energy", n) + 0.05),
        np.log(_f(motion, "energy_center", n) + 0.05),
        np.log(_f(motion, "moving_frac", n) + 0.01),
        np.log(_f(motion, "camera", n) + 0.05),
        median_filter(_f(motion, "hand_presence", n), size=5, mode="nearest"),
        palm,
        median_filter(_f(motion, "hand_x", n), size=k, mode="nearest"),
        median_filter(_f(motion, "hand_y", n), size=k, mode="nearest"),
        _f(motion, "periodicity", n),
        np.log(_f(motion, "hist_change", n) + 1e-3),
        np.log(_f(motion, "hand_change", n) + 1e-3),
        median_filter(_f(motion, "centroid_x", n), size=k, mode="nearest"),
        median_filter(_f(motion, "centroid_y", n), size=k, mode="nearest"),
        np.log(np.abs(_f(motion, "intensity_residual", n)) + 1e-3),
    ]
    x = np.stack(cols, axis=1)
    return np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)


def clip_normalise(x: np.ndarray) -> np.ndarray:
    """Each column from the clip's own 10th-90th percentile range: 0 at the median, 1 per range, clipped."""
    if not len(x):
        return x
    p10, p50, p90 = np.percentile(x, (10, 50, 90), axis=0)
    spread = p90 - p10
    spread = np.where(spread > 1e-6 + 1e-3 * np.abs(p50), spread, np.inf)  # a constant column says nothing
    return np.clip((x - p50) / spread, -3, 3)


def speech_frames(transcript: dict | None, n: int, fps: float) -> np.ndarray:
    """n x 6: speaking now, speaking share within 1.5 s, a sentence (3+ words or a marker) starting
    within 1 s, a marker sentence starting within 1 s, seconds since speech ended (capped 5, /5), has a
    transcript."""
    out = np.zeros((n, 6))
    if not transcript or n == 0:
        return out
    speaking = np.zeros(n)
    start = np.zeros(n)
    marker = np.zeros(n)
    for s0, e0, text in sentences(transcript):
        a, b = max(0, int(s0 * fps)), min(n, int(np.ceil(e0 * fps)) + 1)
        speaking[a:b] = 1.0
        i = int(round(s0 * fps))
        if 0 <= i < n:
            if starts_with_marker(text) is not None:
                marker[i] = 1.0
                start[i] = 1.0
            elif len(text.split()) >= 3:
                start[i] = 1.0
    w = max(1, int(round(fps)))
    since = np.full(n, 5.0)
    last = -1e9
    for i in range(n):
        if speaking[i]:
            last = i
        since[i] = min(5.0, (i - last) / fps)
    out[:, 0] = speaking
    out[:, 1] = _smooth(speaking, 3 * fps)
    out[:, 2] = maximum_filter1d(start, 2 * w + 1, mode="constant")
    out[:, 3] = maximum_filter1d(marker, 2 * w + 1, mode="constant")
    out[:, 4] = since / 5.0
    out[:, 5] = 1.0
    return out


def work_features(motion, transcript: dict | None) -> np.ndarray:
    n = len(motion.times)
    fps = motion.fps
    raw = raw_signals(motion)
    z = clip_normalise(raw)
    cols = [z]
    for w in WORK_WINDOWS:
        cols.append(_smooth(z, round(w * fps)))
    k3 = max(1, int(round(3 * fps)))
    act = z[:, 0]
    cols.append(np.stack([minimum_filter1d(_smooth(act, fps), k3), maximum_filter1d(_smooth(act, fps), k3)], 1))
    t = np.arange(n) / fps
    duration = float(motion.duration or n / fps)
    clip = np.array([np.log(max(duration, 1.0) / 30.0),
                     float(np.percentile(raw[:, 0], 92) - np.percentile(raw[:, 0], 8)),
                     float(np.percentile(raw[:, 5], 95) - np.percentile(raw[:, 5], 5)),
                     float(bool(motion.extra.get("palm_detector", True)))])
    cols.append(np.tile(clip, (n, 1)))
    cols.append(np.stack([np.minimum(t, 5.0) / 5.0, np.minimum(duration - t, 5.0) / 5.0], 1))
    cols.append(speech_frames(transcript, n, fps))
    return np.concatenate(cols, axis=1)


def boundary_features(motion, transcript: dict | None, p_work: np.ndarray) -> np.ndarray:
    n = len(motion.times)
    fps = motion.fps
    z = clip_normalise(raw_signals(motion))
    c = np.vstack([np.zeros((1, z.shape[1])), np.cumsum(z, axis=0)])
    idx = np.arange(n)
    cols = []
    for w in BOUNDARY_WINDOWS:
        k = max(1, int(round(w * fps)))
        lo, hi = np.maximum(idx - k, 0), np.minimum(idx + k, n)
        before = (c[idx] - c[lo]) / np.maximum(idx - lo, 1)[:, None]
        after = (c[hi] - c[idx]) / np.maximum(hi - idx, 1)[:, None]
        d = np.abs(after - before)
        cols.append(d)
        cols.append(np.linalg.norm(d, axis=1, keepdims=True) / np.sqrt(d.shape[1]))
        a = z[:, 0]
        ca = c[:, 0]
        mb, ma = before[:, 0], after[:, 0]
        local = _smooth(a, fps // 2)
        cols.append(np.stack([local - np.maximum(mb, ma), local - np.minimum(mb, ma), ma - mb], 1))
        del ca
    pw = _smooth(p_work, fps // 2)
    k = max(1, int(round(fps)))
    lo, hi = np.maximum(idx - k, 0), np.minimum(idx + k, n - 1)
    cols.append(np.stack([pw, minimum_filter1d(pw, 2 * k + 1), pw[hi] - pw[lo]], 1))
    sp = speech_frames(transcript, n, fps)
    cols.append(sp[:, [0, 2, 3, 5]])
    t = np.arange(n) / fps
    duration = float(motion.duration or n / fps)
    cols.append(np.stack([np.minimum(t, 5.0) / 5.0, np.minimum(duration - t, 5.0) / 5.0,
                          np.full(n, np.log(max(duration, 1.0) / 30.0))], 1))
    return np.concatenate(cols, axis=1)


class MLP:
    """One hidden tanh layer (or none: logistic regression), sigmoid output; inputs standardised."""

    def __init__(self, mean, std, w1, b1, w2, b2):
        self.mean, self.std = np.asarray(mean, float), np.asarray(std, float)
        self.std = np.where(self.std > 1e-9, self.std, 1.0)
        self.w1 = None if w1 is None else np.asarray(w1, float)
        self.b1 = None if b1 is None else np.asarray(b1, float)
        self.w2, self.b2 = np.asarray(w2, float), float(b2)

    def predict(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0)
        h = np.clip((x - self.mean) / self.std, -8, 8)
        if self.w1 is not None:
            h = np.tanh(h @ self.w1 + self.b1)
        return 1.0 / (1.0 + np.exp(-np.clip(h @ self.w2 + self.b2, -30, 30)))

    def to_dict(self) -> dict:
        def r(a):  # six significant digits: a small file, and no scale rounded to zero
            return None if a is None else np.vectorize(lambda v: float(f"{v:.6g}"))(np.asarray(a, float)).tolist()

        return {"mean": r(self.mean), "std": r(self.std), "w1": r(self.w1), "b1": r(self.b1), "w2": r(self.w2),
                "b2": round(self.b2, 5)}

    @classmethod
    def from_dict(cls, d: dict) -> MLP:
        return cls(d["mean"], d["std"], d["w1"], d["b1"], d["w2"], d["b2"])


DEFAULT_DECODE = {"work_threshold": 0.5, "boundary_threshold": 0.4, "min_rest": 1.5, "min_step_factor": 1.0,
                  "smooth": 0.5}


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> dict | None:
    f = Path(path) if path else WEIGHTS_FILE
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {"work": MLP.from_dict(data["work"]), "boundary": MLP.from_dict(data["boundary"]),
            "decode": {**DEFAULT_DECODE, **data.get("decode", {})}, "fitted_on": data.get("fitted_on", "")}


def probabilities(motion, transcript: dict | None, model: dict) -> tuple[np.ndarray, np.ndarray]:
    p_work = model["work"].predict(work_features(motion, transcript))
    p_bound = model["boundary"].predict(boundary_features(motion, transcript, p_work))
    return p_work, p_bound


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    if mask.size == 0:
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.where(d == 1)[0].tolist(), np.where(d == -1)[0].tolist(), strict=False))


def decode(p_work: np.ndarray, p_bound: np.ndarray, fps: float, duration: float, knobs: dict,
           min_step: float, act: np.ndarray | None = None, speaking: np.ndarray | None = None,
           work_override: np.ndarray | None = None) -> list[tuple[int, int, float, float]]:
    """Spans (frames) from the two probabilities: work runs split at boundary peaks. ``work_override``
    (a boolean mask) replaces the thresholded work probability (the hybrid's rest decision)."""
    from media_pipeline.segmentation.gaps import close_short_gaps

    n = len(p_work)
    if n == 0:
        return []
    sm = max(1, int(round(knobs["smooth"] * fps)))
    pw = _smooth(p_work, sm)
    work = pw > knobs["work_threshold"] if work_override is None else work_override.copy()
    min_rest = int(round(knobs["min_rest"] * fps))
    for a, b in _runs(~work):
        if a > 0 and b < n and b - a < min_rest:
            work[a:b] = True
    step = max(2, int(round(min_step * knobs["min_step_factor"] * fps)))
    for a, b in _runs(work):
        if b - a < int(0.6 * step):
            work[a:b] = False
    pb = _smooth(p_bound, max(1, int(round(0.3 * fps))))
    spans = []
    for a, b in _runs(work):
        cuts: list[int] = []
        order = np.argsort(-pb[a:b]) + a
        for i in order:
            if pb[i] < knobs["boundary_threshold"]:
                break
            if i - a < step or b - i < step or any(abs(i - c) < step for c in cuts):
                continue
            cuts.append(int(i))
        bounds = [a, *sorted(cuts), b]
        conf = [0.5] + [float(pb[c]) for c in sorted(cuts)] + [0.5]
        for j in range(len(bounds) - 1):
            spans.append((bounds[j], bounds[j + 1], conf[j], conf[j + 1]))
    if act is None:
        act = 1.0 - pw
    return close_short_gaps(spans, act, n, int(round(1.5 * fps)), int(round(0.5 * fps)), speaking)
