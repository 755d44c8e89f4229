"""The synthetic clip generator: reproducible, consistent ground truth, narration in the transcript."""

import hashlib
import json
import subprocess

import numpy as np
import pytest

from media_pipeline.evaluation.synthetic import generate_clip, plan_clip


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


# The default scene's frames, as the generator drew them before it had any other scene (main at e2e1639):
# sha256 (first 16 hex digits) of 8 frames spread over each clip, raw BGR as handed to the encoder. They are
# the benchmark's tuning and held-out clips: `make run`'s tap scene must not move a pixel of them.
DEFAULT_FRAMES = {
    (7, (320, 180), 10.0, 20.0): "dda69d9c4d573e64",
    (41, (640, 360), 15.0, 30.0): "a8f997703d5638a3",
    (31, None, 25.0, None): "5aaaaa48504246be",  # size and duration drawn from the seed (1600x900, 32 s)
    (7, (1280, 720), 25.0, 40.0): "2dc4d0e3a012ea7d",  # the demo's seed, size and length
}


def _digest(plan, picks=8):
    digest = hashlib.sha256()
    for k in np.linspace(0, plan.frame_count - 1, picks).astype(int):
        digest.update(plan.frame(int(k)).tobytes())
    return digest.hexdigest()[:16]


def _decoded(path, width, height):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "bgr24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)


def test_default_scene_draws_the_frames_it_always_drew():
    for (seed, size, fps, duration), expected in DEFAULT_FRAMES.items():
        plan = plan_clip(seed, size=size, fps=fps, duration=duration)
        assert _digest(plan) == expected, (seed, size)
        assert plan_clip(seed, size=size, fps=fps, duration=duration, scene="bench").frame(3).tobytes() == \
            plan.frame(3).tobytes()


def test_generate_clip_encodes_the_planned_frames(tmp_path):
    clip = generate_clip(tmp_path / "a.mp4", 7, size=(320, 180), fps=10, duration=20, narration=False)
    plan = plan_clip(7, size=(320, 180), fps=10, duration=20)
    frames = _decoded(clip.path, 320, 180)
    assert len(frames) == plan.frame_count
    for k in (0, 57, 120, 199):
        drawn = plan.frame(k).astype(int)
        assert np.abs(frames[k].astype(int) - drawn).mean() < 4, k  # H.264 at crf 23: close, never another frame
        assert np.abs(frames[k].astype(int) - plan.frame(k + 1 if k < 199 else k - 1).astype(int)).mean() > \
            np.abs(frames[k].astype(int) - drawn).mean()


def test_tap_scene_changes_the_picture_not_the_gestures(tmp_path):
    kw = {"size": (320, 180), "fps": 10, "duration": 40.0, "narration": False}
    bench = generate_clip(tmp_path / "bench.mp4", 7, **kw)
    tap = generate_clip(tmp_path / "tap.mp4", 7, scene="tap", **kw)
    assert tap.gestures == bench.gestures == ["wrench", "hammer", "pick_place", "measure"]
    assert tap.steps == bench.steps and tap.hands == bench.hands and tap.duration == bench.duration
    a, b = _decoded(bench.path, 320, 180), _decoded(tap.path, 320, 180)
    assert np.abs(a[10].astype(int) - b[10].astype(int)).mean() > 30  # another picture around the same hands
    with pytest.raises(ValueError):
        plan_clip(7, scene="garage")
