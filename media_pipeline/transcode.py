"""Transcode a source video into everything the learner player needs.

One ffmpeg run decodes the source once and a ``split`` filter feeds: every HLS
rung (capped at the source size, never upscaled, 2-s keyframes, ~6-s segments,
one master playlist), a poster image and a thumbnail sprite. The progressive MP4
of the lowest full rung (download, offline; 360p, not the stream-only 240p) is then
a stream copy of that rung's segments: no second decode, no second encode,
identical pictures.

Outputs are written to a hidden temporary folder inside ``out_dir`` and moved in
place when complete; ``transcode.json`` is written last and is the only sign that
a result is finished (see :func:`load_result`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

import ffmpeg  # ffmpeg-python: builds the filter graph and argument list, never runs a shell

from media_pipeline.errors import PermanentMediaError
from media_pipeline.ffmpeg_run import NO_METADATA_ARGS, ensure_free_space, media_arg, run_ffmpeg
from media_pipeline.probe import ProbeResult
from media_pipeline.progress import ProgressCallback, scaled
from media_pipeline.vtt import timestamp as vtt_timestamp

#: Bump when the encoding logic changes in a way that changes the artefacts.
PIPELINE_VERSION = 1
RESULT_FILE = "transcode.json"
MASTER_PLAYLIST = "master.m3u8"
TMP_PREFIX = ".tmp-transcode-"
STALE_TMP_SECONDS = 6 * 3600
#: The source's metadata (title, comments, chapters) never goes into our files: it is user input of any
#: size, and a long title made the MPEG-TS muxer refuse to write its header (the service name).
NO_METADATA: dict[str, object] = {"map_metadata": -1, "map_chapters": -1}

_STANDARD_RATES = [Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30),
                   Fraction(50), Fraction(60000, 1001), Fraction(60)]


@dataclass(frozen=True)
class Rung:
    """One HLS rendition: ``height`` is the short side (portrait footage keeps its orientation).

    ``stream_only``: a rung for weak links only, never the MP4 (offline copy, fallback) nor the reference of a
    source too small for the ladder; see :func:`plan_ladder`.
    """

    name: str
    height: int
    video_kbps: int
    audio_kbps: int
    stream_only: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


#: 240p is for streaming on weak links (walk 40: at 50 KiB/s the 360p rung, ~565 kbit/s at its peak, froze);
#: the MP4 that learners keep offline stays the 360p rung.
DEFAULT_LADDER: tuple[Rung, ...] = (
    Rung("240p", 240, 200, 48, stream_only=True),
    Rung("360p", 360, 450, 64),
    Rung("540p", 540, 900, 96),
    Rung("720p", 720, 1800, 128),
    Rung("1080p", 1080, 3500, 128),
)


@dataclass(frozen=True)
class TranscodeSettings:
    """Everything that changes the artefacts; hashed by :func:`settings_key`."""

    ladder: tuple[Rung, ...] = DEFAULT_LADDER
    segment_seconds: int = 6
    keyframe_seconds: int = 2
    preset: str = "veryfast"          # libx264 preset: the speed/size trade-off on CPU workers
    max_fps: int = 60
    poster_max_height: int = 720      # poster short side, capped at the source
    sprite_interval: float = 5.0      # seconds between thumbnails (grows for long videos)
    sprite_max_thumbs: int = 600      # keeps the sprite under JPEG's 65535-px limit
    sprite_columns: int = 10
    thumb_width: int = 160            # long side of one thumbnail
    jpeg_quality: int = 4             # mjpeg -q:v, 2 (best) .. 31
    maxrate_factor: float = 1.1       # VBV cap relative to the target bitrate
    bufsize_factor: float = 2.0
    timeout_factor: float = 20.0      # kill ffmpeg after duration*factor+120 s (hung worker)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["ladder"] = [asdict(r) for r in self.ladder]
        return data


def settings_key(settings: TranscodeSettings | None = None) -> str:
    """A stable short hash of the settings (and pipeline version), for storage keys."""
    values = (settings or TranscodeSettings()).to_dict()
    values.pop("timeout_factor")  # a watchdog, not a property of the artefacts
    payload = {"version": PIPELINE_VERSION, "settings": values}
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


@dataclass(frozen=True)
class Variant:
    """One rung as produced: playlist path relative to ``out_dir``; bandwidth in bit/s (peak)."""

    name: str
    playlist: str
    width: int
    height: int
    bandwidth: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TranscodeResult:
    """What ``transcode`` produced; every path is relative to ``out_dir``."""

    out_dir: str
    master_playlist: str
    variants: list[Variant]
    mp4: str
    poster: str
    sprite: str
    thumbnails_vtt: str
    duration: float
    fps: float
    has_audio: bool
    settings_key: str
    decode_warnings: int = 0          # decoder error lines ffmpeg survived (concealed glitches)
    elapsed: float = 0.0              # wall seconds of the transcode
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["variants"] = [v.to_dict() for v in self.variants]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> TranscodeResult:
        values = dict(data)
        values["variants"] = [Variant(**v) for v in data.get("variants", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})

    def path(self, relative: str) -> Path:
        return Path(self.out_dir) / relative


@dataclass(frozen=True)
class PlannedRung:
    """A rung sized for one source: even width and height, bitrates in kbit/s."""

    name: str
    width: int
    height: int
    video_kbps: int
    audio_kbps: int
    stream_only: bool = False


# ---------------------------------------------------------------------------------------------
# planning (pure functions: unit-testable without encoding)


def _even(value: float) -> int:
    return max(2, int(round(value / 2.0)) * 2)


def _size_for_short_side(short: int, width: int, height: int) -> tuple[int, int]:
    if height > width:   # portrait: the short side is the width
        return _even(short), _even(short * height / width)
    return _even(short * width / height), _even(short)


def plan_ladder(probe: ProbeResult, settings: TranscodeSettings | None = None) -> list[PlannedRung]:
    """Rungs for this source: those not above its short side (5 % slack, never upscaled).

    A source smaller than the lowest full rung (not ``stream_only``) gets a single rung at its own size, its
    bitrate scaled from that rung, as before stream-only rungs existed: a 320x180 source keeps one 180p rung
    that is also its MP4, and a 288p one is not cut down to a 240p stream-only rung. Stream-only rungs below
    the source's lowest full rung are added only when the source has one.
    """
    settings = settings or TranscodeSettings()
    ladder = sorted(settings.ladder, key=lambda r: r.height)
    full = [r for r in ladder if not r.stream_only] or ladder
    source_short = min(probe.width, probe.height)

    def sized(rung: Rung) -> PlannedRung:
        width, height = _size_for_short_side(min(rung.height, source_short), probe.width, probe.height)
        return PlannedRung(rung.name, width, height, rung.video_kbps, rung.audio_kbps, rung.stream_only)

    fitting = [r for r in full if r.height <= source_short * 1.05]
    if not fitting:
        low = full[0]
        width, height = _size_for_short_side(source_short, probe.width, probe.height)
        kbps = max(120, int(low.video_kbps * (source_short / low.height) ** 2))
        return [PlannedRung(f"{_even(source_short)}p", width, height, kbps, low.audio_kbps)]
    below = [r for r in ladder if r.stream_only and r.height < fitting[0].height]
    return [sized(r) for r in below + fitting]


def mp4_rung(rungs: list[PlannedRung]) -> PlannedRung:
    """The rung copied into the progressive MP4 (offline download, fallback): the lowest that is not stream-only."""
    return next((r for r in rungs if not r.stream_only), rungs[0])


def output_fps(probe: ProbeResult, max_fps: int = 60) -> Fraction:
    """The constant output rate: the nominal rate (VFR normalised), snapped to a standard one."""
    nominal = Fraction(probe.r_frame_rate).limit_denominator(1001) if probe.r_frame_rate else Fraction(0)
    average = Fraction(probe.fps).limit_denominator(1001)
    rate = nominal if 0 < nominal <= max_fps and nominal >= average * Fraction(95, 100) else average
    rate = min(rate, Fraction(max_fps)) if rate > 0 else Fraction(25)
    nearest = min(_STANDARD_RATES, key=lambda standard: abs(rate - standard))
    if abs(rate - nearest) / nearest < Fraction(1, 100):
        return nearest
    return Fraction(max(1, round(rate)))


def sprite_plan(duration: float, settings: TranscodeSettings) -> tuple[float, int, int, int]:
    """(interval, count, columns, rows) of the thumbnail sprite."""
    interval = max(settings.sprite_interval, math.ceil(duration / settings.sprite_max_thumbs))
    count = max(1, math.ceil(duration / interval))
    columns = min(settings.sprite_columns, count)
    rows = math.ceil(count / columns)
    return interval, count, columns, rows


def thumbnails_vtt(duration: float, interval: float, count: int, columns: int,
                   tile_w: int, tile_h: int, sprite_name: str = "sprite.jpg") -> str:
    """A WebVTT thumbnails track: one cue per tile, ``sprite.jpg#xywh=x,y,w,h``."""
    lines = ["WEBVTT", ""]
    for index in range(count):
        start = index * interval
        if start >= duration:
            break
        end = min(duration, start + interval)
        x, y = (index % columns) * tile_w, (index // columns) * tile_h
        lines += [f"{vtt_timestamp(start)} --> {vtt_timestamp(end)}",
                  f"{sprite_name}#xywh={x},{y},{tile_w},{tile_h}", ""]
    return "\n".join(lines)


def _thumb_size(probe: ProbeResult, settings: TranscodeSettings) -> tuple[int, int]:
    long_side = settings.thumb_width
    if probe.width >= probe.height:
        return _even(long_side), _even(long_side * probe.height / probe.width)
    return _even(long_side * probe.width / probe.height), _even(long_side)


# ---------------------------------------------------------------------------------------------
# the ffmpeg run


def build_command(src: str | os.PathLike[str], probe: ProbeResult, settings: TranscodeSettings,
                  rungs: list[PlannedRung], fps: Fraction) -> list[str]:
    """ffmpeg arguments (relative outputs: run with cwd = the temporary folder)."""
    gop = max(1, round(settings.keyframe_seconds * fps))
    inp = ffmpeg.input(media_arg(src))
    video = inp[str(probe.video_stream_index) if probe.video_stream_index is not None else "v:0"]
    audio = inp[str(probe.audio_stream_index) if probe.audio_stream_index is not None else "a:0"]
    if "interlaced" in probe.flags:
        video = video.filter("bwdif", mode="send_frame")
    video = video.filter("fps", fps=str(fps)).filter("format", "yuv420p")
    branches = video.filter_multi_output("split", len(rungs) + 2)

    streams = []
    opts: dict[str, object] = {}
    stream_map = []
    channels = min(2, probe.audio_channels or 2)
    for index, rung in enumerate(rungs):
        streams.append(branches[index].filter("scale", rung.width, rung.height).filter("setsar", 1))
        opts[f"b:v:{index}"] = f"{rung.video_kbps}k"
        opts[f"maxrate:v:{index}"] = f"{int(rung.video_kbps * settings.maxrate_factor)}k"
        opts[f"bufsize:v:{index}"] = f"{int(rung.video_kbps * settings.bufsize_factor)}k"
        entry = f"v:{index}"
        if probe.has_audio:
            streams.append(audio)
            opts[f"b:a:{index}"] = f"{rung.audio_kbps}k"
            entry += f",a:{index}"
        stream_map.append(f"{entry},name:{rung.name}")
    hls = ffmpeg.output(
        *streams, "%v/index.m3u8", format="hls",
        **{"c:v": "libx264", "preset": settings.preset, "profile:v": "high", "g": gop, "keyint_min": gop,
           "sc_threshold": 0, "force_key_frames": f"expr:gte(t,n_forced*{settings.keyframe_seconds})",
           **({"c:a": "aac", "ac": channels, "ar": 48000} if probe.has_audio else {}),
           **opts,
           "max_muxing_queue_size": 4096, **NO_METADATA,
           "hls_time": settings.segment_seconds, "hls_playlist_type": "vod",
           "hls_flags": "independent_segments", "hls_segment_type": "mpegts",
           "hls_segment_filename": "%v/seg_%04d.ts", "master_pl_name": MASTER_PLAYLIST,
           "var_stream_map": " ".join(stream_map)})

    poster_short = min(settings.poster_max_height, min(probe.width, probe.height))
    poster_w, poster_h = _size_for_short_side(poster_short, probe.width, probe.height)
    poster_at = min(max(1.0, 0.1 * probe.duration), 10.0, probe.duration / 2)
    poster_frame = int(poster_at * fps)
    poster = ffmpeg.output(
        branches[len(rungs)].filter("select", f"eq(n,{poster_frame})")
        .filter("scale", poster_w, poster_h, out_range="full").filter("setsar", 1)
        .filter("format", "yuvj420p"),
        "poster.jpg", **NO_METADATA, **{"frames:v": 1, "update": 1, "c:v": "mjpeg", "q:v": settings.jpeg_quality})

    interval, _count, columns, rows = sprite_plan(probe.duration, settings)
    tile_w, tile_h = _thumb_size(probe, settings)
    sprite = ffmpeg.output(
        # select, not fps=1/N: the fps filter emits nothing for a clip shorter than N/2 s
        branches[len(rungs) + 1]
        .filter("select", f"isnan(prev_selected_t)+gte(t-prev_selected_t,{interval:g})")
        .filter("scale", tile_w, tile_h, out_range="full").filter("setsar", 1).filter("format", "yuvj420p")
        .filter("tile", f"{columns}x{rows}"),
        "sprite.jpg", **NO_METADATA, **{"frames:v": 1, "update": 1, "c:v": "mjpeg", "q:v": settings.jpeg_quality})
    return ffmpeg.merge_outputs(hls, poster, sprite).get_args()


def _read_bandwidths(master: Path) -> dict[str, tuple[int, int, int]]:
    """{variant dir: (bandwidth, width, height)} from the master playlist."""
    found: dict[str, tuple[int, int, int]] = {}
    pending: tuple[int, int, int] | None = None
    for line in master.read_text().splitlines():
        if line.startswith("#EXT-X-STREAM-INF:"):
            bandwidth = int(re.search(r"BANDWIDTH=(\d+)", line).group(1))
            res = re.search(r"RESOLUTION=(\d+)x(\d+)", line)
            pending = (bandwidth, int(res.group(1)), int(res.group(2))) if res else (bandwidth, 0, 0)
        elif line and not line.startswith("#") and pending:
            found[line.split("/")[0]] = pending
            pending = None
    return found


def _clean_stale(out_dir: Path) -> None:
    now = time.time()
    for entry in out_dir.glob(TMP_PREFIX + "*"):
        try:
            if now - entry.stat().st_mtime > STALE_TMP_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
        except FileNotFoundError:
            pass


def load_result(out_dir: str | os.PathLike[str],
                settings: TranscodeSettings | None = None) -> TranscodeResult | None:
    """The finished result in ``out_dir`` (matching ``settings``), or None: lets a retry skip done work."""
    marker = Path(out_dir) / RESULT_FILE
    try:
        data = json.loads(marker.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    result = TranscodeResult.from_dict(data)
    if settings is not None and result.settings_key != settings_key(settings):
        return None
    if not all((Path(out_dir) / rel).exists() for rel in
               (result.master_playlist, result.mp4, result.poster, result.sprite, result.thumbnails_vtt)):
        return None
    return result


def segments_done(rung_dir: Path, segment_seconds: float) -> float:
    """Seconds of video already in finished HLS segments (the last file is still being written)."""
    try:
        count = sum(1 for _ in rung_dir.glob("seg_*.ts"))
    except OSError:
        return 0.0
    return max(0, count - 1) * segment_seconds


def transcode(src: str | os.PathLike[str], out_dir: str | os.PathLike[str], probe: ProbeResult,
              settings: TranscodeSettings | None = None,
              progress: ProgressCallback | None = None) -> TranscodeResult:
    """Produce HLS ladder + master playlist, MP4 of the lowest full rung (:func:`mp4_rung`), poster, sprite +
    VTT in ``out_dir``.

    ``probe`` is the (validated) ProbeResult of ``src``. Raises PermanentMediaError
    for bad data and TransientMediaError for killed runs or a full disk; in both
    cases ``out_dir`` holds no new half-written result.
    """
    settings = settings or TranscodeSettings()
    started = time.monotonic()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _clean_stale(out)
    rungs = plan_ladder(probe, settings)
    fps = output_fps(probe, settings.max_fps)
    total_kbps = sum(r.video_kbps * settings.maxrate_factor + r.audio_kbps for r in rungs)
    ensure_free_space(out, int(total_kbps * 1000 / 8 * probe.duration * 1.3) + 50 * 2**20)

    tmp = out / f"{TMP_PREFIX}{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    try:
        for rung in rungs:
            (tmp / rung.name).mkdir()
        args = build_command(src, probe, settings, rungs, fps)
        outcome = run_ffmpeg(args, duration=probe.duration, progress=scaled(progress, 0, 95), cwd=tmp,
                             timeout=probe.duration * settings.timeout_factor + 120,
                             what="la conversion de la vidéo",
                             watch=lambda: segments_done(tmp / rungs[0].name, settings.segment_seconds))
        if outcome.out_time < probe.duration - max(2.0, 0.05 * probe.duration):
            raise PermanentMediaError(
                "La vidéo est tronquée : la conversion s'est arrêtée à "
                f"{outcome.out_time:.0f} s sur {probe.duration:.0f} s.", detail=outcome.detail)
        low = mp4_rung(rungs)
        run_ffmpeg(["-i", media_arg(tmp / low.name / "index.m3u8"), "-map", "0", "-c", "copy", *NO_METADATA_ARGS,
                    "-movflags", "+faststart", "-f", "mp4", media_arg(tmp / f"{low.name}.mp4")],
                   duration=probe.duration, progress=scaled(progress, 95, 99), what="la création du MP4")

        interval, count, columns, _rows = sprite_plan(probe.duration, settings)
        tile_w, tile_h = _thumb_size(probe, settings)
        (tmp / "thumbnails.vtt").write_text(
            thumbnails_vtt(probe.duration, interval, count, columns, tile_w, tile_h, "sprite.jpg"))
        for required in (MASTER_PLAYLIST, "poster.jpg", "sprite.jpg"):
            if not (tmp / required).is_file() or not (tmp / required).stat().st_size:
                raise PermanentMediaError("La conversion n'a pas produit tous les fichiers attendus.",
                                          detail=f"missing {required}\n{outcome.detail}")
        bandwidths = _read_bandwidths(tmp / MASTER_PLAYLIST)
        variants = []
        for rung in rungs:
            bandwidth, width, height = bandwidths.get(
                rung.name, ((rung.video_kbps + rung.audio_kbps) * 1000, rung.width, rung.height))
            variants.append(Variant(rung.name, f"{rung.name}/index.m3u8", width or rung.width,
                                    height or rung.height, bandwidth))
        result = TranscodeResult(
            out_dir=str(out.resolve()), master_playlist=MASTER_PLAYLIST, variants=variants,
            mp4=f"{low.name}.mp4", poster="poster.jpg", sprite="sprite.jpg", thumbnails_vtt="thumbnails.vtt",
            duration=probe.duration, fps=round(float(fps), 3), has_audio=probe.has_audio,
            settings_key=settings_key(settings), decode_warnings=outcome.error_lines,
            elapsed=round(time.monotonic() - started, 2), flags=list(probe.flags))
        _publish(tmp, out, result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if progress:
        progress(100.0)
    return result


def _publish(tmp: Path, out: Path, result: TranscodeResult) -> None:
    """Move the finished files in place; the marker file goes last (and first goes away)."""
    marker = out / RESULT_FILE
    marker.unlink(missing_ok=True)
    for entry in sorted(tmp.iterdir()):
        target = out / entry.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        os.replace(entry, target)
    partial = out / (RESULT_FILE + ".part")
    partial.write_text(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    os.replace(partial, marker)
