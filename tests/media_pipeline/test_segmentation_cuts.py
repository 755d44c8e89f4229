"""Cuts between joined takes (session 42, ``segmentation/cuts.py``, ``SegmentSettings.cut_ratio``).

Walk 42 uploaded six real takes joined end to end and got four steps, one of its five joins at a limit: a join
carries no motion of its own. Real camera footage from opencv-doc (vtest.avi, a street; tree.avi, a tree in the
wind), joined with ffmpeg, and the same street filmed continuously."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from media_pipeline.motion import analyse_motion
from media_pipeline.segmentation import SegmentSettings, segment_steps
from media_pipeline.segmentation.cuts import find_cuts, split_at_cuts

DATA = Path("/usr/share/doc/opencv-doc/examples/data")
pytestmark = pytest.mark.skipif(not (DATA / "vtest.avi").exists(), reason="opencv-doc is installed by make setup")


def _encode(out: Path, args: list[str]) -> Path:
    subprocess.run(["ffmpeg", "-y", "-nostdin", "-v", "error", *args, "-c:v", "libx264", "-preset", "veryfast",
                    str(out)], check=True)
    return out


@pytest.fixture(scope="module")
def joined(tmp_path_factory) -> Path:
    """12 s of the street, 12 s of the tree, 12 s of the street 40 s later: joins at 12 and 24 s."""
    part = "trim=0:12,setpts=PTS-STARTPTS,scale=480:360,setsar=1,fps=25"
    graph = (f"[0:v]{part}[a];[1:v]{part}[b];[0:v]trim=40:52,setpts=PTS-STARTPTS,scale=480:360,setsar=1,fps=25[c];"
             "[a][b][c]concat=n=3:v=1:a=0[v]")
    return _encode(tmp_path_factory.mktemp("cuts") / "joined.mp4",
                   ["-i", str(DATA / "vtest.avi"), "-i", str(DATA / "tree.avi"), "-filter_complex", graph,
                    "-map", "[v]"])


def test_joins_of_real_takes_are_found_and_continuous_footage_has_none(joined, tmp_path):
    motion = analyse_motion(joined)
    times, f = np.asarray(motion.times), motion.features
    found = [float(times[i]) for i in find_cuts(f["hist_change"], f["intensity_residual"], 2.0, 0.1)]
    assert len(found) == 2 and abs(found[0] - 12.0) <= 0.5 and abs(found[1] - 24.0) <= 0.5, found
    assert find_cuts(f["hist_change"], f["intensity_residual"], 0.0, 0.1) == []  # off
    # The same street, 36 s without a join (people walking in and out, lighting moving): nothing.
    street = _encode(tmp_path / "street.mp4", ["-i", str(DATA / "vtest.avi"), "-t", "36", "-vf", "scale=480:360"])
    features = analyse_motion(street).features
    assert find_cuts(features["hist_change"], features["intensity_residual"], 2.0, 0.1) == []


def test_with_cuts_on_no_step_runs_across_a_join(joined):
    motion = analyse_motion(joined)
    steps = segment_steps(motion, None, replace(SegmentSettings(use_speech=False), cut_ratio=2.0))
    limits = [s.start for s in steps] + [s.end for s in steps]
    for join in (12.0, 24.0):
        assert not any(s.start + 0.5 < join < s.end - 0.5 for s in steps), (join, steps)
        assert min(abs(t - join) for t in limits) <= 0.5, (join, steps)


def test_a_picture_held_then_moving_on_is_no_cut_but_a_join_spread_over_copies_is():
    rng = np.random.default_rng(3)
    h = rng.uniform(0.005, 0.02, 120)
    residual = rng.uniform(0.6, 3.0, 120)  # a camera: no two pictures alike
    h[40:55] = residual[40:55] = 0.0  # a stalled source: 1.5 s of the same picture
    h[55] = 0.3  # then the picture moves on: not a new take
    assert find_cuts(h, residual, 2.0, 0.1) == []
    residual[40:55] = 0.8
    assert find_cuts(h, residual, 2.0, 0.1) == [55]  # a still scene filmed: the jump is a join
    h[55] = 0.01
    h[80:85] = 0.4 / 5  # footage under 10 i/s: a join's change spread over the copies before the new picture
    assert find_cuts(h, residual, 2.0, 0.1) == [84]
    h[80:85] = rng.uniform(0.15, 0.3, 5)  # a fast gesture: several high frames in a row
    assert find_cuts(h, residual, 2.0, 0.1) == []


def test_split_at_cuts_moves_a_close_limit_and_splits_a_step_but_leaves_rests():
    spans = [(0, 100, 0.5, 0.7), (100, 200, 0.7, 0.5), (260, 400, 0.5, 0.5)]
    out = split_at_cuts(spans, [112, 230, 330], min_len=18, snap=15)
    # 112: the shared limit at 100 moves onto it; 230: inside the rest 200-260, nothing; 330: the step is cut.
    assert [(s, e) for s, e, _a, _b in out] == [(0, 112), (112, 200), (260, 330), (330, 400)], out
    assert out[0][3] == out[1][2] == 0.9 and out[2][3] == out[3][2] == 0.9
    # A cut too close to a step's end that borders a rest changes nothing (no sliver step).
    assert split_at_cuts([(0, 100, 0.5, 0.5)], [95], min_len=18, snap=15) == [(0, 100, 0.5, 0.5)]
