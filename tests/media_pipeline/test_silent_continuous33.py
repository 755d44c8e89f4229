"""Silent footage of continuous work (session 33): with no speech cue to support a weak change point,
the kernel CPD's penalty is lower (``SegmentSettings.penalty_silent``), so steps that touch, with no
rest between them, are found from motion alone; where the expert's commentary gives cues the penalty
is the usual one (the generators' spoken clips segment exactly as before)."""

from dataclasses import replace

import pytest

from media_pipeline.evaluation.harness import make_clip
from media_pipeline.evaluation.metrics import transition_misses
from media_pipeline.motion import analyse_motion
from media_pipeline.segmentation import SegmentSettings, segment_steps
from media_pipeline.segmentation.speech_cues import speech_cues

OLD = replace(SegmentSettings(), penalty_silent=SegmentSettings().penalty)


@pytest.fixture(scope="module")
def continuous_clip(tmp_path_factory):
    # First generator, seed 26 (44.7 s, five steps, two of them touching), as the tuning cache makes it.
    clip = make_clip("synthetic", 26, tmp_path_factory.mktemp("silent33"), (640, 360), 15.0)
    return clip, analyse_motion(clip.path)


def _spans(motion, transcript, settings):
    return [(p.start, p.end) for p in segment_steps(motion, transcript, settings)]


def test_silent_footage_gets_the_lower_penalty():
    st = SegmentSettings()
    assert st.penalty_silent < st.penalty


def test_touching_steps_are_found_without_speech(continuous_clip):
    clip, motion = continuous_clip
    def touching_found(settings):
        misses = transition_misses(_spans(motion, None, settings), clip.steps, clip.duration)
        return sum(1 for m in misses if m.kind == "touching" and m.outcome == "matched")
    assert touching_found(SegmentSettings()) > touching_found(OLD)
    assert len(_spans(motion, None, SegmentSettings())) > len(_spans(motion, None, OLD))


def test_spoken_footage_keeps_the_usual_penalty(continuous_clip):
    clip, motion = continuous_clip
    assert speech_cues(clip.transcript)
    assert _spans(motion, clip.transcript, SegmentSettings()) == _spans(motion, clip.transcript, OLD)
