"""The hand cue: MediaPipe's palm detector on real photographs and video, the hand-colour model on
generated head-camera work, and footage where no hand is ever visible."""

import hashlib
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from media_pipeline.evaluation.egocam import generate_egocam_clip
from media_pipeline.hands import PALM_SHA256, PalmDetector, palm_model_path
from media_pipeline.motion import MotionSettings, analyse_motion
from media_pipeline.segmentation.kernel_cpd import hands_present
from tests.conftest import require

# Real photographs shipped by the opencv-doc package: a hand (the back-projection tutorial) and
# scenes with no hand in them.
HTML = Path("/usr/share/doc/opencv-doc/opencv4/html")
DATA = Path("/usr/share/doc/opencv-doc/examples/data")
HANDS = (HTML / "handSrc.jpg", HTML / "handDst.jpg")
NO_HANDS = (DATA / "fruits.jpg", DATA / "box.png", DATA / "home.jpg", DATA / "building.jpg")


@pytest.fixture(scope="module")
def detector():
    det = PalmDetector.load()
    require(det is not None, "Détecteur de mains", "pip install mediapipe==0.10.14 ai-edge-litert==2.3.0 (--no-deps)")
    return det


def _photos(paths):
    require(all(p.exists() for p in paths), "Photos d'exemple OpenCV", "apt-get install opencv-doc")
    out = []
    for p in paths:
        img = cv2.imread(str(p))
        out.append(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR) if img.ndim == 2 else img)
    return out


def _skin(img):
    ycc = cv2.cvtColor(img, cv2.COLOR_BGR2YCrCb)
    return cv2.inRange(ycc, (40, 135, 80), (255, 180, 130)) > 0


def test_weights_come_from_the_installed_wheel_not_from_a_hub():
    path = palm_model_path()
    require(path is not None, "Modèle de paume", "pip install mediapipe==0.10.14 --no-deps")
    assert "site-packages" in str(path) and path.parts[-4:-1] == ("mediapipe", "modules", "palm_detection")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == PALM_SHA256


def test_palm_found_on_real_photographs_of_a_hand_and_not_elsewhere(detector):
    for img in _photos(HANDS):
        small = cv2.resize(img, (256, 192), interpolation=cv2.INTER_AREA)  # the analysis frame size
        hit = detector(small)
        assert hit.score > 0.9 and hit.count >= 1, hit
        # The detected centre lies on the hand: mostly skin-coloured pixels around it.
        h, w = img.shape[:2]
        x, y, r = int(hit.x * w), int(hit.y * h), int(0.05 * w)
        assert _skin(img)[max(0, y - r):y + r, max(0, x - r):x + r].mean() > 0.5, hit
    for img in _photos(NO_HANDS):
        hit = detector(cv2.resize(img, (256, int(256 * img.shape[0] / img.shape[1]))))
        assert hit.score < 0.5 and hit.count == 0, hit


def _pan_video(photo, out, seconds=6):
    """A real photograph seen by a slowly panning camera (H.264, 15 fps)."""
    img = cv2.imread(str(photo))
    h, w = img.shape[:2]
    cw, ch = int(w * 0.4) * 2, int(h * 0.4) * 2
    proc = subprocess.Popen(["ffmpeg", "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s",
                             f"{cw}x{ch}", "-r", "15", "-i", "-", "-c:v", "libx264", "-preset", "ultrafast",
                             "-pix_fmt", "yuv420p", str(out)], stdin=subprocess.PIPE)
    for k in range(15 * seconds):
        t = k / (15 * seconds)
        x, y = int((w - cw) * t), int((h - ch) * (0.5 + 0.4 * np.sin(6 * t)))
        proc.stdin.write(np.ascontiguousarray(img[y:y + ch, x:x + cw]).tobytes())
    proc.stdin.close()
    assert proc.wait() == 0


def test_palm_detector_runs_inside_the_motion_analysis_on_real_footage(detector, tmp_path):
    _photos(HANDS + NO_HANDS[:1])
    hand, fruit = tmp_path / "hand.mp4", tmp_path / "fruit.mp4"
    _pan_video(HANDS[0], hand)
    _pan_video(NO_HANDS[0], fruit)
    m_hand, m_fruit = analyse_motion(hand), analyse_motion(fruit)
    assert m_hand.extra["palm_detector"] is True
    assert np.median(m_hand.array("palm_score")) > 0.8
    assert np.median(m_fruit.array("palm_score")) < 0.5
    off = analyse_motion(hand, MotionSettings(palm=False))
    assert not off.extra["palm_detector"] and not off.array("palm_score").any()


