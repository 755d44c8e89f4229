"""Step confidence that means something: fitted on tuning data, checked on held-out data.

A step's confidence is the probability that it matches a true step (IoU >= 0.5 with one of
them), from its evidence (``kernel_cpd.EVIDENCE``) through a logistic map (Platt scaling with a
little L2), fitted here on tuning clips only and committed as
``media_pipeline/segmentation/calibration.json`` with what it was fitted on. ``reliability`` is
what the benchmark reports on held-out clips: the share of steps at confidence >= 0.7 that match
a true step, and the mean calibration gap per confidence bin.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from media_pipeline.evaluation.metrics import iou_matrix
from media_pipeline.segmentation import SegmentSettings
from media_pipeline.segmentation.kernel_cpd import CALIBRATION_FILE, EVIDENCE, Calibration, segment_with_evidence

MATCH_IOU = 0.5


def matched(pred: list[tuple[float, float]], truth: list[tuple[float, float]]) -> np.ndarray:
    """Per predicted step: does some true step overlap it with IoU >= 0.5?"""
    if not pred:
        return np.zeros(0, bool)
    if not truth:
        return np.zeros(len(pred), bool)
    return iou_matrix(pred, truth).max(axis=1) >= MATCH_IOU - 1e-9


def collect(pairs: Iterable[tuple], settings: SegmentSettings = SegmentSettings(),
            use_speech: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evidence, confidence given and match of every step proposed on ``pairs`` of (clip, motion);
    a clip is anything with ``steps`` and ``transcript`` (a generated clip, a real sample)."""
    xs, conf, ys = [], [], []
    for clip, motion in pairs:
        st = replace(settings, use_speech=use_speech)
        steps, ev = segment_with_evidence(motion, getattr(clip, "transcript", None), st)
        ok = matched([(p.start, p.end) for p in steps], list(clip.steps))
        xs += ev
        conf += [p.confidence for p in steps]
        ys += ok.tolist()
    x = np.array(xs, float).reshape(-1, len(EVIDENCE))
    return x, np.array(conf, float), np.array(ys, bool)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, fitted_on: str = "",
        weight: np.ndarray | None = None) -> Calibration:
    """Logistic regression (L2 on the weights, not the intercept) by L-BFGS; ``weight`` per step
    (e.g. so that each source of tuning clips counts alike, whatever its number of steps)."""
    y = y.astype(float)
    wt = np.ones(len(y)) if weight is None else np.asarray(weight, float) * len(y) / max(np.sum(weight), 1e-9)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w[1:] + w[0]
        p = 1 / (1 + np.exp(-z))
        eps = 1e-9
        val = -np.sum(wt * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))) + 0.5 * l2 * np.sum(w[1:] ** 2)
        g = wt * (p - y)
        return float(val), np.concatenate([[g.sum()], x.T @ g + l2 * w[1:]])

    w = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B").x
    return Calibration(tuple(float(v) for v in w[1:]), float(w[0]), fitted_on)


def save(cal: Calibration, n_steps: int, path: str | Path = CALIBRATION_FILE) -> Path:
    path = Path(path)
    path.write_text(json.dumps({"evidence": list(EVIDENCE), "coef": [round(c, 6) for c in cal.coef],
                                "intercept": round(cal.intercept, 6), "fitted_on": cal.fitted_on,
                                "steps": n_steps}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Reliability:
    steps: int
    confident: int  # steps at confidence >= threshold
    confident_matched: float  # share of those that match a true step
    matched: float  # share of all steps that match
    gap: float  # expected calibration error: mean |confidence - match rate| over 5 bins, weighted

    def line(self) -> str:
        return (f"{self.confident}/{self.steps} étapes à confiance >= 0.7, dont {100 * self.confident_matched:.0f} % "
                f"justes (IoU >= 0.5) ; toutes : {100 * self.matched:.0f} % justes ; écart de calibration "
                f"{self.gap:.3f}")


def reliability(conf: np.ndarray, ok: np.ndarray, threshold: float = 0.7) -> Reliability:
    hi = conf >= threshold
    bins = np.clip((conf * 5).astype(int), 0, 4)
    gap = 0.0
    for b in range(5):
        sel = bins == b
        if sel.any():
            gap += sel.mean() * abs(float(conf[sel].mean()) - float(ok[sel].mean()))
    return Reliability(int(conf.size), int(hi.sum()), float(ok[hi].mean()) if hi.any() else 0.0,
                       float(ok.mean()) if ok.size else 0.0, float(gap))
