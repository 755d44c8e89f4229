"""A frozen picture (session 39, ``SegmentSettings.freeze_level``, an experiment off by default): where the source
holds one picture for a while (a stalled stream, frames dropped and held) the motion is nil, and the rest rules take
it for still hands. With ``freeze_level`` on, the frozen run is read from its neighbours. Not adopted (the long
group's freezes were doing its splitting: docs/ARCHITECTURE.md, Segmentation); on hand-made series (no video)."""

from dataclasses import replace

import numpy as np

from media_pipeline.segmentation import SegmentSettings, segment_steps
from media_pipeline.segmentation.kernel_cpd import fill_frozen
from tests.media_pipeline.test_segmentation_bursts import LONG, _motion

FPS = 10.0  # the series' rate, as _motion makes them


def _gesture_with_a_freeze() -> np.ndarray:
    """3 s rest, 40 s of one gesture whose picture freezes (nil motion) for 3 s from 23 s (longer than a hold),
    5 s rest."""
    rng = np.random.default_rng(1)
    work = rng.uniform(2.0, 4.0, 400)
    work[200:230] = 0.0
    return np.concatenate([np.full(30, 0.05), work, np.full(50, 0.05)])


def test_a_frozen_picture_inside_a_gesture_is_no_rest_when_on():
    motion = _motion(_gesture_with_a_freeze())
    off = segment_steps(motion, None, SegmentSettings(**LONG))  # a 40-s gesture: no 30-s split (session 46)
    assert len(off) == 2 and 22.0 <= off[0].end <= 24.0 and 25.0 <= off[1].start <= 27.0, off  # default: a rest
    on = segment_steps(motion, None, replace(SegmentSettings(**LONG), freeze_level=0.02))
    assert len(on) == 1, on
    assert abs(on[0].start - 3.0) <= 1.0 and abs(on[0].end - 43.0) <= 1.0


def test_fill_frozen_reads_inner_runs_from_their_neighbours_only():
    peak = np.ones(60)
    peak[:5] = 0.0  # frozen from the start: left
    peak[20:30] = 0.0  # inside: filled
    peak[40:43] = 0.0  # 0.3 s: under freeze_min, left
    peak[55:] = 0.0  # frozen to the end: left
    motion = _motion(peak)
    filled = fill_frozen(motion, 0.02, 0.5)
    out = filled.features["energy_peak"]
    assert np.allclose(out[20:30], 1.0) and (out[:5] == 0).all() and (out[40:43] == 0).all() and (out[55:] == 0).all()
    assert (motion.features["energy_peak"][20:30] == 0).all()  # the motion itself is not changed
    assert fill_frozen(motion, 0.0, 0.5) is motion
    assert fill_frozen(_motion(np.zeros(40)), 0.02, 0.5).features["energy_peak"].max() == 0.0  # all frozen: left
