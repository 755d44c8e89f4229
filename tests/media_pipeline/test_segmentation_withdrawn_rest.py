"""Hands withdrawing from the working field (session 38, ``SegmentSettings.presence_drop``: measured, not adopted,
off by default; docs/ARCHITECTURE.md, Segmentation). A still stretch where the hands' presence in the field falls
under its level around is a rest; one where it stays (a hold, an inspect) is left as work."""

from dataclasses import replace

import numpy as np

from media_pipeline.segmentation import SegmentSettings
from media_pipeline.segmentation.kernel_cpd import _withdrawn_rests

FPS = 10.0


def _series() -> tuple[np.ndarray, np.ndarray]:
    """30 s of work; two 4-s still stretches: hands withdrawn (8-12 s), hands kept in the field (18-22 s);
    a 0.5-s still moment with withdrawn hands inside the work (25 s) and a withdrawn lead-in (0-0.5 s)."""
    act, present = np.ones(300), np.full(300, 0.9)
    for a, b, p in ((80, 120, 0.4), (180, 220, 0.85), (250, 255, 0.4), (0, 5, 0.4)):
        act[a:b], present[a:b] = 0.0, p
    return act, present


def _rests(settings: SegmentSettings, speaking: np.ndarray | None = None) -> np.ndarray:
    act, present = _series()
    out = np.zeros(300, np.int8)
    _withdrawn_rests(out, act, present, np.zeros(300, bool) if speaking is None else speaking, 0.0, 1.0, 15, FPS,
                     settings)
    return out


def test_withdrawn_hands_make_a_rest_held_hands_do_not():
    out = _rests(replace(SegmentSettings(), presence_drop=0.25, drop_level=0.45))
    assert (out[80:120] == 2).all()  # presence 0.4 against 0.9 around
    assert (out[180:220] == 0).all()  # 0.85 against 0.9: the hands stay where they work
    assert (out[250:255] == 0).all()  # under min_rest inside the footage
    assert (out[0:5] == 2).all()  # any length at the footage's edge
    assert (out[5:80] == 0).all() and (out[120:180] == 0).all()
    # A larger drop is needed: the same stretch stays work.
    assert (_rests(replace(SegmentSettings(), presence_drop=0.6))[80:120] == 0).all()


def test_the_expert_speaking_keeps_it_work():
    speaking = np.zeros(300, bool)
    speaking[80:120] = True
    out = _rests(replace(SegmentSettings(), presence_drop=0.25), speaking)
    assert (out[80:120] == 0).all()


def test_off_by_default():
    assert SegmentSettings().presence_drop == 0.0
