"""The synthetic clip generator: reproducible, consistent ground truth, narration in the transcript."""

import json
import subprocess

import numpy as np
import pytest

from media_pipeline.evaluation.synthetic import generate_clip


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return generate_clip(tmp_path_factory.mktemp("syn") / "c.mp4", 41, size=(640, 360), fps=15, duration=30)


def _probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,width,height",
                          "-show_entries", "format=duration", "-of", "json", path],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_clip_file_and_truth(clip):
    info = _probe(clip.path)
    kinds = {s["codec_type"] for s in info["streams"]}
    assert kinds == {"video", "audio"}
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (640, 360)
    assert abs(float(info["format"]["duration"]) - 30) < 0.5
    assert len(clip.steps) >= 2
    for (s0, e0), (s1, _e1) in zip(clip.steps, clip.steps[1:], strict=False):
        assert s0 < e0 <= s1
    assert all(e - s >= 4.0 for s, e in clip.steps)
    assert all(a != b for a, b in zip(clip.gestures, clip.gestures[1:], strict=False))  # distinct gestures in a row


def test_transcript_is_french_and_timed(clip):
    segs = clip.transcript["segments"]
    assert clip.transcript["language"] == "fr" and segs
    assert segs[0]["text"].strip().startswith("D'abord")
    for seg in segs:
        assert 0 <= seg["start"] < seg["end"] <= clip.duration + 1e-6
        assert seg["words"] and seg["words"][0]["start"] >= seg["start"] - 1e-6
    json.dumps(clip.transcript)  # plain JSON types only


def test_reproducible_and_varied(tmp_path):
    a = generate_clip(tmp_path / "a.mp4", 7, size=(320, 180), fps=10, duration=20, narration=False)
    b = generate_clip(tmp_path / "b.mp4", 7, size=(320, 180), fps=10, duration=20, narration=False)
    c = generate_clip(tmp_path / "c.mp4", 8, size=(320, 180), fps=10, duration=20, narration=False)
    assert a.steps == b.steps and a.gestures == b.gestures
    assert (a.steps, a.gestures) != (c.steps, c.gestures)
    frames = [subprocess.run(["ffmpeg", "-v", "error", "-ss", "5", "-i", p, "-frames:v", "1", "-f", "rawvideo",
                              "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout
              for p in (a.path, c.path)]
    assert np.abs(np.frombuffer(frames[0], np.uint8).astype(int)
                  - np.frombuffer(frames[1], np.uint8).astype(int)).mean() > 10  # different looks
