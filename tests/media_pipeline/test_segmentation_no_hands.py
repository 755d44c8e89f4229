"""Footage where no hands ever work gets no step; footage whose hands the palm detector misses keeps them.

A fixed street camera (OpenCV's ``vtest.avi``), a black or a frozen picture went through the real
analysis and were cut into "gestures" covering all of it; the review screen now starts empty and says
why (``media_pipeline.handwork``: ``no_hands``). The guard tests start from the same real analysis
and change one cue at a time: hands whose colours come and go in the working field (gloves, dark
work where no palm is seen), or a head camera that moves: either keeps the steps.
"""

import subprocess
from pathlib import Path

import numpy as np
import pytest

from media_pipeline.hands import palm_model_path
from media_pipeline.handwork import handwork_verdict
from media_pipeline.motion import MotionSeries, analyse_motion
from media_pipeline.segmentation import SegmentSettings, segment_steps
from tests.conftest import require

VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")

pytestmark = pytest.mark.skipif(palm_model_path() is None, reason="palm detector weights not installed")


@pytest.fixture(scope="module")
def street():
    require(VTEST.exists(), "vidéo d'exemple OpenCV (vtest.avi)", "installez le paquet Debian opencv-doc")
    return analyse_motion(VTEST)


def _steps(motion):
    return [segment_steps(motion, {"segments": []} if speech else None, SegmentSettings(use_speech=speech))
            for speech in (False, True)]


def test_a_fixed_street_camera_gets_no_step(street):
    verdict = handwork_verdict(street)
    assert verdict.no_hands and not verdict.hands_seen_working
    assert "aucune étape proposée" in verdict.reason
    assert _steps(street) == [[], []]


@pytest.mark.parametrize("source", ["color=c=black:s=320x240:r=15:d=12", "testsrc2=size=320x240:r=15:d=12"])
def test_black_or_frozen_camera_gets_no_step(tmp_path, source):
    out = tmp_path / "still.mp4"
    vf = [] if source.startswith("color") else ["-vf", "select=eq(n\\,0),loop=loop=-1:size=1,trim=duration=12"]
    subprocess.run(["ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", source, *vf, "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", str(out)], check=True)
    motion = analyse_motion(out)
    assert handwork_verdict(motion).no_hands
    assert _steps(motion) == [[], []]


def _changed(motion: MotionSeries, **columns) -> MotionSeries:
    return MotionSeries(fps=motion.fps, times=motion.times, width=motion.width, height=motion.height,
                        duration=motion.duration, features={**motion.features, **columns}, extra=dict(motion.extra))


def test_hands_the_palm_detector_misses_keep_their_steps_on_a_still_camera(street):
    """Gloved or badly lit work filmed from a still camera: no palm, but the hands' colours come into the
    working field and leave it (every 8 s here)."""
    t = np.asarray(street.times, float)
    presence = np.where((t // 8) % 2 == 0, 0.25, 0.02)
    motion = _changed(street, hand_presence=list(presence), palm_score=list(np.zeros(len(t))))
    verdict = handwork_verdict(motion)
    assert not verdict.no_hands
    assert all(steps for steps in _steps(motion))


def test_a_moving_head_camera_without_palms_keeps_its_steps(street):
    """First-person brush painting: no palm seen, no hand colour contrast, but the head moves."""
    cam = np.asarray(street.features["camera"], float)
    motion = _changed(street, camera=list(cam + 1.0), palm_score=list(np.zeros(len(cam))))
    assert not handwork_verdict(motion).no_hands
    assert all(steps for steps in _steps(motion))
