"""The drafted hotspot zone: where the hands work around a time, checked against the synthetic
clips' ground truth (the working hand's screen position, recorded while rendering)."""

from __future__ import annotations

import numpy as np
import pytest

from media_pipeline.evaluation.synthetic import generate_clip
from media_pipeline.hotspot import MAX_SIZE, MIN_SIZE, activity_region
from media_pipeline.motion import analyse_motion
from tests.mediagen import make_clip


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("hot")
    out = []
    for seed in (201, 204):  # not among the seeds 101-105 that SCALE was tuned on
        clip = generate_clip(d / f"c{seed}.mp4", seed, size=(640, 360), fps=15, duration=30, narration=False)
        out.append((clip, analyse_motion(clip.path)))
    return out


def test_region_contains_the_working_hand(clips):
    hits = total = 0
    areas = []
    for clip, motion in clips:
        assert clip.hands, "the generator records the working hand"
        for start, end in clip.steps:
            for t in np.linspace(start + 0.8, end - 0.8, 3):
                _, x, y = min(clip.hands, key=lambda h: abs(h[0] - t))
                region = activity_region(motion, float(t))
                total += 1
                if region is not None:
                    hits += region.contains(x, y)
                    areas.append(region.w * region.h)
                    assert MIN_SIZE - 1e-9 <= region.w <= MAX_SIZE + 1e-9
                    assert 0 <= region.x and region.x + region.w <= 1 + 1e-9
    # Measured 0.98 on seeds 201-206 with mean area 0.23 (a fixed centre box of area 0.16: 0.63).
    assert total >= 12 and hits / total >= 0.85, (hits, total)
    assert float(np.mean(areas)) <= 0.35


def test_no_region_where_nothing_moves(tmp_path):
    still = tmp_path / "still.mp4"
    import subprocess

    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:s=320x180:d=3:r=10",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", str(still)], check=True)
    assert activity_region(analyse_motion(still), 1.5) is None
    moving = make_clip(tmp_path / "m.mp4", duration=3, size="320x180", audio=None)
    assert activity_region(analyse_motion(moving), 1.5) is not None
