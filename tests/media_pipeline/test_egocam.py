"""The second synthetic generator: decodable clips whose truth is consistent and whose rests are real."""

import numpy as np

from media_pipeline.evaluation.egocam import GESTURES, generate_egocam_clip
from media_pipeline.frames import probe_geometry
from media_pipeline.motion import analyse_motion


def test_egocam_clip_and_truth(tmp_path):
    c = generate_egocam_clip(tmp_path / "e.mp4", 7, duration=30)
    g = probe_geometry(c.path)
    assert (g.width, g.height) == (c.width, c.height) and abs(g.duration - c.duration) < 0.3
    assert c.steps and set(c.gestures) <= set(GESTURES) and len(c.gestures) == len(c.steps)
    for (s0, e0), (s1, _e1) in zip(c.steps, c.steps[1:], strict=False):
        assert s0 < e0 <= s1
    assert c.steps[-1][1] <= c.duration
    # Words come as Whisper gives them (no leading space), inside the clip.
    words = [w for seg in c.transcript["segments"] for w in seg["words"]]
    assert words and all(w["word"] == w["word"].strip() and 0 <= w["start"] < w["end"] <= c.duration
                         for w in words)
    # The head never stops moving: camera motion during rests as well as during work.
    m = analyse_motion(c.path)
    cam = np.asarray(m.features["camera"])
    t = np.asarray(m.times)
    work = np.zeros(t.size, bool)
    for s, e in c.steps:
        work |= (t >= s) & (t < e)
    assert (~work).any() and np.median(cam[~work]) > 0.05


def test_egocam_is_reproducible_and_varied(tmp_path):
    a = generate_egocam_clip(tmp_path / "a.mp4", 3, duration=20)
    b = generate_egocam_clip(tmp_path / "b.mp4", 3, duration=20)
    assert a.steps == b.steps and a.transcript == b.transcript
    lenses = {generate_egocam_clip(tmp_path / f"l{i}.mp4", i, duration=8, size=(160, 120)).lens for i in range(8)}
    assert len(lenses) >= 2
