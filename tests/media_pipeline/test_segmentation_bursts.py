"""Travel bursts (session 38, ``SegmentSettings.burst_boost``): between two slow gestures that touch, the hands
travel to the next site in a short burst of activity; the kernel CPD, which compares the gestures' features, sees
no change there, the burst adds one. On hand-made feature series (no video)."""

from dataclasses import replace

import numpy as np

from media_pipeline.motion import MotionSeries
from media_pipeline.segmentation import SegmentSettings, segment_steps
from media_pipeline.segmentation.kernel_cpd import activity_level, burst_bounds

FPS = 10.0
# The two alike gestures make one 48-s step unless a rule splits it: the 30-s maximum step (session 46) would split it
# by itself, so these tests keep the 60 s before it, and the rule under test is the only one that cuts.
LONG = {"use_speech": False, "max_step": 60.0}


def _motion(peak: np.ndarray) -> MotionSeries:
    n = len(peak)
    rng = np.random.default_rng(0)
    feats = {"hands_peak": peak.tolist(), "energy_peak": peak.tolist(), "energy_center": (peak / 3).tolist(),
             "periodicity": rng.uniform(0, 0.1, n).tolist(), "period": [0.5] * n,
             "centroid_x": [0.5] * n, "centroid_y": [0.6] * n, "horizontality": [0.5] * n,
             "moving_frac": (0.01 + peak / 50).tolist(), "blur": [100.0] * n, "camera": [0.2] * n}
    return MotionSeries(fps=FPS, times=[i / FPS for i in range(n)], features=feats, width=256, height=144,
                        duration=n / FPS)


def _two_slow_gestures(burst: bool) -> np.ndarray:
    """3 s rest, 24 s of a slow gesture, (a 0.6-s travel burst,) 24 s of another alike, 5 s rest."""
    rng = np.random.default_rng(1)
    rest0, rest1 = np.full(30, 0.02), np.full(50, 0.02)
    slow = [rng.uniform(0.6, 0.9, 240), rng.uniform(0.6, 0.9, 240)]
    travel = np.full(6, 12.0) if burst else rng.uniform(0.6, 0.9, 6)
    return np.concatenate([rest0, slow[0], travel, slow[1], rest1])


def test_a_travel_burst_between_two_slow_gestures_is_a_boundary():
    motion = _motion(_two_slow_gestures(burst=True))
    steps = segment_steps(motion, None, SegmentSettings(**LONG))
    assert len(steps) == 2, steps
    assert abs(steps[0].end - 27.3) <= 1.0 and steps[1].start == steps[0].end
    assert abs(steps[0].start - 3.0) <= 1.0 and abs(steps[1].end - 51.6) <= 1.0
    # Off (as before session 38): the two alike gestures stay one step.
    off = segment_steps(motion, None, replace(SegmentSettings(**LONG), burst_boost=0.0))
    assert len(off) == 1, off


def test_no_burst_no_boundary_and_bursts_keep_a_minimum_step_apart():
    motion = _motion(_two_slow_gestures(burst=False))
    assert len(segment_steps(motion, None, SegmentSettings(**LONG))) == 1
    act = activity_level(_motion(_two_slow_gestures(burst=True)))
    settings = SegmentSettings()
    assert burst_bounds(act, 30, 516, [], 30, FPS, settings) == [273]  # the burst's peak, 27.3 s
    # A change point already within a minimum step of the burst: nothing added.
    assert burst_bounds(act, 30, 516, [260], 30, FPS, settings) == []
    # A burst under burst_boost above both sides: nothing added.
    assert burst_bounds(act, 30, 516, [], 30, FPS, replace(settings, burst_boost=5.0)) == []
