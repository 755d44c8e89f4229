"""Per-frame motion features of first-person work footage.

A head camera moves all the time, so the camera's own motion is estimated from a
dense optical flow (a robust similarity fit) and removed; what is left is the
local motion of hands and tools. Its energy, where it happens (the central lower
field where hands work against the periphery), its direction and its
periodicity (screwing, sawing and hammering repeat), together with lighting,
scene changes and blur, form a compact time series: segmentation reads it, and
the review screen draws its ``curve()``.
"""

from __future__ import annotations

import copy
import logging
import math
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from media_pipeline import appearance
from media_pipeline.frames import FrameSettings, VideoGeometry, iter_frames
from media_pipeline.hands import HandSampler, PalmDetector, PalmWorker, RowStore
from media_pipeline.progress import ProgressCallback
from media_pipeline.repeated_frames import fill_repeated_frames

FEATURES = (
    "camera_dx", "camera_dy", "camera_rot", "camera_zoom", "camera",
    "energy", "energy_peak", "hands_peak", "energy_center", "energy_periph", "moving_frac", "intensity_residual",
    "centroid_x", "centroid_y", "spread", "horizontality", "curl", "local_u", "local_v",
    "periodicity", "period", "brightness", "hist_change", "blur",
)


@dataclass(frozen=True)
class MotionSettings:
    """Analysis frame size and rate, and the motion threshold (in % of frame width per frame)."""

    width: int = 256
    fps: float = 10.0
    flow_width: int = 256
    moving_threshold: float = 0.25
    periodicity_window: float = 3.0  # seconds
    grid_step: int = 8
    hand_fps: float = 2.5  # hand-colour statistics: a few frames per second
    # The palm detector (8-15 ms a frame on one core): every other second. Once a second it cost more
    # than the decoding of a small file (vtest.avi: 0.64 s of CPU for 0.33 s of decoding) and segmented
    # the real dev half, egocam and synthetic held-out clips the same (2026-12-03, branch speed15).
    palm_fps: float = 0.5
    palm: bool = True  # run the palm detector when its weights and runtime are installed
    # ``appearance_change`` (EfficientNet-Lite0 on the working field, ``appearance_fps`` samples a second, read
    # by kernel_cpd's appearance veto) on footage up to this long, when the weights are installed and intact;
    # 0: never. Longer footage is not vetoed (``SegmentSettings.appearance_max_duration``), so not paid for.
    appearance_max_duration: float = appearance.MAX_DURATION
    # Every 3rd analysed frame (3.3 a second; 2 until session 26): once onnxruntime ran the network (6-13 ms a
    # sample) the denser sampling fit the speed target (30 s of 1080p x1.23 decode-only CPU) and, chosen on the
    # real dev half, raised every group or left it unchanged (docs/ARCHITECTURE.md, Segmentation); 1 a second
    # lost on every group, 5 lost the report half's transition F1.
    appearance_fps: float = 10 / 3
    # The appearance change less the clip's own jitter (``appearance.appearance_change``): the median of the
    # squared differences between consecutive samples, halved, is the noise variance taken off; 0: none.
    # A dark, grainy picture otherwise reads as change everywhere, past kernel_cpd's veto (the real dev
    # half darkened and noised: 26 steps proposed as 38); chosen on the tuning sets (docs/ARCHITECTURE.md,
    # Segmentation: 40-60 a plateau).
    appearance_noise_quantile: float = 50.0
    # Copies of the previous picture (footage under 10 i/s, dropped frames) take their share of the motion of
    # the next real picture, in runs up to this long (s); longer runs (a frozen camera) stay still; 0: never.
    # At 1 s any source of 1 i/s or more is covered (``repeated_frames.py``).
    repeat_fill_max: float = 1.0


