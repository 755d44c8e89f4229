"""Repeated pictures (footage under 10 i/s, dropped frames) take their share of the next real picture's motion."""

import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from media_pipeline.motion import MotionSettings, analyse_motion
from media_pipeline.repeated_frames import REPEAT_RESIDUAL, fill_repeated_frames, repeated_runs

VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")


def _features(residual, energy):
    residual, energy = np.asarray(residual, float), np.asarray(energy, float)
    return {"intensity_residual": residual.copy(), "hands_peak": energy.copy(), "energy": energy.copy(),
            "moving_frac": np.where(residual < REPEAT_RESIDUAL, 0.0, 0.3), "brightness": np.full(residual.size, 90.0)}


def test_a_run_of_copies_shares_the_motion_of_the_next_real_picture():
    # 10 i/s from a 4 i/s source: real, copy, copy, real (moved over 3 intervals), copy, real ...
    residual = [2.0, 0.0, 0.0, 3.0, 0.0, 2.5, 2.0]
    energy = [1.0, 0.0, 0.0, 0.9, 0.0, 0.6, 0.4]
    f = _features(residual, energy)
    done = fill_repeated_frames(f, fps=10.0, max_run=1.0)
    assert (done.filled, done.runs) == (3, 2)
    np.testing.assert_allclose(f["hands_peak"], [1.0, 0.3, 0.3, 0.3, 0.3, 0.3, 0.4])
    np.testing.assert_allclose(f["intensity_residual"][1:4], 1.0)
    np.testing.assert_allclose(f["moving_frac"], [0.3] * 7)  # where it moves: the real picture's, not divided
    np.testing.assert_allclose(f["brightness"], 90.0)  # not a motion: untouched


def test_a_frozen_camera_the_edges_and_footage_of_copies_only_stay_still():
    fps = 10.0
    frozen = [2.0] + [0.0] * 15 + [2.0, 2.0]  # 1.5 s of the same picture inside: a frozen camera, not a low rate
    assert repeated_runs(np.array(frozen), fps, max_run=1.0) == []
    assert repeated_runs(np.array(frozen), fps, max_run=2.0) == [(1, 16)]
    assert repeated_runs(np.array([2.0, 2.0, 0.0, 0.0]), fps, 1.0) == []  # copies to the end: nothing after
    assert repeated_runs(np.array([0.0, 0.0, 0.0, 0.0]), fps, 1.0) == []  # black or frozen throughout
    assert repeated_runs(np.array([0.0, 2.0, 0.0, 2.0]), fps, 1.0) == [(2, 3)]  # frame 0 has no predecessor
    f = _features(frozen, [1.0] + [0.0] * 15 + [1.0, 1.0])
    before = {k: v.copy() for k, v in f.items()}
    assert fill_repeated_frames(f, fps, max_run=1.0).filled == 0
    assert all(np.array_equal(f[k], before[k]) for k in f)
    assert fill_repeated_frames(f, fps, max_run=0.0).filled == 0  # 0: never


@pytest.mark.skipif(not VTEST.exists(), reason="opencv-doc absent (make setup installs it)")
def test_a_real_camera_never_repeats_and_its_4_fps_copy_is_filled(tmp_path):
    """opencv-doc's vtest.avi (a real camera): no frame is taken for a copy at its own rate; re-encoded at
    4 i/s, the ~60 % of analysed frames that repeat a picture are filled, and only with the default."""
    native = tmp_path / "vtest.mp4"
    low = tmp_path / "vtest-4fps.mp4"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(VTEST), "-t", "12", "-an",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", str(native)], check=True)
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(native), "-vf", "fps=4",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", str(low)], check=True)
    assert analyse_motion(native).extra["repeated_frames"] == 0
    filled = analyse_motion(low)
    raw = analyse_motion(low, replace(MotionSettings(), repeat_fill_max=0.0))
    assert 0.5 * len(filled) <= filled.extra["repeated_frames"] <= 0.65 * len(filled)
    assert raw.extra["repeated_frames"] == 0
    # Without the fill, the copies read as frames where nothing moved at all; with it, none does.
    peak_raw, peak = raw.array("hands_peak")[1:], filled.array("hands_peak")[1:]
    assert np.mean(peak_raw < 1e-3) > 0.5
    assert np.mean(peak < 1e-3) < 0.05
