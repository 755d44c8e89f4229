"""Where the hands are: a palm detector, and a colour hand-region cue when it sees nothing.

Rests are where the hands are idle, so segmentation needs to know whether hands are in the
working field at all, not only whether something moves. Two cues, both cheap at a few frames
per second on small frames:

- ``PalmDetector``: MediaPipe's palm-detection model (``palm_detection_lite.tflite``,
  Apache-2.0), taken from the installed ``mediapipe`` wheel (never downloaded at run time) and
  run by LiteRT (``ai-edge-litert``). It finds real hands, bare or gloved, and says where.
- ``HandSampler``: chroma (Cr/Cb) histograms of a 3x3 grid of cells, and of the pixels that
  move once the head's motion is removed; after the pass, the colours that move more often than
  they are seen (the hands, whatever their skin or glove) give a per-video hand-colour model,
  back-projected on each sampled frame: hand presence in the lower two rows (the working field),
  hand position, and a working-field colour change (what the hands hold, where they work).

Both degrade to "unknown" (empty columns) rather than failing: no weights, no runtime.
"""

from __future__ import annotations

import hashlib
import math
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

PALM_MODEL = "mediapipe/modules/palm_detection/palm_detection_lite.tflite"
# mediapipe==0.10.14's file: a different or damaged model is refused rather than misread.
PALM_SHA256 = "e9a4aaddf90dda56a87235303cf00e4c2d3fb28725f68fd88772997dac905c18"
PALM_SIZE = 192
CHROMA_BINS = 8  # per axis: 64 Cr/Cb bins


@dataclass(frozen=True)
class PalmHit:
    """The best palm in a frame: score 0-1, centre (0-1 of width/height), box width (0-1), count."""

    score: float
    x: float
    y: float
    size: float
    count: int


def palm_model_path() -> Path | None:
    """The palm model inside the installed mediapipe wheel (no import of mediapipe itself)."""
    try:
        from importlib.metadata import PackageNotFoundError, distribution

        path = Path(str(distribution("mediapipe").locate_file(PALM_MODEL)))
    except (ImportError, PackageNotFoundError):
        return None
    if not path.is_file():
        return None
    return path if hashlib.sha256(path.read_bytes()).hexdigest() == PALM_SHA256 else None


def _anchors() -> np.ndarray:
    """SSD anchors of the 192x192 palm model: strides 8 (2 per cell) and 16 (6 per cell)."""
    out = []
    for stride, per in ((8, 2), (16, 6)):
        fm = PALM_SIZE // stride
        yy, xx = np.mgrid[0:fm, 0:fm]
        c = np.stack([(xx.ravel() + 0.5) / fm, (yy.ravel() + 0.5) / fm], axis=1)
        out.append(np.repeat(c, per, axis=0))
    return np.concatenate(out).astype(np.float32)


