"""What the hands hold: MediaPipe's hand-landmark model on the palm detector's hands (experiment).

Issue 13 asks for change points from what the hands hold, not only from how much they move. A grasp
shows in the hand's shape (fingers curled round a handle, a pinch, an open hand), so: where the palm
detector (``hands.PalmDetector``) sees a hand, crop the rotated hand region as MediaPipe's graph does
(palm box enlarged 2.6x, shifted towards the fingers, turned so the wrist-to-middle-finger axis is
upright), run ``hand_landmark_lite.tflite`` (Apache-2.0, from the installed ``mediapipe`` wheel,
checked by SHA-256, never downloaded; ``mediapipe`` itself is not imported) through LiteRT, and
describe the hand by its finger curl, pinch, handedness and position. ``grasp_series`` samples a
video a few times a second; ``grasp_features`` turns the samples into per-frame columns that
``kernel_cpd`` can use (``SegmentSettings.grasp_weight``, off by default: see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from media_pipeline.hands import PALM_SIZE, PalmDetector

LANDMARK_MODELS = {
    "lite": ("mediapipe/modules/hand_landmark/hand_landmark_lite.tflite",
             "048edd3645c9bf7397d19a9f6e3a42957d6e414c9bea6598030a2e9b624156e6"),
    "full": ("mediapipe/modules/hand_landmark/hand_landmark_full.tflite",
             "11c272b891e1a99ab034208e23937a8008388cf11ed2a9d776ed3d01d0ba00e3"),
}
LM_SIZE = 224
# The landmarks of each finger, wrist first: 0 wrist, 1-4 thumb, 5-8 index, 9-12 middle, 13-16 ring, 17-20 little.
FINGERS = ((0, 1, 2, 3, 4), (0, 5, 6, 7, 8), (0, 9, 10, 11, 12), (0, 13, 14, 15, 16), (0, 17, 18, 19, 20))
# Per sample: 5 finger curls (0 straight, 1 = pi of bending), pinch (thumb-index tip distance over palm
# size), hand count, handedness (share of right hands), mean wrist x, y (0-1 of the frame).
DESCRIPTOR = ("curl_thumb", "curl_index", "curl_middle", "curl_ring", "curl_little", "pinch", "hands",
              "right", "lm_x", "lm_y")


def landmark_model_path(kind: str = "lite") -> Path | None:
    """The landmark model inside the installed mediapipe wheel, if it is the expected file."""
    rel, sha = LANDMARK_MODELS[kind]
    try:
        from importlib.metadata import PackageNotFoundError, distribution

        path = Path(str(distribution("mediapipe").locate_file(rel)))
    except (ImportError, PackageNotFoundError):
        return None
    if not path.is_file():
        return None
    return path if hashlib.sha256(path.read_bytes()).hexdigest() == sha else None


@dataclass(frozen=True)
class Palm:
    """A palm in frame pixels: box centre and size, and the wrist and middle-finger keypoints."""

    score: float
    cx: float
    cy: float
    w: float
    h: float
    wrist: tuple[float, float]
    middle: tuple[float, float]


@dataclass(frozen=True)
class HandLandmarks:
    """21 landmarks in frame pixels (x, y) and z (same scale as x, relative to the wrist); presence
    score 0-1 and the probability the hand is a right hand."""

    points: np.ndarray  # (21, 3)
    presence: float
    right: float


def palms(detector: PalmDetector, bgr: np.ndarray, threshold: float = 0.5, max_hands: int = 2) -> list[Palm]:
    """Every palm over threshold (non-maximum suppressed), with the keypoints the ROI needs."""
    h, w = bgr.shape[:2]
    scale = PALM_SIZE / max(h, w)
    nw, nh = max(1, int(round(w * scale))), max(1, int(round(h * scale)))
    ox, oy = (PALM_SIZE - nw) // 2, (PALM_SIZE - nh) // 2
    scores, boxes = detector.raw(bgr)
    out: list[Palm] = []
    for j in np.argsort(-scores):
        if scores[j] < threshold or len(out) >= max_hands:
            break
        reg = boxes[j]
        ax, ay = detector.anchors[j] * PALM_SIZE

        def px(u: float, v: float) -> tuple[float, float]:
            # from the 192 letterbox (pixels) back to the frame's pixels
            return (u - ox) / scale, (v - oy) / scale

        cx, cy = px(ax + reg[0], ay + reg[1])
        if any(math.hypot(cx - p.cx, cy - p.cy) < 0.5 * max(p.w, p.h) for p in out):
            continue
        out.append(Palm(float(scores[j]), cx, cy, abs(float(reg[2])) / scale, abs(float(reg[3])) / scale,
                        px(ax + reg[4], ay + reg[5]), px(ax + reg[8], ay + reg[9])))
    return out


def hand_roi(p: Palm) -> tuple[float, float, float, float]:
    """MediaPipe's palm-to-hand ROI: rotation so the wrist-to-middle-finger axis points up, box made
    square on its long side, shifted half a box towards the fingers, enlarged 2.6x.
    Returns centre x, y, side (pixels) and rotation (radians)."""
    dx, dy = p.middle[0] - p.wrist[0], p.middle[1] - p.wrist[1]
    rot = math.pi / 2 - math.atan2(-dy, dx)
    rot = rot - 2 * math.pi * math.floor((rot + math.pi) / (2 * math.pi))
    side = max(p.w, p.h)
    shift_y = -0.5 * side
    cx = p.cx - shift_y * math.sin(rot)
    cy = p.cy + shift_y * math.cos(rot)
    return cx, cy, side * 2.6, rot


class LandmarkModel:
    """hand_landmark_*.tflite through LiteRT; ``None`` from ``load`` when the weights or runtime are absent."""

    def __init__(self, model: Path, threads: int = 1):
        from ai_edge_litert.interpreter import Interpreter

        self.it = Interpreter(model_path=str(model), num_threads=threads)
        self.it.allocate_tensors()
        self.inp = self.it.get_input_details()[0]["index"]
        outs = {o["name"]: o["index"] for o in self.it.get_output_details()}
        # Identity: 21 x (x, y, z) in crop pixels; Identity_1: hand presence; Identity_2: handedness.
        self.lm_idx, self.flag_idx, self.hand_idx = outs["Identity"], outs["Identity_1"], outs["Identity_2"]

    @classmethod
    def load(cls, kind: str = "lite") -> LandmarkModel | None:
        return _load_landmarks(kind)

    def __call__(self, bgr: np.ndarray, roi: tuple[float, float, float, float]) -> HandLandmarks:
        cx, cy, side, rot = roi
        c, s = math.cos(rot), math.sin(rot)
        k = side / LM_SIZE
        # crop pixel (u, v) -> frame: centre + R(rot) @ ((u, v) - LM_SIZE / 2) * k
        half = LM_SIZE / 2
        to_frame = np.array([[c * k, -s * k, cx - half * (c * k - s * k)],
                             [s * k, c * k, cy - half * (s * k + c * k)]], np.float64)
        crop = cv2.warpAffine(bgr, to_frame, (LM_SIZE, LM_SIZE), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_CONSTANT)
        img = cv2.cvtColor(crop, cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0
        self.it.set_tensor(self.inp, img[None])
        self.it.invoke()
        lm = self.it.get_tensor(self.lm_idx).reshape(21, 3).astype(np.float64)
        flag = float(self.it.get_tensor(self.flag_idx).reshape(-1)[0])
        right = float(self.it.get_tensor(self.hand_idx).reshape(-1)[0])
        xy = lm[:, :2] @ to_frame[:, :2].T + to_frame[:, 2]
        pts = np.column_stack([xy, lm[:, 2] * k])
        return HandLandmarks(pts, flag, right)


@lru_cache(maxsize=2)
def _load_landmarks(kind: str) -> LandmarkModel | None:
    model = landmark_model_path(kind)
    if model is None:
        return None
    try:
        return LandmarkModel(model)
    except (ImportError, ValueError, RuntimeError):
        return None


def finger_curls(points: np.ndarray) -> np.ndarray:
    """Per finger, the summed bending of its joints (3D angles between consecutive bones) over pi:
    0 for a straight finger, about 1 for one curled round a handle. Scale and rotation free."""
    out = np.zeros(5)
    for f, chain in enumerate(FINGERS):
        bones = np.diff(points[list(chain)], axis=0)
        bones /= np.linalg.norm(bones, axis=1, keepdims=True) + 1e-9
        cos = np.clip((bones[:-1] * bones[1:]).sum(axis=1), -1, 1)
        out[f] = float(np.arccos(cos).sum() / math.pi)
    return out


def describe(hands: list[HandLandmarks], width: int, height: int, min_presence: float = 0.5) -> np.ndarray:
    """One sample's descriptor (``DESCRIPTOR``); NaN hand-shape columns when no hand is confirmed."""
    good = [h for h in hands if h.presence >= min_presence]
    out = np.full(len(DESCRIPTOR), np.nan)
    out[6] = len(good)
    if not good:
        return out
    curls, pinch, right, xs, ys = [], [], [], [], []
    for h in good:
        p = h.points
        palm = np.linalg.norm(p[9, :2] - p[0, :2]) + 1e-6
        curls.append(finger_curls(p))
        pinch.append(min(np.linalg.norm(p[4, :2] - p[8, :2]) / palm, 3.0))
        right.append(float(h.right > 0.5))
        xs.append(p[0, 0] / width)
        ys.append(p[0, 1] / height)
    out[:5] = np.mean(curls, axis=0)
    out[5], out[7], out[8], out[9] = np.mean(pinch), np.mean(right), np.mean(xs), np.mean(ys)
    return out