@dataclass
class MotionSeries:
    """Motion features sampled at ``fps``; ``features[name][i]`` belongs to ``times[i]``.

    Each feature is kept as one float64 array (8 bytes a value, not a boxed Python float in a
    list: an hour at 10 fps, 32 features, is 9 MB instead of about 37 MB); the values are the
    ones computed or read, so ``to_dict`` (JSON, 4 decimals) is unchanged."""

    fps: float
    times: list[float]
    features: dict[str, np.ndarray]
    width: int
    height: int
    duration: float
    source: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.features = {k: np.asarray(v, dtype=np.float64) for k, v in self.features.items()}

    def __len__(self) -> int:
        return len(self.times)

    def array(self, name: str) -> np.ndarray:
        return np.asarray(self.features[name], dtype=np.float64)

    def to_dict(self) -> dict:
        return {"fps": self.fps, "times": [round(t, 3) for t in self.times],
                "features": {k: [round(v, 4) for v in np.asarray(vals, dtype=np.float64).tolist()]
                             for k, vals in self.features.items()},
                "width": self.width, "height": self.height, "duration": self.duration, "source": self.source,
                "extra": copy.deepcopy(self.extra)}

    @classmethod
    def from_dict(cls, data: dict) -> MotionSeries:
        return cls(fps=float(data["fps"]), times=list(data["times"]),
                   features=dict(data["features"]),
                   width=int(data["width"]), height=int(data["height"]),
                   duration=float(data["duration"]), source=data.get("source", ""),
                   extra=dict(data.get("extra") or {}))

    def activity(self) -> np.ndarray:
        """Hand activity, 0-1: the strongest residual motion in the working field (log scale),
        smoothed over half a second, from the video's own rest floor to its working peak."""
        if not self.times:
            return np.zeros(0)
        peak = self.array("hands_peak") if "hands_peak" in self.features else self.array("energy_peak")
        e = np.log(peak + 0.05)
        k = max(1, int(round(self.fps * 0.5)))
        e = np.convolve(np.pad(e, (k // 2, k - 1 - k // 2), mode="edge"), np.ones(k) / k, mode="valid")
        lo, hi = float(np.percentile(e, 5)), float(np.percentile(e, 98))
        return np.clip((e - lo) / (hi - lo), 0.0, 1.0) if hi - lo > 1e-9 else np.zeros_like(e)

    def curve(self) -> dict:
        """Compact form for the review screen: one 0-1 activity value per frame, 3 decimals."""
        return {"fps": self.fps, "start": self.times[0] if self.times else 0.0,
                "activity": [round(float(v), 3) for v in self.activity()]}


class _FrameAnalyser:
    """Keeps the previous frame and turns each new one into a row of features."""

    def __init__(self, settings: MotionSettings):
        self.s = settings
        self.flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST)
        self.prev: np.ndarray | None = None
        self.prev_full: np.ndarray | None = None
        self.prev_hist: np.ndarray | None = None
        self.last_moving: np.ndarray | None = None
        self.geom_ready = False

    def _setup(self, shape: tuple[int, int]) -> None:
        h, w = shape
        self.h, self.w = h, w
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        self.xc = (xx - w / 2) / w
        self.yc = (yy - h / 2) / w
        g = self.s.grid_step
        self.gx = self.xc[g // 2::g, g // 2::g].ravel()
        self.gy = self.yc[g // 2::g, g // 2::g].ravel()
        # Head motion seen through a wide-angle or fisheye lens is not a similarity: a quadratic
        # flow model per axis (1, x, y, x^2, xy, y^2) absorbs the lens's curvature of a pan or tilt.
        self.design = np.stack([np.ones_like(self.gx), self.gx, self.gy, self.gx ** 2, self.gx * self.gy,
                                self.gy ** 2], axis=1).astype(np.float64)
        center = (np.abs(xx - w / 2) < 0.32 * w) & (yy > 0.3 * h)
        margin = max(2, w // 40)
        valid = np.zeros((h, w), bool)
        valid[margin:h - margin, margin:w - margin] = True
        self.center = center & valid
        self.periph = (~center) & valid
        self.valid = valid
        self.xx, self.yy = xx / w, yy / h
        # Residual statistics are taken on every other pixel: the same picture, a quarter of the work.
        self.sub = (slice(0, None, 2), slice(0, None, 2))
        self.xc2, self.yc2 = self.xc[self.sub], self.yc[self.sub]
        self.basis2 = [np.ones_like(self.xc2), self.xc2, self.yc2, self.xc2 ** 2, self.xc2 * self.yc2,
                       self.yc2 ** 2]
        # The same basis as one (6, pixels) matrix: the head's flow on the sub-grid is one product.
        self.basis2_mat = np.stack([b.ravel() for b in self.basis2]).astype(np.float64) * w
        self.grid_sel = (slice(g // 2, None, g), slice(g // 2, None, g))
        self.reg = 1e-6 * np.eye(self.design.shape[1])
        self.n_par = self.design.shape[1]
        self.outer = (self.design[:, :, None] * self.design[:, None, :]).reshape(len(self.design), -1)
        self.fit0 = np.linalg.solve(self.design.T @ self.design + self.reg, self.design.T)
        self.valid_u8 = valid.astype(np.uint8)
        self.xx2, self.yy2 = self.xx[self.sub], self.yy[self.sub]
        self.center2, self.periph2, self.valid2 = self.center[self.sub], self.periph[self.sub], self.valid[self.sub]
        self.n_valid2 = int(self.valid2.sum())
        # The valid field and the central working field are rectangles: slices (views) instead of
        # boolean masks (copies), the residual computed on the valid rectangle only, in float32.
        self.vr = _rect(self.valid2)
        self.vr_full = _rect(valid)
        cr = _rect(self.center2)
        self.cr = (slice(cr[0].start - self.vr[0].start, cr[0].stop - self.vr[0].start),
                   slice(cr[1].start - self.vr[1].start, cr[1].stop - self.vr[1].start))
        self.n_center2 = int(self.center2.sum())
        self.basis2_rect = np.stack([b[self.vr].ravel() for b in self.basis2]).astype(np.float32) * np.float32(w)
        self.rect_shape = self.xc2[self.vr].shape
        self.xx2r, self.yy2r = self.xx2[self.vr], self.yy2[self.vr]
        self.moving_full = np.zeros(self.valid2.shape, bool)
        self.geom_ready = True

    def _fit_camera(self, flow: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Robust quadratic fit of the flow field (IRLS, Tukey weights): the head's motion.

        Returns the per-axis coefficients (u, v), in frame widths, and the inlier weights."""
        f = flow[self.grid_sel].reshape(-1, 2).astype(np.float64) / self.w  # (n, 2): u and v
        a = self.design
        n = len(f)
        mid = [(n - 1) // 2, n // 2]
        p = self.fit0 @ f  # first pass, all weights 1: a fixed linear map of the flow
        weights = np.ones(n)
        for it in range(3):
            if it:
                # Both axes share the weighted normal matrix (a sum of per-point outer products,
                # one product): one solve for the two right-hand sides.
                p = np.linalg.solve((weights @ self.outer).reshape(self.n_par, self.n_par) + self.reg,
                                    a.T @ (weights[:, None] * f))
            r = a @ p - f
            rn = np.sqrt(np.einsum("ij,ij->i", r, r))
            med = float(np.partition(rn, mid)[mid].mean())  # the median, without np.median's overhead
            c = max(4.685 * 1.4826 * med, 0.002)
            weights = np.clip(1.0 - (rn / c) ** 2, 0.0, None) ** 2  # Tukey: 0 beyond c
        pu, pv = p[:, 0], p[:, 1]
        return pu, pv, weights

    def __call__(self, frame: np.ndarray) -> dict[str, float]:
        s = self.s
        fh = max(2, int(round(frame.shape[0] * s.flow_width / frame.shape[1])))
        small = cv2.resize(frame, (s.flow_width, fh), interpolation=cv2.INTER_AREA) \
            if frame.shape[1] != s.flow_width else frame
        if not self.geom_ready:
            self._setup(small.shape)
        hist = cv2.calcHist([frame], [0], None, [32], [0, 256])
        cv2.normalize(hist, hist, 1.0, 0.0, cv2.NORM_L1)
        brightness = float(cv2.mean(frame)[0])
        # 16-bit integers hold a uint8 Laplacian exactly (|v| <= 1020): the same variance, cheaper than float32.
        blur = float(cv2.meanStdDev(cv2.Laplacian(frame, cv2.CV_16S))[1][0, 0] ** 2)
        cm = float(cv2.mean(small)[0])
        row = {k: 0.0 for k in FEATURES}
        row.update(brightness=brightness, blur=blur, centroid_x=0.5, centroid_y=0.6, horizontality=0.5)
        if self.prev is not None:
            row["hist_change"] = float(cv2.compareHist(self.prev_hist, hist, cv2.HISTCMP_BHATTACHARYYA))
            # Match the previous frame's brightness so lighting changes do not look like motion.
            pm = self.prev_mean
            prev = self.prev
            if pm > 1 and abs(cm - pm) > 2:
                prev = cv2.convertScaleAbs(self.prev, alpha=cm / pm)
            flow = self.flow.calc(prev, small, None)
            pu, pv, _ = self._fit_camera(flow)
            tx, ty = pu[0], pv[0]
            a, b = (pu[1] + pv[2]) / 2, (pv[1] - pu[2]) / 2  # the similarity part: zoom and roll
            f2 = flow[self.sub][self.vr]  # the valid rectangle of the residual sub-grid
            head = (np.stack([pu, pv]).astype(np.float32) @ self.basis2_rect).reshape(2, *self.rect_shape)
            ru = f2[..., 0] - head[0]  # pixels per frame, float32
            rv = f2[..., 1] - head[1]
            mag = cv2.magnitude(ru, rv)
            mag *= np.float32(100.0 / self.w)  # % of frame width per frame
            moving = mag > s.moving_threshold
            last = self.moving_full.copy()
            last[self.vr] = moving
            self.last_moving = last
            row["camera_dx"] = float(tx * 100)
            row["camera_dy"] = float(ty * 100)
            row["camera_rot"] = float(math.degrees(b))
            row["camera_zoom"] = float(a * 100)
            row["camera"] = float(math.hypot(tx, ty) * 100 + abs(b) * 50 + abs(a) * 50)
            vals = mag.ravel()  # a contiguous array: no copy
            total = float(vals.sum(dtype=np.float64))
            row["energy"] = total / vals.size
            k = max(1, vals.size // 50)
            row["energy_peak"] = float(np.partition(vals, vals.size - k)[vals.size - k:].mean(dtype=np.float64))
            vals = mag[self.cr].ravel()
            k = max(1, vals.size // 40)
            center_total = float(vals.sum(dtype=np.float64))
            row["energy_center"] = center_total / vals.size
            row["hands_peak"] = float(np.partition(vals, vals.size - k)[vals.size - k:].mean(dtype=np.float64))
            row["energy_periph"] = (total - center_total) / max(1, self.n_valid2 - self.n_center2)
            n_moving = int(np.count_nonzero(moving))
            row["moving_frac"] = n_moving / self.n_valid2
            # Brightness-matched difference after undoing the camera motion.
            m = np.float32([[1 + a, -b, tx * self.w], [b, 1 + a, ty * self.w]])
            cx, cy = self.w / 2, self.h / 2
            m[0, 2] += cx - (1 + a) * cx + b * cy
            m[1, 2] += cy - b * cx - (1 + a) * cy
            warped = cv2.warpAffine(prev, m, (self.w, self.h), flags=cv2.INTER_LINEAR,
                                    borderMode=cv2.BORDER_REPLICATE)
            diff = cv2.absdiff(warped, small)
            row["intensity_residual"] = float(cv2.mean(diff[self.vr_full])[0])
            if n_moving >= 4:
                ws = mag[moving].astype(np.float64)
                wsum = float(ws.sum())
                if wsum > 1e-6:
                    xs, ys = self.xx2r[moving], self.yy2r[moving]
                    rum, rvm = ru[moving], rv[moving]
                    cxm = float((ws * xs).sum() / wsum)
                    cym = float((ws * ys).sum() / wsum)
                    row["centroid_x"], row["centroid_y"] = cxm, cym
                    dx = xs - cxm
                    dy = ys - cym
                    row["spread"] = float(math.sqrt((ws * (dx ** 2 + dy ** 2)).sum() / wsum))
                    au, av = float(np.abs(rum).sum(dtype=np.float64)), float(np.abs(rvm).sum(dtype=np.float64))
                    row["horizontality"] = au / (au + av + 1e-9)
                    row["local_u"] = float(rum.mean(dtype=np.float64) * 100.0 / self.w)
                    row["local_v"] = float(rvm.mean(dtype=np.float64) * 100.0 / self.w)
                    row["curl"] = float(np.mean(dx * rvm - dy * rum, dtype=np.float64) * 100.0 / self.w)
        self.prev = small
        self.prev_mean = cm
        self.prev_hist = hist
        return row


def _rect(mask: np.ndarray) -> tuple[slice, slice]:
    """The slices of a mask that is a filled rectangle (checked)."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    r = (slice(int(rows[0]), int(rows[-1]) + 1), slice(int(cols[0]), int(cols[-1]) + 1))
    if not mask[r].all() or int(mask.sum()) != mask[r].size:
        raise ValueError("not a rectangle")
    return r


def _periodicity(signal: np.ndarray, fps: float, window_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Sliding-window autocorrelation: the strongest repeat (0-1) and its period in seconds."""
    n = signal.size
    win = max(8, int(round(window_s * fps)))
    min_lag, max_lag = 2, max(3, win // 2)
    strength = np.zeros(n)
    period = np.zeros(n)
    if n < win + 2:
        return strength, period
    half = win // 2
    lags = np.arange(min_lag, max_lag + 1)
    windows = np.lib.stride_tricks.sliding_window_view(np.asarray(signal, np.float64), win)
    # Every frame's window at once, in blocks (an hour at 10 fps stays a few MB).
    for b0 in range(0, n, 4096):
        idx = np.arange(b0, min(n, b0 + 4096))
        seg = windows[np.clip(idx - half, 0, n - win)]
        seg = seg - seg.mean(axis=1, keepdims=True)
        denom = (seg * seg).sum(axis=1)
        ok = denom >= 1e-9
        ac = np.stack([(seg[:, :-lag] * seg[:, lag:]).sum(axis=1) for lag in lags], axis=1)
        ac /= np.where(ok, denom, 1.0)[:, None]
        # A repeat is a local maximum after the first dip of the autocorrelation.
        neg = ac < 0
        has_dip = neg.any(axis=1)
        first_dip = np.argmax(neg, axis=1)
        tail = np.where(np.arange(lags.size)[None, :] >= first_dip[:, None], ac, -np.inf)
        j = np.argmax(tail, axis=1)
        best = tail[np.arange(idx.size), j]
        hit = ok & has_dip & (best > 0)
        strength[idx[hit]] = best[hit]
        period[idx[hit]] = (j[hit] + min_lag) / fps
    return strength, period


log = logging.getLogger(__name__)

_LOADER: ThreadPoolExecutor | None = None


def _background(fn) -> Future:
    global _LOADER
    if _LOADER is None:
        _LOADER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geste-model-load")
    return _LOADER.submit(fn)


class _AppearanceFrames:
    """The appearance cue on the analysis' own frames, every ``appearance_fps``-th of a second, while the footage
    stays short enough for it: each sampled frame is embedded as it passes once ffprobe has said the footage
    lasts at most ``appearance_max_duration`` (only 9 x 1280 float16 kept a sample: 3.4 MB for 45 s); until then
    (ffprobe runs beside ffmpeg) or when it could not say, frames wait, at most 45 s of them (10 MB). Past the
    limit everything is dropped. Before session 25 the cue decoded the file a second time with OpenCV (as much
    CPU again as ffmpeg's whole decode of a 1080p clip)."""

    def __init__(self, settings: MotionSettings):
        self.limit = settings.appearance_max_duration
        self.every = max(1, int(round(settings.fps / max(settings.appearance_fps, 0.1))))
        self.times: list[float] = []
        self.cells: list[np.ndarray] = []
        self.waiting: list[np.ndarray] = []
        self.open = self.limit > 0
        self.missing = False

    def add(self, i: int, t: float, frame: np.ndarray, geometry: VideoGeometry | None) -> None:
        if not self.open or i % self.every:
            return
        if t > self.limit or (geometry is not None and geometry.duration > self.limit):
            self.open, self.times, self.cells, self.waiting = False, [], [], []
            return
        self.times.append(t)
        self.waiting.append(frame)
        if geometry is not None and geometry.duration > 0:
            self._embed(geometry)

    def _embed(self, geometry: VideoGeometry | None) -> None:
        if not self.waiting or self.missing:
            return
        size = (geometry.height, geometry.width) if geometry is not None else None
        cells = appearance.embed_frames(self.waiting, size)
        self.waiting = []
        if cells is None:
            self.missing = True
        else:
            self.cells.append(cells)

    def features(self, n: int, settings: MotionSettings, geometry: VideoGeometry) -> dict[str, np.ndarray]:
        """The appearance column; nothing, with a warning, when the weights are missing or not the expected
        file: the segmenter then works as without the cue."""
        if appearance.EfficientNetLite0.load() is None:
            log.warning("appearance cue skipped: %s weights missing or altered", appearance.WEIGHTS_PACKAGE)
            return {}
        self._embed(geometry)
        if self.missing or not self.cells:
            return {}
        series = appearance.AppearanceSeries(np.asarray(self.times, float), np.concatenate(self.cells))
        self.cells = []
        return appearance.appearance_features(series, np.arange(n) / settings.fps,
                                             noise_quantile=settings.appearance_noise_quantile)


def analyse_motion(video: str | Path, settings: MotionSettings = MotionSettings(),
                   progress: ProgressCallback | None = None) -> MotionSeries:
    """Read the video once through ffmpeg and compute the per-frame motion and hand features."""
    # The palm model loads (once per process) while ffprobe and ffmpeg start: a short clip does not
    # wait for both one after the other.
    palm_loading = _background(PalmDetector.load) if settings.palm else None
    # The palm detector runs on its own thread, a few frames behind (ordered, bounded queue).
    palm = PalmWorker(palm_loading.result) if palm_loading is not None else None
    analyser = _FrameAnalyser(settings)
    hands = HandSampler(palm=None)
    hand_every = max(1, int(round(settings.fps / max(settings.hand_fps, 0.1))))
    palm_every = max(1, int(round(settings.fps / max(settings.palm_fps, 0.1))))
    times: list[float] = []
    # One float32 row per analysed frame (96 bytes in preallocated blocks, not a dict of boxed floats):
    # an hour of footage keeps about 3.5 MB of features whatever its resolution.
    rows = RowStore((len(FEATURES),), np.float32)
    fsettings = FrameSettings(width=settings.width, fps=settings.fps, gray=False)
    shape = (0, 0)
    looks = _AppearanceFrames(settings)
    probed: list[VideoGeometry] = []  # ffprobe runs while ffmpeg starts decoding
    try:
        for i, (t, frame) in enumerate(iter_frames(video, fsettings, progress=progress,
                                                   on_geometry=probed.append)):
            shape = frame.shape
            times.append(t)
            if palm is not None and i % palm_every == 0:
                palm.submit(i, frame)  # each frame is a new array: the thread may keep it
            row = analyser(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
            rows.append([row[k] for k in FEATURES])
            if i % hand_every == 0:
                hands.add(i, frame, analyser.last_moving)
            looks.add(i, t, frame, probed[0] if probed else None)
    finally:
        if palm is not None:
            palm.close(raise_error=False)
    if palm is not None:
        palm.close()
        hands.take_palm(palm)
    geometry = probed[0]
    table = rows.array(np.float64)
    n_rows = len(rows)
    del rows
    features = {k: table[:, i] for i, k in enumerate(FEATURES)}  # views: no second copy
    if n_rows > 1:
        for k in FEATURES:  # the first frame has no predecessor: copy the second one's motion
            if k not in ("brightness", "blur"):
                features[k][0] = features[k][1]
    repeats = fill_repeated_frames(features, settings.fps, settings.repeat_fill_max)
    # Periodicity of the hands' motion: the signed residual flow repeats (back and forth,
    # up and down, circles); the strongest of the two axes and of the energy wins.
    best = None
    for sig in (features["local_u"], features["local_v"], features["energy_center"]):
        st, pe = _periodicity(sig, settings.fps, settings.periodicity_window)
        if best is None:
            best = (st, pe)
        else:
            better = st > best[0]
            best = (np.where(better, st, best[0]), np.where(better, pe, best[1]))
    strength, period = best
    features["periodicity"], features["period"] = strength, period
    features.update(hands.series(len(times)))
    duration = geometry.duration or (times[-1] + 1.0 / settings.fps if times else 0.0)
    if times and 0 < max(duration, times[-1]) <= settings.appearance_max_duration:
        features.update(looks.features(len(times), settings, geometry))
    return MotionSeries(fps=settings.fps, times=times,
                        features={k: np.ascontiguousarray(v, dtype=np.float64) for k, v in features.items()},
                        width=int(shape[1]) if len(shape) > 1 else 0, height=int(shape[0]),
                        duration=duration, source=str(video),
                        extra={"source_width": geometry.width, "source_height": geometry.height,
                               "source_fps": geometry.fps, "palm_detector": hands.palm is not None,
                               "palm_frames": len(hands.palm_index), "repeated_frames": repeats.filled})
