"""Short gaps between steps closed: nothing there for the expert to review, and they strand questions.

A gap between two consecutive steps shorter than ``max_gap`` seconds is closed at one boundary inside
it: a pause in the speech if one falls there (between two sentences), else the quietest moment of the
hands' activity (ties to the middle). A lead-in before the first step, or a tail after the last one,
shorter than ``max_edge_gap`` is given to that step. Longer gaps are real rests and stay.
"""

from __future__ import annotations

import numpy as np

Span = tuple[int, int, float, float]  # start, end (frames, end exclusive), start strength, end strength


def cut_point(a: int, b: int, act: np.ndarray, speaking: np.ndarray | None) -> int:
    """The frame in [a, b) where the gap [a, b) is closed: a speech pause if the gap holds one
    between spoken frames, else the quietest activity (nearest the middle among equals)."""
    if b - a <= 1:
        return a
    idx = np.arange(a, b)
    mid = (a + b - 1) / 2
    cost = np.asarray(act[a:b], float).copy()
    # A small pull to the middle: among equally quiet frames the middle wins (a gap closed near
    # one of its ends would move the other step's true boundary the most).
    span = float(np.ptp(act[a:b])) if b - a > 1 else 0.0
    cost += (0.1 * span + 1e-6) * np.abs(idx - mid) / max(1.0, (b - a) / 2)
    if speaking is not None and speaking[a:b].any():
        # Silence inside a gap that is partly spoken over: one sentence ends there, the next begins.
        silent = ~speaking[a:b]
        if silent.any():
            cost = np.where(silent, cost, np.inf)
    return int(idx[int(np.argmin(cost))])


def close_short_gaps(spans: list[Span], act: np.ndarray, n: int, max_gap: int, max_edge_gap: int,
                     speaking: np.ndarray | None = None) -> list[Span]:
    """The spans (sorted, frame indices into a footage of ``n`` frames) with gaps shorter than
    ``max_gap`` frames closed at one boundary inside them, and a lead-in or tail shorter than
    ``max_edge_gap`` frames given to the first or last step. Strengths stay with their boundaries."""
    spans = sorted(spans)
    if not spans:
        return spans
    out = [list(spans[0])]
    for s, e, c0, c1 in spans[1:]:
        prev = out[-1]
        gap = s - prev[1]
        if 0 < gap < max_gap:
            cut = cut_point(prev[1], s, act, speaking)
            prev[1] = cut
            s = cut
        out.append([s, e, c0, c1])
    if 0 < out[0][0] < max_edge_gap:
        out[0][0] = 0
    if 0 < n - out[-1][1] < max_edge_gap:
        out[-1][1] = n
    return [(int(s), int(e), float(c0), float(c1)) for s, e, c0, c1 in out]
