"""Motion analysis memory stays flat in footage length: frames stream, features are small rows."""

import subprocess
import tracemalloc

from media_pipeline.motion import analyse_motion


def _peak_mb(path):
    tracemalloc.start()
    try:
        m = analyse_motion(path)
        _cur, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return m, peak / 2**20


def test_six_times_longer_footage_costs_no_more_than_a_few_mb(tmp_path):
    paths = {}
    for seconds in (15, 90):
        paths[seconds] = tmp_path / f"{seconds}.mp4"
        subprocess.run(["ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i",
                        f"testsrc2=size=320x180:rate=10:duration={seconds}", "-c:v", "libx264", "-preset",
                        "ultrafast", "-pix_fmt", "yuv420p", str(paths[seconds])], check=True)
    short, peak_short = _peak_mb(paths[15])
    long, peak_long = _peak_mb(paths[90])
    assert len(long) == 6 * len(short)
    # 750 more frames: their features are ~100 kB; kept frames (37 kB each) would add ~27 MB.
    assert peak_long - peak_short < 8, (peak_short, peak_long)