class PalmDetector:
    """MediaPipe palm detection through LiteRT, one thread; ``None`` from ``load`` when absent."""

    def __init__(self, model: Path, threads: int = 1):
        from ai_edge_litert.interpreter import Interpreter

        self.it = Interpreter(model_path=str(model), num_threads=threads)
        self.it.allocate_tensors()
        self.inp = self.it.get_input_details()[0]["index"]
        outs = sorted(self.it.get_output_details(), key=lambda o: int(o["shape"][-1]))
        self.scores_idx, self.boxes_idx = outs[0]["index"], outs[1]["index"]
        self.anchors = _anchors()
        # One interpreter per process (cached), and a LiteRT interpreter is not thread-safe: two
        # analyses running at once in one worker take turns.
        self.lock = threading.Lock()

    @classmethod
    def load(cls) -> PalmDetector | None:
        return _load_detector()

    def raw(self, bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Letterbox the frame into 192x192 RGB in [0, 1] (as MediaPipe's graph does) and run: every
        anchor's score (sigmoid) and its 18 box/keypoint regressions (the landmark experiment reads them too)."""
        h, w = bgr.shape[:2]
        scale = PALM_SIZE / max(h, w)
        nw, nh = max(1, int(round(w * scale))), max(1, int(round(h * scale)))
        img = np.zeros((PALM_SIZE, PALM_SIZE, 3), np.float32)
        ox, oy = (PALM_SIZE - nw) // 2, (PALM_SIZE - nh) // 2
        small = cv2.resize(bgr, (nw, nh), interpolation=cv2.INTER_AREA)
        img[oy:oy + nh, ox:ox + nw] = cv2.cvtColor(small, cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0
        with self.lock:
            self.it.set_tensor(self.inp, img[None])
            self.it.invoke()
            logits = self.it.get_tensor(self.scores_idx).reshape(-1).copy()
            boxes = self.it.get_tensor(self.boxes_idx).reshape(-1, 18).copy()
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -80, 80))), boxes

    def __call__(self, bgr: np.ndarray, threshold: float = 0.5) -> PalmHit:
        """The best palm of the frame."""
        h, w = bgr.shape[:2]
        scale = PALM_SIZE / max(h, w)
        nw, nh = max(1, int(round(w * scale))), max(1, int(round(h * scale)))
        ox, oy = (PALM_SIZE - nw) // 2, (PALM_SIZE - nh) // 2
        scores, boxes = self.raw(bgr)
        j = int(np.argmax(scores))
        best = float(scores[j])
        if best < 0.05:
            return PalmHit(best, 0.5, 0.6, 0.0, 0)
        reg = boxes[j]
        cx = self.anchors[j, 0] + reg[0] / PALM_SIZE
        cy = self.anchors[j, 1] + reg[1] / PALM_SIZE
        bw = abs(float(reg[2])) / PALM_SIZE
        # Back from the letterbox to the frame's own 0-1 coordinates.
        x = (cx * PALM_SIZE - ox) / max(nw, 1)
        y = (cy * PALM_SIZE - oy) / max(nh, 1)
        count = _count_palms(scores, self.anchors, boxes, threshold)
        return PalmHit(best, float(np.clip(x, 0, 1)), float(np.clip(y, 0, 1)), bw * PALM_SIZE / max(nw, 1), count)


def _count_palms(scores: np.ndarray, anchors: np.ndarray, reg: np.ndarray, threshold: float) -> int:
    """Palms above threshold after a coarse non-maximum suppression (centres 0.1 apart)."""
    idx = np.where(scores >= threshold)[0]
    if idx.size == 0:
        return 0
    centres = anchors[idx] + reg[idx, :2] / PALM_SIZE
    order = np.argsort(-scores[idx])
    kept: list[np.ndarray] = []
    for o in order:
        c = centres[o]
        if all(float(np.hypot(*(c - k))) > 0.1 for k in kept):
            kept.append(c)
        if len(kept) >= 4:
            break
    return len(kept)


