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


def _matching(ok: np.ndarray, score: np.ndarray) -> list[tuple[int, int]]:
    """The pairs (row, column) of a largest one-to-one matching among allowed pairs (ties broken by score)."""
    if ok.size == 0 or not ok.any():
        return []
    cost = np.where(ok, -1.0 - 1e-3 * score, 0.0)
    rows, cols = linear_sum_assignment(cost)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if ok[r, c]]


def _max_matching(ok: np.ndarray, score: np.ndarray) -> int:
    """Size of the largest one-to-one matching among allowed pairs (ties broken by score)."""
    return len(_matching(ok, score))


def transition_prf(pred: Sequence[Span], truth: Sequence[Span], duration: float,
                   tolerance: float = 1.0, edge: float = 0.5) -> PRF:
    """Transition precision, recall and F1 of predicted steps against true steps."""
    tp, tt = transitions(pred, duration, edge), transitions(truth, duration, edge)
    if not tp or not tt:
        return _prf(0, len(tp), len(tt))
    a, b = np.array(tp), np.array(tt)
    dist = np.maximum(np.abs(a[:, None, 0] - b[None, :, 0]), np.abs(a[:, None, 1] - b[None, :, 1]))
    return _prf(_max_matching(dist <= tolerance + 1e-9, -dist), len(tp), len(tt))


@dataclass(frozen=True)
class TransitionMiss:
    """What became of one true transition (diagnostics: why transition F1 trails segment F1).

    ``kind``: ``first`` (the first step's start), ``last`` (the last step's end), ``rest`` (a gap
    between two steps) or ``touching`` (two steps that touch). ``outcome``: ``matched`` (as
    ``transition_prf`` counts it); ``shift`` (a predicted transition left unmatched lies within
    ``near`` seconds on both ends and this is the true one nearest to it: a misplaced boundary);
    ``extent`` (an unmatched predicted one has one end within the tolerance and the other further:
    a rest too wide or too narrow, work dropped or a rest missed); ``count`` (nothing predicted
    there: a boundary missed, or one prediction for two true ones). ``start_offset`` and
    ``end_offset``: predicted minus true (seconds) of the nearest predicted transition (Hausdorff
    distance, within ``near``), ``None`` when there is none."""

    start: float
    end: float
    kind: str
    outcome: str
    start_offset: float | None
    end_offset: float | None


def transition_misses(pred: Sequence[Span], truth: Sequence[Span], duration: float, tolerance: float = 1.0,
                      near: float = 3.0, edge: float = 0.5) -> list[TransitionMiss]:
    """Each true transition, matched as ``transition_prf`` matches them, and for those missed, how."""
    tp, tt = transitions(pred, duration, edge), transitions(truth, duration, edge)
    if not tt:
        return []
    a, b = np.array(tp, float).reshape(-1, 2), np.array(tt, float)
    dist = np.maximum(np.abs(a[:, None, 0] - b[None, :, 0]), np.abs(a[:, None, 1] - b[None, :, 1]))
    pairs = _matching(dist <= tolerance + 1e-9, -dist) if len(tp) else []
    matched = {j for _i, j in pairs}
    free = [i for i in range(len(tp)) if i not in {i for i, _j in pairs}]
    missed = [j for j in range(len(tt)) if j not in matched]
    first, last = sorted(truth)[0][0], max(e for _s, e in truth)
    out = []
    for j, (ts, te) in enumerate(tt):
        kind = ("first" if te - ts == 0 and ts == first else "last" if te - ts == 0 and te == last
                else "rest" if te > ts else "touching")
        i_any = int(np.argmin(dist[:, j])) if len(tp) else -1
        offsets = ((tp[i_any][0] - ts, tp[i_any][1] - te) if i_any >= 0 and dist[i_any, j] <= near + 1e-9
                   else (None, None))
        if j in matched:
            outcome = "matched"
        else:
            outcome = "count"
            i_near = min(free, key=lambda i: dist[i, j], default=None)
            if i_near is not None and dist[i_near, j] <= near + 1e-9 and \
                    min(missed, key=lambda k: dist[i_near, k]) == j:
                outcome = "shift"
            elif any(min(abs(tp[i][0] - ts), abs(tp[i][1] - te)) <= tolerance + 1e-9 for i in free):
                outcome = "extent"
        out.append(TransitionMiss(ts, te, kind, outcome, *offsets))
    return out


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
