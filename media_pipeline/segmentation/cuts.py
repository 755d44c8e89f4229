"""Cuts: where footage joined from several takes jumps from one picture to the next.

Why: an expert who stops and restarts the head camera, or a designer who joins takes before uploading, gives
footage whose takes meet in a single frame. The change points are found on motion, and a cut carries none of
its own (both takes may move alike): walk 42's 60 s of six real takes joined got four steps, one of its five
joins at a step limit. A cut is the same test as PySceneDetect's adaptive detector, on the histogram change the
motion analysis already computes (``hist_change``, Bhattacharyya distance of consecutive analysed frames' grey
histograms): a frame far above its neighbours on both sides, not a fast gesture (several high frames in a row),
nor the first picture after a frozen one (a stalled stream jumps too, and is not a new take).
"""

from __future__ import annotations

import numpy as np

from media_pipeline.repeated_frames import REPEAT_RESIDUAL

NEIGHBOURS = 3  # observations each side (0.3 s at the analysis' 10 i/s)
HELD = 10  # frames (1 s) before a jump where a held picture means a stalled source, not a take's end

def _observations(h: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The series as the source showed it: a run of equal values is one picture's change spread over the copies
    before it (``repeated_frames``, footage under 10 i/s or a take ending on held frames), so it is summed back
    into one observation at the run's last frame. Returns each observation's value, last frame and run length."""
    n = len(h)
    ends = np.flatnonzero(np.r_[np.abs(np.diff(h)) > 1e-12, True])
    starts = np.r_[0, ends[:-1] + 1]
    lengths = ends - starts + 1
    values = np.add.reduceat(h, starts) if n else np.zeros(0)
    return values, ends, lengths


def find_cuts(hist_change: np.ndarray, residual: np.ndarray, ratio: float, minimum: float) -> list[int]:
    """Frames that start a new take: an observation of ``hist_change`` at least ``minimum`` and ``ratio`` times
    the largest of its ``NEIGHBOURS`` on each side (plus a small floor, for the still scenes where they are all
    near 0), not the first picture after a held one: in the ``HELD`` frames before it, half or more were copies
    (``intensity_residual`` under ``repeated_frames.REPEAT_RESIDUAL``: a camera never films the same picture
    twice). ``ratio`` 0: none."""
    h = np.asarray(hist_change, float)
    if ratio <= 0 or len(h) < 2 * NEIGHBOURS + 1:
        return []
    copies = np.asarray(residual, float) < REPEAT_RESIDUAL
    values, ends, lengths = _observations(h)
    cuts = []
    for k in np.flatnonzero(values >= minimum):
        if k < 1 or k >= len(values) - 1:
            continue
        first = ends[k] - lengths[k] + 1  # the observation's first frame: copies before it spread its change
        if np.mean(copies[max(0, first - HELD):first]) >= 0.5:
            continue
        before, after = values[max(0, k - NEIGHBOURS):k], values[k + 1:k + 1 + NEIGHBOURS]
        if values[k] >= ratio * (max(before.max(initial=0.0), after.max(initial=0.0)) + 0.02):
            cuts.append(int(ends[k]))
    return cuts

def split_at_cuts(spans: list[tuple[int, int, float, float]], cuts: list[int], min_len: int, snap: int,
                  strength: float = 0.9) -> list[tuple[int, int, float, float]]:
    """No step across a cut: a limit within ``snap`` frames of a cut moves onto it (when both steps keep at
    least ``min_len`` frames), and a step still holding a cut at least ``min_len`` from both of its ends is cut
    there. ``spans`` are (start, end, start strength, end strength), sorted; a cut in a rest changes nothing."""
    out = [list(s) for s in spans]
    for c in cuts:
        for k in range(len(out) - 1):  # a shared limit close to the cut moves onto it
            a, b = out[k], out[k + 1]
            if a[1] == b[0] and a[1] != c and abs(a[1] - c) <= snap and c - a[0] >= min_len and b[1] - c >= min_len:
                a[1] = b[0] = c
                a[3] = b[2] = max(a[3], strength)
        for k, (s, e, c0, c1) in enumerate(out):
            if s + min_len <= c <= e - min_len:
                out[k:k + 1] = [[s, c, c0, strength], [c, e, strength, c1]]
                break
    return [tuple(s) for s in out]
