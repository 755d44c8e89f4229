"""Segmentation: interface and registry, speech cues, titles, quality on held-out synthetic clips, CLI."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from media_pipeline.errors import PermanentMediaError
from media_pipeline.evaluation.egocam import generate_egocam_clip
from media_pipeline.evaluation.metrics import score
from media_pipeline.evaluation.synthetic import generate_clip
from media_pipeline.keyframes import extract_keyframe
from media_pipeline.motion import MotionSeries, analyse_motion
from media_pipeline.segmentation import SegmentSettings, StepProposal, available, get_segmenter, segment_steps
from media_pipeline.segmentation.speech_cues import speech_cues, starts_with_marker
from media_pipeline.segmentation.titles import key_terms, propose_title, title_from_text
from tests.conftest import require

HELD_OUT = (31, 33)  # never used while tuning
# Clips of the second, independently written generator; its seeds 1-10 were used for tuning, never these.
EGO_HELD_OUT = (101, 102, 103, 104)
# A segmentation passes when all of these hold on average over a world's clips; the blind splits must not.
BAR = {"transition": 0.55, "f1_50": 0.65, "coverage": 0.90}
VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("seg")
    out = []
    for seed in HELD_OUT:
        c = generate_clip(d / f"c{seed}.mp4", seed, size=(640, 360), fps=15, duration=40)
        out.append((c, analyse_motion(c.path)))
    return out


@pytest.fixture(scope="module")
def ego_clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("ego")
    out = []
    for seed in EGO_HELD_OUT:
        c = generate_egocam_clip(d / f"e{seed}.mp4", seed)
        out.append((c, analyse_motion(c.path)))
    return out


def _flat_motion(n=300, fps=10.0, value=0.05):
    feats = {k: [value] * n for k in ("energy_peak", "energy_center", "energy_periph", "periodicity", "period",
                                       "centroid_x", "centroid_y", "horizontality", "moving_frac", "blur",
                                       "camera")}
    return MotionSeries(fps=fps, times=[i / fps for i in range(n)], features=feats, width=256, height=144,
                        duration=n / fps)


def test_registry():
    assert {"kernel_cpd", "uniform", "scenedetect"} <= set(available())
    assert get_segmenter("uniform").name == "uniform"
    with pytest.raises(PermanentMediaError):
        get_segmenter("nope")


def test_uniform_baseline_uses_true_count():
    steps = segment_steps(_flat_motion(), None, SegmentSettings(method="uniform", true_count=4))
    assert [round(s.end, 6) for s in steps] == [7.5, 15.0, 22.5, 30.0]


def test_still_video_gives_no_shattering():
    steps = segment_steps(_flat_motion(), None, SegmentSettings())
    assert len(steps) <= 1


def test_speech_cues_and_titles():
    tr = {"segments": [
        {"start": 1.0, "end": 3.0, "text": " D'abord, je prends la clé plate.", "words": []},
        {"start": 3.2, "end": 4.0, "text": " Comme ça.", "words": []},
        {"start": 9.0, "end": 11.0, "text": " Ensuite on serre l'écrou, bien fort.", "words": []},
    ]}
    cues = speech_cues(tr)
    assert [(c.time, c.kind) for c in cues] == [(1.0, "marker"), (3.2, "sentence"), (9.0, "marker")]
    assert starts_with_marker("Puis, on visse") == "puis" and starts_with_marker("Puisque") is None
    assert propose_title(tr, 8.5, 15.0) == "Serrer l'écrou"
    assert propose_title(tr, 0.0, 8.0) == "Prendre la clé plate"
    assert title_from_text("On va couper le tasseau à la scie.") == "Couper le tasseau à la scie"
    terms = key_terms(tr, 8.5, 15.0)
    assert terms and any("écrou" in t for t in terms) and "ensuite" not in terms


def _world_scores(clips, settings, speech=False):
    rows = []
    for c, m in clips:
        steps = segment_steps(m, c.transcript if speech else None, settings)
        s = score([(p.start, p.end) for p in steps], c.steps, c.duration)
        rows.append({"transition": s.transition.f1, "f1_50": s.f1_50, "coverage": s.coverage,
                     "n_pred": s.n_pred, "n_true": s.n_true})
    mean = {k: float(np.mean([r[k] for r in rows])) for k in BAR}
    return mean, rows


def _passes(mean):
    return all(mean[k] >= v for k, v in BAR.items())


@pytest.mark.parametrize("world", ["synthetic", "egocam"])
def test_quality_on_held_out_clips_beats_blind_splits(world, request):
    clips = request.getfixturevalue("clips" if world == "synthetic" else "ego_clips")
    for speech in (False, True):
        mean, rows = _world_scores(clips, SegmentSettings(use_speech=speech), speech)
        assert _passes(mean), (world, speech, mean, rows)
        for r in rows:  # step counts bounded from below too: no steps at all must fail
            assert max(1, r["n_true"] // 2) <= r["n_pred"] <= 2 * r["n_true"], (world, r)
    # The same bar fails a blind 10-s split and a uniform split told the true number of steps.
    blind, _ = _world_scores(clips, SegmentSettings(method="uniform", min_step=10.0))
    assert not _passes(blind), blind
    for c, m in clips:
        uni = segment_steps(m, None, SegmentSettings(method="uniform", true_count=len(c.steps)))
        assert len(uni) == len(c.steps)
    told = [score([(p.start, p.end) for p in segment_steps(m, None, SegmentSettings(
        method="uniform", true_count=len(c.steps)))], c.steps, c.duration) for c, m in clips]
    told_mean = {"transition": float(np.mean([s.transition.f1 for s in told])),
                 "f1_50": float(np.mean([s.f1_50 for s in told])),
                 "coverage": float(np.mean([s.coverage for s in told]))}
    assert not _passes(told_mean), told_mean


def test_zero_steps_fail_the_bar(ego_clips):
    c, _m = ego_clips[0]
    s = score([], c.steps, c.duration)
    assert s.coverage == 0.0 and s.transition.f1 == 0.0 and s.n_pred == 0


def test_speech_fusion_titles_and_keyframes(clips, tmp_path):
    c, m = clips[0]
    steps = segment_steps(m, c.transcript, SegmentSettings(use_speech=True))
    assert steps and all(isinstance(s, StepProposal) for s in steps)
    for a, b in zip(steps, steps[1:], strict=False):
        assert a.start < a.end <= b.start
    for s in steps:
        assert s.start <= s.keyframe_time <= s.end and 0 <= s.confidence <= 1
    assert sum(bool(s.title) for s in steps) >= len(steps) // 2
    json.dumps([s.to_dict() for s in steps])
    jpg = extract_keyframe(c.path, steps[0].keyframe_time, tmp_path / "k.jpg", width=320)
    assert jpg.read_bytes()[:2] == b"\xff\xd8"


def test_min_and_max_step(clips):
    c, m = clips[1]
    steps = segment_steps(m, None, SegmentSettings(max_step=5.0))
    assert all(s.end - s.start <= 5.0 + 0.11 for s in steps)
    long_min = segment_steps(m, None, SegmentSettings(min_step=12.0))
    assert len(long_min) <= len(segment_steps(m, None, SegmentSettings()))


def test_cli_segment_contract(clips, tmp_path):
    c, _m = clips[0]
    tr = tmp_path / "t.json"
    tr.write_text(json.dumps(c.transcript))
    out = tmp_path / "o.json"
    res = subprocess.run([sys.executable, "-m", "media_pipeline", "segment", c.path, "--transcript", str(tr),
                          "--json", str(out), "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data == json.loads(out.read_text())
    assert data["steps"] and {"start", "end", "title", "confidence"} <= set(data["steps"][0])
    bad = subprocess.run([sys.executable, "-m", "media_pipeline", "segment", str(tmp_path / "absent.mp4")],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "introuvable" in bad.stderr


def test_real_camera_video_is_not_shattered():
    require(VTEST.exists(), "vidéo d'exemple OpenCV (vtest.avi)", "installez le paquet Debian opencv-doc")
    m = analyse_motion(VTEST)
    steps = segment_steps(m, None, SegmentSettings())
    assert len(steps) <= max(3, int(m.duration / 10))
