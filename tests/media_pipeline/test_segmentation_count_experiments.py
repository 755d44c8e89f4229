"""The step-count experiments kept off the default (branch seg20, see docs/ARCHITECTURE.md): the
rhythm prior's period finder and the relative-gain count, on hand-made series; off by default they
leave the segmentation as it was."""

from dataclasses import replace

import numpy as np

from media_pipeline.motion import MotionSeries
from media_pipeline.segmentation import SegmentSettings, segment_steps
from media_pipeline.segmentation.kernel_cpd import _gain_bounds, rhythm_period

FPS = 10.0


def test_rhythm_period_finds_a_clear_period_and_none_in_noise():
    t = np.arange(300) / FPS
    period, corr = rhythm_period(np.sin(2 * np.pi * t / 3.0), FPS, 1.5, 8.0)
    assert abs(period / FPS - 3.0) <= 0.2 and corr > 0.8
    _p, corr_noise = rhythm_period(np.random.default_rng(1).normal(size=300), FPS, 1.5, 8.0)
    assert corr_noise < 0.3
    assert rhythm_period(np.ones(300), FPS, 1.5, 8.0) == (0.0, 0.0)  # flat: no period
    assert rhythm_period(np.sin(t)[:20], FPS, 1.5, 8.0) == (0.0, 0.0)  # shorter than two periods


def test_gain_count_keeps_the_real_changes_only():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(m, 0.1, (40, 2)) for m in (0.0, 2.0, -1.0)])
    bk = _gain_bounds(x, 10, 0.1, 1)
    assert len(bk) == 2 and abs(bk[0] - 40) <= 2 and abs(bk[1] - 80) <= 2
    assert _gain_bounds(rng.normal(0, 0.1, (120, 2)), 10, 0.1, 1) == []  # noise: no step boundary
    assert _gain_bounds(x[:15], 10, 0.1, 1) == []  # too short for two steps


def _motion(peak: np.ndarray) -> MotionSeries:
    n = len(peak)
    feats = {"hands_peak": peak.tolist(), "energy_peak": peak.tolist(), "energy_center": (peak / 3).tolist(),
             "periodicity": [0.05] * n, "period": [0.5] * n, "centroid_x": [0.5] * n, "centroid_y": [0.6] * n,
             "horizontality": [0.5] * n, "moving_frac": (0.01 + peak / 50).tolist(), "blur": [100.0] * n,
             "camera": [0.2] * n}
    return MotionSeries(fps=FPS, times=[i / FPS for i in range(n)], features=feats, width=256, height=144,
                        duration=n / FPS)


def test_off_by_default_and_on_when_asked():
    t = np.arange(120) / FPS  # a 12-s excerpt whose activity beats every 3 s
    m = _motion(2.0 + 1.5 * np.sin(2 * np.pi * t / 3.0))
    base = segment_steps(m, None, SegmentSettings())
    assert SegmentSettings().rhythm_corr == 0 and SegmentSettings().count_gain == 0
    rhythm = segment_steps(m, None, replace(SegmentSettings(), rhythm_corr=0.5))
    assert len(rhythm) == 4 and [(s.start, s.end) for s in base] != [(s.start, s.end) for s in rhythm]
