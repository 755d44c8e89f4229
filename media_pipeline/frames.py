"""Small analysis frames streamed out of ffmpeg.

Motion analysis never needs full-resolution pictures: ffmpeg decodes once, drops
frames to a low rate and scales them down itself, and we read raw arrays frame by
frame from a pipe, so a long video never sits in memory and OpenCV only sees
small images.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from media_pipeline.errors import PermanentMediaError, TransientMediaError
from media_pipeline.progress import ProgressCallback, noop


@dataclass(frozen=True)
class VideoGeometry:
    """What the analysis needs to know about the source before reading it."""

    width: int  # display width (rotation applied)
    height: int
    duration: float
    fps: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FrameSettings:
    """How frames leave ffmpeg: width (height follows the aspect ratio), rate, pixel format."""

    width: int = 256
    fps: float = 10.0
    gray: bool = True
    threads: int = 0  # 0 lets ffmpeg choose
    scale_flags: str = "bilinear"  # antialiased downscaling: fast_bilinear aliases fine textures
    # Skip the H.264/HEVC deblocking filter: invisible once frames are 256 px wide, and
    # it is a large share of decoding time.
    fast_decode: bool = True


# ffprobe runs on this pool while ffmpeg starts decoding (a few threads: several analyses may run at once).
_PROBE = ThreadPoolExecutor(max_workers=4, thread_name_prefix="geste-probe")


def probe_geometry(video: str | Path) -> VideoGeometry:
    """Read display size, duration and frame rate with ffprobe (rotation taken into account)."""
    path = Path(video)
    if not path.is_file():
        raise PermanentMediaError(f"Fichier vidéo introuvable : {path.name}")
    cmd = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
           "stream=width,height,avg_frame_rate,r_frame_rate,duration:stream_side_data=rotation:"
           "format=duration", "-of", "json", str(path)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as exc:
        raise TransientMediaError("L'analyse du fichier vidéo a pris trop de temps.") from exc
    if out.returncode != 0:
        raise PermanentMediaError("Ce fichier n'est pas une vidéo lisible.", detail=out.stderr[-2000:])
    info = json.loads(out.stdout or "{}")
    streams = info.get("streams") or []
    if not streams:
        raise PermanentMediaError("Ce fichier ne contient pas de piste vidéo.")
    st = streams[0]
    w, h = int(st.get("width") or 0), int(st.get("height") or 0)
    if w <= 0 or h <= 0:
        raise PermanentMediaError("Dimensions de la vidéo illisibles.")
    rotation = 0
    for side in st.get("side_data_list") or []:
        if "rotation" in side:
            rotation = int(side["rotation"])
    if abs(rotation) % 180 == 90:
        w, h = h, w

    def rate(text: str | None) -> float:
        try:
            num, den = (text or "0/1").split("/")
            return float(num) / float(den) if float(den) else 0.0
        except ValueError:
            return 0.0

    fps = rate(st.get("avg_frame_rate")) or rate(st.get("r_frame_rate")) or 25.0
    duration = 0.0
    for value in (st.get("duration"), (info.get("format") or {}).get("duration")):
        try:
            duration = float(value)
            break
        except (TypeError, ValueError):
            continue
    return VideoGeometry(width=w, height=h, duration=duration, fps=fps)


def output_size(geometry: VideoGeometry, width: int) -> tuple[int, int]:
    """Analysis frame size: the requested width (never upscaled), even height, same aspect.

    The height is rounded as ffmpeg's scale filter rounds ``-2`` (exact halves up), so the size
    ffmpeg picks on its own while ffprobe still runs is the one this returns."""
    w = min(width, geometry.width)
    w -= w % 2
    # av_rescale(w, ih, 2 * iw): nearest, halves away from zero, in integers.
    h = max(2, (w * geometry.height + geometry.width) // (2 * geometry.width) * 2)
    return w, h


def _widen_pipe(pipe, frame_bytes: int) -> None:
    """Let ffmpeg run several frames ahead of the analysis (Linux: a pipe holds 64 KiB by default,
    less than one frame, so ffmpeg would stall on every frame until Python has read it)."""
    try:
        import fcntl

        limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
        fcntl.fcntl(pipe.fileno(), 1031, min(limit, max(frame_bytes * 8, 1 << 20)))  # F_SETPIPE_SZ
    except (ImportError, OSError, ValueError):
        pass


def _read_exactly(pipe, view: memoryview) -> bool:
    """Fill ``view`` from the pipe (no intermediate bytes object); False at end of stream."""
    got = 0
    while got < len(view):
        n = pipe.readinto(view[got:])
        if not n:
            return False
        got += n
    return True


def iter_frames(video: str | Path, settings: FrameSettings = FrameSettings(),
                progress: ProgressCallback | None = None,
                geometry: VideoGeometry | None = None,
                on_geometry: Callable[[VideoGeometry], None] | None = None) -> Iterator[tuple[float, np.ndarray]]:
    """Yield ``(time_seconds, frame)`` pairs: uint8 arrays (H, W) in gray or (H, W, 3) in BGR.

    One ffmpeg process decodes, subsamples to ``settings.fps`` and scales; progress goes
    from 0 to 100 with the frame timestamps. Without ``geometry``, ffprobe runs while ffmpeg
    already decodes (ffmpeg sizes the frames itself, as ``output_size`` does); ``on_geometry``
    receives the probed geometry before the first frame.
    """
    channels = 1 if settings.gray else 3
    fast = ["-skip_loop_filter", "all", "-flags2", "+fast"] if settings.fast_decode else []
    probing: Future | None = None
    if geometry is None:
        if not Path(video).is_file():
            raise PermanentMediaError(f"Fichier vidéo introuvable : {Path(video).name}")
        probing = _PROBE.submit(probe_geometry, video)
        # The same size as output_size(): even width, never upscaled; the height by ffmpeg's -2.
        # eval=init with -reinit_filter 0: a stream that changes size midway keeps the first size.
        size = f"w='trunc(min({int(settings.width)},iw)/2)*2':h=-2:eval=init"
    else:
        w, h = output_size(geometry, settings.width)
        size = f"{w}:{h}"
    vf = f"fps={settings.fps:g},scale={size}:flags={settings.scale_flags}"
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-threads", str(settings.threads), *fast,
           *(["-reinit_filter", "0"] if probing is not None else []), "-i", str(video),
           "-map", "0:v:0", "-an", "-sn", "-vf", vf, "-pix_fmt", "gray" if settings.gray else "bgr24",
           "-f", "rawvideo", "-"]
    cb = progress or noop
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    if probing is not None:
        try:
            geometry = probing.result()
        except BaseException:
            proc.kill()
            proc.communicate()
            raise
    assert geometry is not None
    if on_geometry is not None:
        on_geometry(geometry)
    w, h = output_size(geometry, settings.width)
    frame_bytes = w * h * channels
    _widen_pipe(proc.stdout, frame_bytes)
    index = 0
    last_pct = -1
    try:
        assert proc.stdout is not None
        while True:
            frame = np.empty((h, w) if channels == 1 else (h, w, 3), np.uint8)
            if not _read_exactly(proc.stdout, memoryview(frame).cast("B")):
                break
            t = index / settings.fps
            index += 1
            if geometry.duration > 0:
                pct = int(min(100.0, 100.0 * t / geometry.duration))
                if pct != last_pct:
                    cb(pct)
                    last_pct = pct
            yield t, frame
    finally:
        if proc.poll() is None:
            proc.stdout.close()  # type: ignore[union-attr]
            proc.kill()
        proc.wait()
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
    if proc.returncode not in (0, None) and index == 0:
        raise PermanentMediaError("Impossible de décoder les images de cette vidéo.", detail=err[-2000:])
    if index == 0:
        raise PermanentMediaError("Cette vidéo ne contient aucune image exploitable.", detail=err[-2000:])
    cb(100)