class PalmWorker:
    """The palm detector on its own thread (LiteRT releases the GIL while it runs), fed through an
    ordered, bounded queue: it overlaps with decoding and the motion features, and never holds more
    than ``depth`` frames. ``load`` runs on the thread too (the first frames wait in the queue)."""

    def __init__(self, load: Callable[[], PalmDetector | None], depth: int = 6):
        self.detector: PalmDetector | None = None
        self.index: list[int] = []
        self.rows: list[tuple[float, float, float, float]] = []
        self.error: BaseException | None = None
        self._load = load
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._thread = threading.Thread(target=self._run, name="geste-palm", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.detector = self._load()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by close()
            self.error = exc
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self.detector is None or self.error is not None:
                continue  # keep draining: the producer never blocks on a dead consumer
            i, frame = item
            try:
                hit = self.detector(frame)
            except BaseException as exc:  # noqa: BLE001
                self.error = exc
                continue
            self.index.append(i)
            self.rows.append((hit.score, hit.x, hit.y, float(hit.count)))

    def submit(self, i: int, bgr: np.ndarray) -> None:
        """Queue frame ``i`` (the frame must not be modified afterwards); blocks while the queue is full."""
        self._queue.put((i, bgr))

    def close(self, raise_error: bool = True) -> None:
        """Wait for the queued frames; re-raise the detector's error, if any."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if raise_error and self.error is not None:
            raise self.error


@lru_cache(maxsize=1)
def _load_detector() -> PalmDetector | None:
    model = palm_model_path()
    if model is None:
        return None
    try:
        return PalmDetector(model)
    except (ImportError, ValueError, RuntimeError):
        return None


def hand_colour_model(field_hists: np.ndarray, moving_hists: np.ndarray) -> np.ndarray:
    """Per-bin likelihood ratio of 'hand' against 'bench': how much more often a colour moves
    than it is merely seen. Colours that move (hands, gloves, held tools) score high."""
    seen = field_hists.sum(axis=0) + 1.0
    moved = moving_hists.sum(axis=0) + 0.5
    ratio = (moved / moved.sum()) / (seen / seen.sum())
    return np.clip(np.log(ratio), 0.0, None).astype(np.float32)


def appearance_change(field_hists: np.ndarray, gap: int) -> np.ndarray:
    """Chi-square-like distance between the hand-region colour mix ``gap`` samples apart
    (what the hands hold and where they work changes the mix); 0 where undefined."""
    n = len(field_hists)
    out = np.zeros(n)
    if n <= gap:
        return out
    p = field_hists / (field_hists.sum(axis=1, keepdims=True) + 1e-6)
    a, b = p[:-gap], p[gap:]
    d = 0.5 * ((a - b) ** 2 / (a + b + 1e-6)).sum(axis=1)
    half = gap // 2
    out[half:half + len(d)] = d
    return out


class RowStore:
    """Fixed-shape rows kept in preallocated blocks: no Python object per row and no copy on growth,
    so an hour of samples costs its raw bytes (the analysis' memory stays flat in footage length)."""

    def __init__(self, shape: tuple[int, ...], dtype, block: int = 2048):
        self.shape, self.dtype, self.block = tuple(shape), np.dtype(dtype), block
        self.blocks: list[np.ndarray] = []
        self.n = 0

    def append(self, row) -> None:
        j = self.n % self.block
        if j == 0:
            self.blocks.append(np.empty((self.block, *self.shape), self.dtype))
        self.blocks[-1][j] = row
        self.n += 1

    def __len__(self) -> int:
        return self.n

    def chunks(self):
        """The filled part of each block (views)."""
        for b, blk in enumerate(self.blocks):
            yield blk[:min(self.block, self.n - b * self.block)]

    def array(self, dtype=None) -> np.ndarray:
        out = np.empty((self.n, *self.shape), dtype or self.dtype)
        pos = 0
        for c in self.chunks():
            out[pos:pos + len(c)] = c
            pos += len(c)
        return out


HAND_FEATURES = ("palm_score", "palm_x", "palm_y", "palm_count", "hand_presence", "hand_x", "hand_y",
                 "hand_change")
GRID = 3  # the frame cut in 3x3 cells: where the hand colours lie (working position)


class HandSampler:
    """Collects, at a few frames per second, the palm detector's answer and small chroma
    histograms per cell (a few hundred bytes a sample, so an hour stays a few MB); ``series``
    then learns the video's hand colours and returns per-frame hand features."""

    def __init__(self, palm: PalmDetector | None = None):
        self.palm = palm
        self.index: list[int] = []
        self.cells = RowStore((GRID * GRID, CHROMA_BINS * CHROMA_BINS), np.uint16)  # one row per sample
        self.palm_rows: list[tuple[float, float, float, float]] = []
        self.palm_index: list[int] = []
        self.moved = np.zeros(CHROMA_BINS * CHROMA_BINS)
        self._code: np.ndarray | None = None

    def add(self, i: int, bgr: np.ndarray, moving: np.ndarray | None) -> None:
        small = bgr[::2, ::2]
        h, w = small.shape[:2]
        ycc = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_BGR2YCrCb)
        shift = 8 - int(math.log2(CHROMA_BINS))
        bins = (ycc[..., 1] >> shift).astype(np.int32) * CHROMA_BINS + (ycc[..., 2] >> shift)
        if self._code is None or self._code.shape != (h, w):
            yy, xx = np.mgrid[0:h, 0:w]
            self._code = ((yy * GRID) // h * GRID + (xx * GRID) // w) * CHROMA_BINS * CHROMA_BINS
        dark = ycc[..., 0] < 24  # chroma of near-black pixels is noise
        code = (self._code + bins)[~dark]
        nb = GRID * GRID * CHROMA_BINS * CHROMA_BINS
        self.cells.append(np.bincount(code, minlength=nb).reshape(GRID * GRID, -1))
        self.index.append(i)
        if moving is not None and moving.any():
            if moving.shape != (h, w):
                moving = cv2.resize(moving.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0
            self.moved += np.bincount(bins[moving & ~dark], minlength=CHROMA_BINS * CHROMA_BINS)

    def add_palm(self, i: int, bgr: np.ndarray) -> None:
        if self.palm is not None:
            hit = self.palm(bgr)
            self.palm_index.append(i)
            self.palm_rows.append((hit.score, hit.x, hit.y, float(hit.count)))

    def take_palm(self, worker: PalmWorker) -> None:
        """The palm answers of a closed ``PalmWorker`` (in frame order)."""
        self.palm = worker.detector
        self.palm_index = list(worker.index)
        self.palm_rows = list(worker.rows)

    def series(self, n: int) -> dict[str, np.ndarray]:
        """Per-frame (n frames) hand features, linearly interpolated between samples."""
        out = {k: np.zeros(n) for k in HAND_FEATURES}
        if not len(self.cells) or n == 0:
            return out
        idx = np.asarray(self.index, float)
        frames = np.arange(n, dtype=float)
        rows = np.repeat(np.arange(GRID), GRID)
        cols = np.tile(np.arange(GRID), GRID)
        work = rows >= 1  # the lower two rows: where hands work in first-person footage
        # Block by block (S, cells, bins): never the whole video's histograms in float at once.
        seen = np.zeros(CHROMA_BINS * CHROMA_BINS)
        for c in self.cells.chunks():
            seen += c.sum(axis=(0, 1), dtype=np.float64)
        model = hand_colour_model(seen[None], self.moved[None])
        layout_parts, field_parts = [], []
        for c in self.cells.chunks():
            cf = c.astype(np.float32)
            layout_parts.append((cf @ model) / (cf.sum(axis=2) + 1e-6))  # hand-colour score of each cell
            field_parts.append(cf[:, work].sum(axis=1))
        layout = np.concatenate(layout_parts)
        field = np.concatenate(field_parts)
        presence = layout[:, work].mean(axis=1)
        wts = np.clip(layout, 0, None) + 1e-6
        hx = (wts * ((cols + 0.5) / GRID)).sum(axis=1) / wts.sum(axis=1)
        hy = (wts * ((rows + 0.5) / GRID)).sum(axis=1) / wts.sum(axis=1)
        gap = max(2, int(round(len(idx) / max(idx[-1] - idx[0], 1) * 20)))  # about 2 s at 10 fps
        change = appearance_change(field, gap)
        for key, vals in (("hand_presence", presence), ("hand_x", hx), ("hand_y", hy), ("hand_change", change)):
            out[key] = np.interp(frames, idx, vals)
        if self.palm_rows:
            p = np.asarray(self.palm_rows, float)
            pidx = np.asarray(self.palm_index, float)
            for j, key in enumerate(("palm_score", "palm_x", "palm_y", "palm_count")):
                out[key] = np.interp(frames, pidx, p[:, j])
        return out
