"""The appearance change less the clip's own jitter: a dark, grainy picture of a still bench does not read as a
change of what is worked on, a real change of scene still does (issue 13: the real set darkened and noised was
over-split by kernel_cpd's appearance veto)."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from media_pipeline.appearance import appearance_change, weights_path
from media_pipeline.motion import MotionSettings, analyse_motion
from tests.conftest import require

DATA = Path("/usr/share/doc/opencv-doc/examples/data")
GRAIN = "eq=brightness=-0.25:contrast=0.6,noise=alls=24:allf=t"


def _still_then_cut(path: Path, vf: str) -> float:
    """opencv-doc's fruits photograph held still for 8 s then baboon.jpg for 4 s, 384x288 at 10 i/s, through
    ``vf``: a scene where nothing changes but the sensor's grain, then a real change at 8 s."""
    for name in ("fruits.jpg", "baboon.jpg"):
        require((DATA / name).exists(), "Photos d'exemple OpenCV", "apt-get install opencv-doc")
    graph = (f"[0]scale=384:288,setsar=1,fps=10[a];[1]scale=384:288,setsar=1,fps=10[b];"
             f"[a][b]concat=n=2:v=1,{vf},format=yuv420p")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-loop", "1", "-t", "8", "-i", str(DATA / "fruits.jpg"),
                    "-loop", "1", "-t", "4", "-i", str(DATA / "baboon.jpg"), "-filter_complex", graph,
                    "-c:v", "libx264", "-crf", "20", str(path)], check=True)
    return 8.0


def test_noise_alone_is_taken_off_and_a_real_change_kept():
    """Embeddings of one look plus independent noise, then another look: the plain distance of the 1.5-s means
    reads the noise as change everywhere; less the jitter it stays near nothing, and the real change keeps its
    size."""
    rng = np.random.default_rng(3)
    times = np.arange(40) / (10 / 3)
    look_a, look_b = np.zeros(64), np.zeros(64)
    look_a[0], look_b[1] = 1.0, 1.0
    emb = np.where((times < 6.0)[:, None], look_a, look_b) + rng.normal(0, 0.12, (40, 64))
    plain = appearance_change(times, emb, relative=False)
    less = appearance_change(times, emb, relative=False, noise_quantile=50)
    still = (times > 1.5) & (times < 4.4)
    assert plain[still].mean() > 0.25, plain[still].mean()
    assert less[still].mean() < 0.5 * plain[still].mean(), (less[still].mean(), plain[still].mean())
    assert less.max() > 0.9 * plain.max() and abs(times[int(np.argmax(less))] - 6.0) <= 0.4


@pytest.mark.skipif(weights_path() is None, reason="poids EfficientNet-Lite0 absents")
def test_a_grainy_still_bench_is_not_read_as_a_change(tmp_path):
    """End to end through the default analysis: the grain of a dark picture raises the appearance change over
    the still scene by a third of the veto (0.40) and more; the default analysis takes a third or more off (the
    encoder carries part of the grain from one picture to the next, where it cannot be told from the scene), and
    the cut stays far over the veto."""
    clean, grainy = tmp_path / "clean.mp4", tmp_path / "grainy.mp4"
    cut = _still_then_cut(clean, "null")
    _still_then_cut(grainy, GRAIN)

    def column(video: Path, settings: MotionSettings) -> tuple[float, float]:
        motion = analyse_motion(video, settings)
        change, times = motion.features["appearance_change"], np.asarray(motion.times)
        return float(change[times < cut - 1.6].max()), float(change.max())

    plain_still, plain_cut = column(grainy, replace(MotionSettings(), appearance_noise_quantile=0.0))
    still, at_cut = column(grainy, MotionSettings())
    clean_still, _ = column(clean, MotionSettings())
    assert clean_still < 0.05 and plain_still > 0.15, (clean_still, plain_still)
    assert still < 0.7 * plain_still, (still, plain_still)
    assert at_cut > 0.8 and at_cut > 0.97 * plain_cut, (at_cut, plain_cut)
