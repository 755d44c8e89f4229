"""Scores of a segmentation against the true steps.

Transitions: between consecutive steps, the interval from one step's end to the
next one's start (zero-length when they touch); the first start and the last end
count too, as zero-length transitions, when they are not at the video's edges. A
predicted transition matches a true one, one to one, when the two intervals lie
within ``tolerance`` seconds of each other (Hausdorff distance: both ends within
tolerance). Segments: class-agnostic F1@{10,25,50}, a predicted step matching a
true one, one to one, when their IoU reaches the threshold. Coverage: the share of the
expert's working time (the union of the true steps) that lies inside some predicted step;
a method that drops work as "rest" loses it here even when its boundaries are right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

Span = tuple[float, float]


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float
    matched: int
    predicted: int
    truth: int

    def to_dict(self) -> dict:
        return asdict(self)


def _prf(matched: int, predicted: int, truth: int) -> PRF:
    if predicted == 0 and truth == 0:
        return PRF(1.0, 1.0, 1.0, 0, 0, 0)
    p = matched / predicted if predicted else 0.0
    r = matched / truth if truth else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PRF(p, r, f, matched, predicted, truth)


def transitions(steps: Sequence[Span], duration: float, edge: float = 0.5) -> list[Span]:
    """Transition intervals of a list of steps (sorted by start)."""
    steps = sorted((float(s), float(e)) for s, e in steps)
    out: list[Span] = []
    if not steps:
        return out
    if steps[0][0] > edge:
        out.append((steps[0][0], steps[0][0]))
    for (_, e0), (s1, _) in zip(steps, steps[1:], strict=False):
        out.append((min(e0, s1), max(e0, s1)))
    if steps[-1][1] < duration - edge:
        out.append((steps[-1][1], steps[-1][1]))
    return out


def _max_matching(ok: np.ndarray, score: np.ndarray) -> int:
    """Largest one-to-one matching among allowed pairs (ties broken by score)."""
    if ok.size == 0 or not ok.any():
        return 0
    cost = np.where(ok, -1.0 - 1e-3 * score, 0.0)
    rows, cols = linear_sum_assignment(cost)
    return int(ok[rows, cols].sum())


def transition_prf(pred: Sequence[Span], truth: Sequence[Span], duration: float,
                   tolerance: float = 1.0, edge: float = 0.5) -> PRF:
    """Transition precision, recall and F1 of predicted steps against true steps."""
    tp, tt = transitions(pred, duration, edge), transitions(truth, duration, edge)
    if not tp or not tt:
        return _prf(0, len(tp), len(tt))
    a, b = np.array(tp), np.array(tt)
    dist = np.maximum(np.abs(a[:, None, 0] - b[None, :, 0]), np.abs(a[:, None, 1] - b[None, :, 1]))
    return _prf(_max_matching(dist <= tolerance + 1e-9, -dist), len(tp), len(tt))


def iou_matrix(pred: Sequence[Span], truth: Sequence[Span]) -> np.ndarray:
    a, b = np.array(pred, float).reshape(-1, 2), np.array(truth, float).reshape(-1, 2)
    inter = np.clip(np.minimum(a[:, None, 1], b[None, :, 1]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    union = (a[:, None, 1] - a[:, None, 0]) + (b[None, :, 1] - b[None, :, 0]) - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def segment_f1(pred: Sequence[Span], truth: Sequence[Span], threshold: float) -> PRF:
    """Class-agnostic segment F1 at an IoU threshold (0.1, 0.25, 0.5), one-to-one."""
    if not pred or not truth:
        return _prf(0, len(pred), len(truth))
    iou = iou_matrix(pred, truth)
    return _prf(_max_matching(iou >= threshold - 1e-9, iou), len(pred), len(truth))


def _union(spans: Sequence[Span]) -> list[Span]:
    out: list[list[float]] = []
    for s, e in sorted((float(a), float(b)) for a, b in spans if b > a):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(a, b) for a, b in out]


def coverage(pred: Sequence[Span], truth: Sequence[Span]) -> float:
    """Share of the true working time (union of true steps) inside the union of predicted steps."""
    tu, pu = _union(truth), _union(pred)
    total = sum(e - s for s, e in tu)
    if total <= 0:
        return 1.0
    inside = 0.0
    for s, e in tu:
        for a, b in pu:
            inside += max(0.0, min(e, b) - max(s, a))
    return inside / total


@dataclass(frozen=True)
class Scores:
    transition: PRF
    f1_10: float
    f1_25: float
    f1_50: float
    n_pred: int
    n_true: int
    coverage: float = 1.0

    def to_dict(self) -> dict:
        return asdict(self)


def score(pred: Sequence[Span], truth: Sequence[Span], duration: float, tolerance: float = 1.0) -> Scores:
    """Every metric of one clip."""
    return Scores(transition=transition_prf(pred, truth, duration, tolerance),
                  f1_10=segment_f1(pred, truth, 0.10).f1, f1_25=segment_f1(pred, truth, 0.25).f1,
                  f1_50=segment_f1(pred, truth, 0.50).f1, n_pred=len(pred), n_true=len(truth),
                  coverage=coverage(pred, truth))