def test_palm_detector_runs_every_other_second_and_still_finds_the_hand(detector, tmp_path):
    """Once a second the detector cost more CPU than decoding a small file (vtest.avi: 0.64 s for
    0.33 s); every other second segmented the real and generated benchmark clips the same."""
    _photos(HANDS)
    hand = tmp_path / "hand.mp4"
    _pan_video(HANDS[0], hand, seconds=12)
    m = analyse_motion(hand)
    assert m.extra["palm_detector"] is True
    assert 6 <= m.extra["palm_frames"] <= 7  # 12 s of footage: frames 0, 20, ..., 100 at 10 fps
    score = m.array("palm_score")
    assert np.median(score) > 0.8 and score.min() > 0.5  # interpolated between detections


def test_hand_colour_cue_separates_work_from_rest_on_unseen_head_camera_clips(tmp_path):
    """Egocam clips the method was not tuned on: the hands' colours lie in the working field
    during the steps, slow ones included (hold, inspect), far less during the rests."""
    gaps = []
    for seed in (103, 105):
        c = generate_egocam_clip(tmp_path / f"e{seed}.mp4", seed)
        m = analyse_motion(c.path)
        p = hands_present(m)
        assert p is not None
        t = np.asarray(m.times)
        inside = np.zeros(len(t), bool)
        for a, b in c.steps:
            inside |= (t >= a + 1) & (t < b - 1)  # away from the edges, where the hands come and go
        gaps.append(float(p[inside].mean() - p[~inside].mean()))
    assert min(gaps) > 0.2, gaps


def test_no_hand_ever_visible(tmp_path):
    """A head moving over a still bench with no hands: no palm, and no hand-colour contrast
    strong enough to call anything work."""
    rng = np.random.default_rng(9)
    bench = cv2.resize(rng.integers(40, 220, (50, 80, 3), dtype=np.uint8), (800, 500),
                       interpolation=cv2.INTER_CUBIC)
    out = tmp_path / "bench.mp4"
    proc = subprocess.Popen(["ffmpeg", "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", "320x240",
                             "-r", "12", "-i", "-", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                             str(out)], stdin=subprocess.PIPE)
    for k in range(12 * 20):
        t = k / 12
        x, y = int(240 + 200 * np.sin(0.35 * t)), int(130 + 100 * np.sin(0.5 * t + 1))
        proc.stdin.write(np.ascontiguousarray(bench[y:y + 240, x:x + 320]).tobytes())
    proc.stdin.close()
    assert proc.wait() == 0
    m = analyse_motion(out)
    if m.extra["palm_detector"]:
        assert np.median(m.array("palm_score")) < 0.5
    p = hands_present(m)
    assert p is None or float(np.mean(p > 0.5)) < 0.5


def test_palm_detector_on_its_thread_gives_the_same_answers_in_order_and_two_analyses_may_run_at_once(
        detector, tmp_path):
    """The detector runs on its own thread behind a bounded queue; several analyses in one worker
    process (threads) share the one interpreter, which takes turns (a lock): same answers as alone."""
    from concurrent.futures import ThreadPoolExecutor

    from media_pipeline.hands import PalmWorker

    frames = [cv2.resize(img, (256, 192), interpolation=cv2.INTER_AREA) for img in _photos(HANDS + NO_HANDS)]
    alone = [detector(f) for f in frames]
    worker = PalmWorker(lambda: detector, depth=2)
    for i, f in enumerate(frames * 3):
        worker.submit(i, f)
    worker.close()
    assert worker.index == list(range(len(frames) * 3))
    assert worker.rows == [(h.score, h.x, h.y, float(h.count)) for h in alone * 3]

    hand = tmp_path / "hand.mp4"
    _pan_video(HANDS[0], hand)
    ref = analyse_motion(hand).array("palm_score")
    with ThreadPoolExecutor(3) as pool:
        runs = list(pool.map(lambda _: analyse_motion(hand).array("palm_score"), range(3)))
    assert all(np.array_equal(r, ref) for r in runs)


def test_palm_worker_hands_the_detector_error_to_the_caller_and_never_blocks_the_producer():
    from media_pipeline.hands import PalmWorker

    def broken(frame):
        raise RuntimeError("interpreter failed")

    worker = PalmWorker(lambda: broken, depth=1)
    for i in range(10):  # more frames than the queue holds: the dead consumer keeps draining
        worker.submit(i, np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(RuntimeError, match="interpreter failed"):
        worker.close()
