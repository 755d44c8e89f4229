"""The "hands seen working" verdict: generated motion series, and a test pattern through the real analysis."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from media_pipeline.hands import palm_model_path
from media_pipeline.handwork import HandworkVerdict, handwork_verdict
from media_pipeline.motion import MotionSeries, MotionSettings, analyse_motion


def _series(palm_score: np.ndarray, palm_y: np.ndarray, camera: float, fps: float = 10.0) -> MotionSeries:
    n = len(palm_score)
    rng = np.random.default_rng(0)
    return MotionSeries(fps=fps, times=list(np.arange(n) / fps), width=256, height=144, duration=n / fps,
                        features={"palm_score": list(palm_score), "palm_y": list(palm_y),
                                  "camera": list(np.abs(camera + 0.05 * rng.standard_normal(n)))},
                        extra={"palm_detector": True})


def test_still_camera_without_palms_is_not_hand_work():
    n = 300
    v = handwork_verdict(_series(np.zeros(n), np.zeros(n), camera=0.03))
    assert not v.hands_seen_working and v.share == 0.0
    assert "Caméra fixe" in v.reason


def test_palms_in_the_working_field_are_hand_work_even_on_a_still_camera():
    n = 300
    score = np.where((np.arange(n) // 10) % 2 == 0, 0.85, 0.1)  # a palm once a second, every other second
    v = handwork_verdict(_series(score, np.full(n, 0.7), camera=0.03))
    assert v.hands_seen_working and v.share > 0.5


def test_palms_high_in_the_picture_are_not_in_the_working_field():
    n = 300
    v = handwork_verdict(_series(np.full(n, 0.9), np.full(n, 0.1), camera=0.03))
    assert not v.hands_seen_working


def test_a_moving_head_camera_is_never_warned_on():
    """Conservative: first-person footage without palms in view (brush painting) gets no warning."""
    n = 300
    assert handwork_verdict(_series(np.zeros(n), np.zeros(n), camera=1.5)).hands_seen_working


def test_without_the_palm_detector_the_verdict_is_unknown_and_quiet():
    n = 100
    m = _series(np.zeros(n), np.zeros(n), camera=0.0)
    m.extra["palm_detector"] = False
    v = handwork_verdict(m)
    assert v.hands_seen_working and v.share is None
    assert HandworkVerdict.from_dict(v.to_dict()) == v


@pytest.mark.skipif(palm_model_path() is None, reason="palm detector weights not installed")
def test_test_pattern_through_the_real_analysis_shows_no_hand_work(tmp_path):
    """ffmpeg's test pattern (a fixed frame whose gradient and counter move, no hands): a still camera."""
    clip = tmp_path / "pattern.mp4"
    subprocess.run(["ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=25:duration=6",
                    "-pix_fmt", "yuv420p", "-c:v", "libx264", str(clip)], check=True)
    v = handwork_verdict(analyse_motion(clip, MotionSettings()))
    assert not v.hands_seen_working, v
