"""Split hints (« Coupes suggérées », session 37): beside the steps, the kernel change points found inside
each step at a fraction of the penalty and not kept. The steps themselves never change."""

import math
from dataclasses import replace

import pytest

from media_pipeline.evaluation.harness import make_clip
from media_pipeline.evaluation.metrics import transition_misses
from media_pipeline.motion import analyse_motion
from media_pipeline.segmentation import (
    HintSettings,
    SegmentSettings,
    SplitHint,
    segment_steps,
    segment_with_hints,
)
from media_pipeline.segmentation.kernel_cpd import clip_scale

# Before session 33 silent footage had the usual penalty: on this clip two touching steps were then merged.
MERGING = replace(SegmentSettings(), penalty_silent=SegmentSettings().penalty)


@pytest.fixture(scope="module")
def continuous_clip(tmp_path_factory):
    # First generator, seed 26 (44.7 s, five steps, two of them touching at 30.9 s), as the tuning cache makes it.
    clip = make_clip("synthetic", 26, tmp_path_factory.mktemp("hints37"), (640, 360), 15.0)
    return clip, analyse_motion(clip.path)


def test_a_hint_points_at_the_transition_the_steps_merged(continuous_clip):
    clip, motion = continuous_clip
    seg = segment_with_hints(motion, None, MERGING)
    missed = [m for m in transition_misses([(p.start, p.end) for p in seg.steps], clip.steps, clip.duration)
              if m.outcome != "matched" and m.kind == "touching"]
    assert missed, "the clip no longer merges two steps under the old penalty: pick another"
    for m in missed:
        assert any(abs(h.time - m.start) <= 1.0 for h in seg.hints), (m, seg.hints)


@pytest.mark.parametrize("settings", [SegmentSettings(), MERGING, SegmentSettings(use_speech=False)])
def test_the_steps_do_not_change_with_hints(continuous_clip, settings):
    clip, motion = continuous_clip
    transcript = clip.transcript if settings.use_speech else None
    assert segment_with_hints(motion, transcript, settings).steps == segment_steps(motion, transcript, settings)


def test_hints_keep_a_minimum_step_from_limits_and_one_another_strongest_first(continuous_clip):
    clip, motion = continuous_clip
    seg = segment_with_hints(motion, None, MERGING, HintSettings(fraction=0.2, per_minute=60.0))
    assert seg.hints and all(isinstance(h, SplitHint) and 0.0 <= h.strength <= 1.0 for h in seg.hints)
    gap = clip_scale(MERGING, clip.duration).min_step
    limits = {t for p in seg.steps for t in (p.start, p.end)}
    for i, h in enumerate(seg.hints):
        assert any(p.start < h.time < p.end for p in seg.steps)  # inside a step, never in a rest
        assert all(abs(h.time - t) >= gap - 0.02 for t in limits)
        assert all(abs(h.time - o.time) >= gap - 1e-6 for o in seg.hints[:i])
    assert [h.strength for h in seg.hints] == sorted((h.strength for h in seg.hints), reverse=True)
    assert seg.hints[0].to_dict() == {"time": round(seg.hints[0].time, 2), "strength": round(seg.hints[0].strength, 3)}


def test_hints_are_capped_per_minute_and_can_be_turned_off(continuous_clip):
    clip, motion = continuous_clip
    capped = segment_with_hints(motion, None, MERGING, HintSettings(fraction=0.2, per_minute=1.0)).hints
    assert len(capped) == math.ceil(clip.duration / 60.0)
    assert segment_with_hints(motion, None, MERGING, HintSettings(fraction=0.0)).hints == []


def test_baselines_give_no_hints(continuous_clip):
    clip, motion = continuous_clip
    seg = segment_with_hints(motion, None, replace(SegmentSettings(), method="uniform", true_count=5))
    assert len(seg.steps) == 5 and seg.hints == []