def hands_in_frame(palm: PalmDetector, lm: LandmarkModel, bgr: np.ndarray, max_hands: int = 2,
                   threshold: float = 0.5) -> list[HandLandmarks]:
    return [lm(bgr, hand_roi(p)) for p in palms(palm, bgr, threshold=threshold, max_hands=max_hands)]


def grasp_series(video: str | Path, fps: float = 2.0, max_side: int = 640, threshold: float = 0.5,
                 min_presence: float = 0.5) -> tuple[np.ndarray, np.ndarray] | None:
    """Sample ``video`` at ``fps``: (times, descriptors (S, len(DESCRIPTOR))); None without the models."""
    palm, lm = PalmDetector.load(), LandmarkModel.load()
    if palm is None or lm is None:
        return None
    cap = cv2.VideoCapture(str(video))
    src = cap.get(cv2.CAP_PROP_FPS) or 25.0
    every = max(1, int(round(src / fps)))
    times, rows, i = [], [], 0
    while True:
        ok = cap.grab()
        if not ok:
            break
        if i % every == 0:
            ok, frame = cap.retrieve()
            if not ok:
                break
            h, w = frame.shape[:2]
            if max(h, w) > max_side:
                f = max_side / max(h, w)
                frame = cv2.resize(frame, (int(round(w * f)), int(round(h * f))), interpolation=cv2.INTER_AREA)
                h, w = frame.shape[:2]
            rows.append(describe(hands_in_frame(palm, lm, frame, threshold=threshold), w, h, min_presence))
            times.append(i / src)
        i += 1
    cap.release()
    return np.asarray(times), np.asarray(rows).reshape(-1, len(DESCRIPTOR))


