"""Motion features on real ffmpeg output: synthetic clips with known steps and real camera video."""

import gzip
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from media_pipeline.errors import PermanentMediaError
from media_pipeline.evaluation.synthetic import generate_clip
from media_pipeline.frames import FrameSettings, iter_frames, probe_geometry
from media_pipeline.motion import MotionSeries, analyse_motion
from tests.conftest import require
from tests.mediagen import make_clip

VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return generate_clip(tmp_path_factory.mktemp("mot") / "c.mp4", 42, size=(640, 360), fps=15, duration=30)


@pytest.fixture(scope="module")
def motion(clip):
    return analyse_motion(clip.path)


@pytest.fixture(scope="module")
def vtest(tmp_path_factory):
    if VTEST.exists():
        return VTEST
    gz = VTEST.with_suffix(".avi.gz")
    require(gz.exists(), "vidéo d'exemple OpenCV (vtest.avi)", "installez le paquet Debian opencv-doc")
    out = tmp_path_factory.mktemp("vt") / "vtest.avi"
    with gzip.open(gz) as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return out


def test_frames_are_small_subsampled_and_report_progress(tmp_path):
    src = make_clip(tmp_path / "r.mp4", duration=3.0, size="640x360", fps=25, audio=None, rotate=90)
    geo = probe_geometry(src)
    assert (geo.width, geo.height) == (360, 640)  # display rotation applied
    seen = []
    frames = list(iter_frames(src, FrameSettings(width=128, fps=10), progress=seen.append))
    assert 29 <= len(frames) <= 31
    t, f = frames[-1]
    assert f.shape == (228, 128) and f.dtype == np.uint8  # portrait, even height
    assert seen[-1] == 100 and seen == sorted(seen)


def test_bad_input_gets_french_message(tmp_path):
    fake = tmp_path / "fake.mp4"
    fake.write_text("pas une vidéo")
    with pytest.raises(PermanentMediaError) as err:
        analyse_motion(fake)
    assert "vidéo" in err.value.message


def test_hands_move_more_in_steps_than_in_rests(clip, motion):
    t = np.array(motion.times)
    e = motion.array("energy_peak")
    inside = np.zeros(t.size, bool)
    for s, end in clip.steps:
        inside |= (t >= s + 0.5) & (t < end - 0.5)
    rest = np.ones(t.size, bool)
    for s, end in clip.steps:
        rest &= (t < s - 0.7) | (t > end + 0.7)
    assert rest.sum() > 10, "the seed must contain rests"
    assert np.median(e[inside]) > 1.5 * np.median(e[rest])


def test_series_round_trip_and_curve(motion):
    assert abs(motion.fps - 10) < 1e-9 and len(motion) == len(motion.times) > 280
    d = motion.to_dict()
    back = MotionSeries.from_dict(d)
    assert back.features.keys() == motion.features.keys() and len(back) == len(motion)
    curve = motion.curve()["activity"]
    assert len(curve) == len(motion) and 0 <= min(curve) and max(curve) <= 1
    assert all(round(v, 3) == v for v in curve[:50])


def test_camera_motion_is_compensated(tmp_path):
    """A pure pan of a textured still picture: big camera motion, little residual motion."""
    rng = np.random.default_rng(0)
    import subprocess

    import cv2

    big = cv2.resize(rng.integers(0, 255, (90, 160), dtype=np.uint8), (1280, 720), interpolation=cv2.INTER_CUBIC)
    big = cv2.cvtColor(big, cv2.COLOR_GRAY2BGR)
    out = tmp_path / "pan.mp4"
    proc = subprocess.Popen(["ffmpeg", "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", "640x360",
                             "-r", "10", "-i", "-", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                             str(out)], stdin=subprocess.PIPE)
    for k in range(40):
        x = int(100 + 6 * k)
        proc.stdin.write(np.ascontiguousarray(big[100:460, x:x + 640]).tobytes())
    proc.stdin.close()
    assert proc.wait() == 0
    m = analyse_motion(out)
    cam = np.median(np.abs(m.array("camera_dx")[2:]))
    assert cam > 0.5  # 6 px of 640 per frame = ~0.94 % of the width
    assert np.median(m.array("energy")[2:]) < 0.2 * cam


def test_real_camera_video(vtest):
    m = analyse_motion(vtest)
    assert m.duration > 60 and len(m) > 600
    assert m.array("energy_peak").max() > 0.5  # walking people are seen as local motion


def test_frames_sized_by_ffmpeg_while_ffprobe_runs_match_the_probed_size(tmp_path):
    """ffprobe and ffmpeg start together: ffmpeg sizes the frames itself (scale -2), and the reader's
    size rounds exact halves as ffmpeg does (512x282 at 256 wide: 141 -> 142, not 140)."""
    src = make_clip(tmp_path / "half.mp4", duration=2.0, size="512x282", fps=25, audio=None)
    geo = probe_geometry(src)
    free = list(iter_frames(src, FrameSettings(width=256, fps=10, gray=False)))
    sized = list(iter_frames(src, FrameSettings(width=256, fps=10, gray=False), geometry=geo))
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(src), "-frames:v", "1", "-vf", "scale=256:-2",
                          "-f", "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout
    assert len(out) == 256 * 142
    assert free[0][1].shape == sized[0][1].shape == (142, 256, 3)
    assert len(free) == len(sized) == 20
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(free, sized, strict=True))
    # A missing file is still refused before ffmpeg starts, in French.
    with pytest.raises(PermanentMediaError, match="introuvable"):
        list(iter_frames(tmp_path / "absent.mp4"))


def test_features_are_kept_as_float64_arrays_and_the_json_form_is_unchanged(motion):
    """One array per feature (not a list of boxed floats: an hour is 9 MB, not 37), read and
    written as before: to_dict gives plain lists of 4-decimal floats, from_dict reads them back."""
    import json

    assert all(isinstance(v, np.ndarray) and v.dtype == np.float64 for v in motion.features.values())
    d = motion.to_dict()
    assert list(d) == ["fps", "times", "features", "width", "height", "duration", "source", "extra"]
    assert all(type(v) is list and all(type(x) is float for x in v) for v in d["features"].values())
    text = json.dumps(d)
    back = MotionSeries.from_dict(json.loads(text))
    assert all(isinstance(v, np.ndarray) for v in back.features.values())
    assert json.dumps(back.to_dict()) == text  # a round trip changes nothing
    lists = MotionSeries(fps=10.0, times=[0.0, 0.1], features={"energy": [1, 2.5]}, width=2, height=2, duration=0.2)
    assert lists.to_dict()["features"] == {"energy": [1.0, 2.5]}
