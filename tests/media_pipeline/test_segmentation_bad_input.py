"""Footage without work in it: segmentation stays calm (no shattering, no crash), steps stay in the clip."""

import subprocess

import cv2
import numpy as np
import pytest

from media_pipeline.evaluation.egocam import generate_egocam_clip
from media_pipeline.motion import analyse_motion
from media_pipeline.segmentation import SegmentSettings, segment_steps


def _ffmpeg(*args):
    subprocess.run(["ffmpeg", "-y", "-v", "error", *map(str, args)], check=True)


def _check(path, max_steps):
    m = analyse_motion(path)
    for speech in (False, True):
        steps = segment_steps(m, {"segments": []} if speech else None, SegmentSettings(use_speech=speech))
        assert len(steps) <= max_steps, steps
        for s in steps:
            assert 0 <= s.start < s.end <= m.duration + 0.01 and s.title
    return m


def test_black_camera(tmp_path):
    out = tmp_path / "black.mp4"
    _ffmpeg("-f", "lavfi", "-i", "color=c=black:s=320x240:r=15:d=20", "-c:v", "libx264", "-pix_fmt", "yuv420p", out)
    _check(out, 1)


def test_frozen_camera(tmp_path):
    png, out = tmp_path / "f.png", tmp_path / "frozen.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", png)
    _ffmpeg("-loop", "1", "-i", png, "-t", "20", "-r", "15", "-c:v", "libx264", "-pix_fmt", "yuv420p", out)
    _check(out, 1)


def test_head_moving_over_a_bench_with_no_hands(tmp_path):
    """Continuous head motion over a still, textured bench: the camera's motion is not work."""
    rng = np.random.default_rng(5)
    big = cv2.resize(rng.integers(0, 255, (60, 100), dtype=np.uint8), (900, 600), interpolation=cv2.INTER_CUBIC)
    out = tmp_path / "nohands.mp4"
    proc = subprocess.Popen(["ffmpeg", "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "gray", "-s", "320x240",
                             "-r", "12", "-i", "-", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                             str(out)], stdin=subprocess.PIPE)
    for k in range(12 * 30):
        t = k / 12
        x = int(280 + 120 * np.sin(0.4 * t) + 20 * np.sin(1.7 * t))
        y = int(180 + 60 * np.sin(0.3 * t + 1) + 10 * np.sin(2.1 * t))
        proc.stdin.write(np.ascontiguousarray(big[y:y + 240, x:x + 320]).tobytes())
    proc.stdin.close()
    assert proc.wait() == 0
    _check(out, 2)


@pytest.mark.parametrize("seed", [2, 5])
def test_five_second_clip(tmp_path, seed):
    c = generate_egocam_clip(tmp_path / "short.mp4", seed, duration=5)
    # Steps follow the footage's length (real excerpts have 1-2 s steps): a 5-s take may hold three
    # steps of at least the floor length, never slivers.
    m = _check(c.path, 3)
    assert abs(m.duration - 5) < 0.3
    floor = SegmentSettings().min_step_floor
    for speech in (False, True):
        for s in segment_steps(m, {"segments": []} if speech else None, SegmentSettings(use_speech=speech)):
            assert s.end - s.start >= 0.6 * floor - 0.11, s
