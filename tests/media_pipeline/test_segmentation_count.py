"""The number of steps on a short excerpt, on hand-made feature series (no video): an 8-s excerpt of
one gesture whose motion drifts (its pace and rhythm wander, as a real hand's do) is one step; the same
with a change of gesture (place and direction) halfway is two, split where it changes. With the
change-point kernel scaled to each run's own spread (ruptures' median heuristic, ``kernel_gamma=0``)
the drift alone gave 3-4 steps."""

from dataclasses import replace

import numpy as np
import pytest

from media_pipeline.motion import MotionSeries
from media_pipeline.segmentation import SegmentSettings, segment_steps

FPS = 10.0


def _motion(seed: int, change: float | None = None, seconds: float = 8.0) -> MotionSeries:
    """Hands at work all along: activity, periodicity and period wander over about a second; with
    ``change`` the hands move to another place and direction from then on."""
    n = int(seconds * FPS)
    rng = np.random.default_rng(seed)
    k = int(FPS)

    def wander(scale: float) -> np.ndarray:
        return scale * np.convolve(rng.normal(0, 1, n + 2 * k), np.ones(k) / np.sqrt(k), "same")[k:n + k]

    peak = np.exp(1.0 + wander(0.25))
    periodicity, period = 0.5 + wander(0.1), 0.6 + wander(0.1)
    cx, cy, horizontality = np.full(n, 0.5), np.full(n, 0.6), np.full(n, 0.5)
    if change is not None:
        i = int(change * FPS)
        cx[i:] += 0.2
        cy[i:] -= 0.1
        horizontality[i:] -= 0.3
    feats = {"hands_peak": peak, "energy_peak": peak, "energy_center": peak / 3, "periodicity": periodicity,
             "period": period, "centroid_x": cx, "centroid_y": cy, "horizontality": horizontality,
             "moving_frac": 0.01 + peak / 50, "blur": np.full(n, 100.0), "camera": np.full(n, 0.2)}
    return MotionSeries(fps=FPS, times=[i / FPS for i in range(n)],
                        features={key: v.tolist() for key, v in feats.items()}, width=256, height=144,
                        duration=n / FPS)


@pytest.mark.parametrize("seed", [3, 4])
def test_a_short_excerpt_of_one_drifting_gesture_is_one_step(seed):
    steps = segment_steps(_motion(seed), None, SegmentSettings())
    assert [(s.start, s.end) for s in steps] == [(0.0, 8.0)]


@pytest.mark.parametrize("seed", [3, 4])
def test_a_change_of_gesture_halfway_still_splits_it(seed):
    steps = segment_steps(_motion(seed, change=4.0), None, SegmentSettings())
    assert len(steps) == 2
    assert abs(steps[0].end - 4.0) <= 0.5 and steps[1].start == steps[0].end


@pytest.mark.parametrize("seed", [3, 4])
def test_the_median_heuristic_kernel_splits_the_drift(seed):
    """What the fixed kernel width is for: the run-relative one finds changes in the drift alone."""
    old = replace(SegmentSettings(), kernel_gamma=0.0, penalty=2.0)
    assert len(segment_steps(_motion(seed), None, old)) >= 3