def grasp_features(times: np.ndarray, desc: np.ndarray, frame_times: np.ndarray, window: float = 1.5) -> dict:
    """Per-frame columns: the hand-shape descriptor (gaps without a hand held from the last seen
    shape, interpolated) and ``grasp_change``, the distance between its means over ``window`` seconds
    before and after each sample (curls and pinch, in units of their spread over the clip)."""
    n = len(frame_times)
    out = {k: np.zeros(n) for k in (*DESCRIPTOR, "grasp_change", "grasp_seen")}
    if len(times) == 0 or n == 0:
        return out
    seen = ~np.isnan(desc[:, 0])
    out["grasp_seen"] = np.interp(frame_times, times, seen.astype(float))
    out["hands"] = np.interp(frame_times, times, desc[:, 6])
    if seen.sum() < 2:
        return out
    filled = desc.copy()
    for j in (*range(6), 7, 8, 9):
        col = filled[:, j]
        col[~seen] = np.interp(times[~seen], times[seen], col[seen])
        out[DESCRIPTOR[j]] = np.interp(frame_times, times, col)
    shape = filled[:, :6]
    spread = np.nanstd(shape[seen], axis=0) + 0.05
    z = shape / spread
    change = np.zeros(len(times))
    for s, t in enumerate(times):
        before = seen & (times >= t - window) & (times < t)
        after = seen & (times >= t) & (times < t + window)
        if before.any() and after.any():
            change[s] = float(np.linalg.norm(z[before].mean(axis=0) - z[after].mean(axis=0)) / math.sqrt(z.shape[1]))
    out["grasp_change"] = np.interp(frame_times, times, change)
    return out
