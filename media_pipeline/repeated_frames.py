"""Repeated pictures: analysed frames that carry no new observation.

The analysis reads 10 frames a second whatever the source's rate. Footage recorded under that rate
(a 4-5 i/s webcam or time-lapse, a phone that drops frames in low light) reaches it as the same picture
repeated: between two copies the flow is exactly nothing, so the still hands the segmenter looks for
appear between every two real pictures, and the next real picture carries the motion of several frame
intervals at once. On the real set re-encoded at 4 i/s that cost a third of the working time (coverage
0.97 -> 0.82) and most of the steps' placement (docs/ARCHITECTURE.md, Segmentation, "Under 10 i/s").

A camera never films the same picture twice: sensor noise and compression move every real frame (the
smallest mean residual difference over the 49 camera clips of the real set's halves and fresh group is
0.59 grey level), so a frame whose
residual difference from the previous one is under ``REPEAT_RESIDUAL`` is a copy. Each run of copies up
to ``max_run`` seconds, with a real picture on both sides, takes its share of the motion the next real
picture measured: velocities (pixels a frame) are that motion divided evenly over the intervals it
spans, the shape of the motion (where it is, how much of the field moves) is the next picture's. Longer
runs are a paused or frozen camera and stay as they are (nothing moved, as far as anyone can tell), as
do copies at the footage's start or end and footage where nothing but copies is seen (black, frozen).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Mean absolute grey-level difference after undoing the camera's motion (``intensity_residual``).
REPEAT_RESIDUAL = 0.1
# Motion measured per frame interval: spread over the intervals a real picture's change spans.
VELOCITIES = frozenset({
    "camera_dx", "camera_dy", "camera_rot", "camera_zoom", "camera", "energy", "energy_peak", "hands_peak",
    "energy_center", "energy_periph", "intensity_residual", "local_u", "local_v", "curl", "hist_change",
})
# Where and how the motion happens: the next real picture's value.
SHAPES = frozenset({"moving_frac", "centroid_x", "centroid_y", "spread", "horizontality"})


@dataclass(frozen=True)
class RepeatFill:
    """What :func:`fill_repeated_frames` did: frames given the motion of the next real picture, in runs."""

    filled: int = 0
    runs: int = 0


def repeated_runs(residual: np.ndarray, fps: float, max_run: float) -> list[tuple[int, int]]:
    """``[i, j)`` runs of copies of the previous picture, at most ``max_run`` seconds, with a real picture
    before ``i`` and at ``j``; the first frame (no predecessor) is never a copy."""
    copy = np.asarray(residual, dtype=np.float64) < REPEAT_RESIDUAL
    if len(copy):
        copy[0] = False
    n, limit = len(copy), int(round(max_run * fps))
    if limit < 1 or int(np.count_nonzero(~copy)) < 2:
        return []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], copy.astype(np.int8), [0]))))
    return [(int(i), int(j)) for i, j in zip(edges[::2], edges[1::2], strict=True)
            if j < n and j - i <= limit]


def fill_repeated_frames(features: dict[str, np.ndarray], fps: float, max_run: float) -> RepeatFill:
    """Give each short run of copies (in place) its share of the motion of the real picture after it."""
    if max_run <= 0 or "intensity_residual" not in features:
        return RepeatFill()
    runs = repeated_runs(features["intensity_residual"], fps, max_run)
    if not runs:
        return RepeatFill()
    # Frames i..j of each run (copies i..j-1 and the real picture j that moved), the picture each reads from
    # and the number of intervals its motion spans; vectorised: an hour at 5 i/s has 18 000 runs.
    starts, ends = np.array([i for i, _ in runs]), np.array([j for _, j in runs])
    lengths = ends - starts + 1
    frames = np.repeat(starts, lengths) + np.arange(int(lengths.sum())) - np.repeat(lengths.cumsum() - lengths, lengths)
    source = np.repeat(ends, lengths)
    spans = np.repeat(lengths, lengths).astype(np.float64)
    for name, values in features.items():
        if name in VELOCITIES:
            values[frames] = values[source] / spans
        elif name in SHAPES:
            values[frames] = values[source]
    return RepeatFill(filled=sum(j - i for i, j in runs), runs=len(runs))
