"""Probe and validate an uploaded video before anything is stored or transcoded.

Why here and not in the transcode: a bad upload must be refused at once with a
message the designer understands (in French), before any derived file exists.
``probe`` reads facts (container, codecs, size, rotation, frame rate, audio) and
refuses what cannot be a usable video (text or image behind a .mp4 name, no
video stream, zero duration, truncated or corrupt data); ``validate`` applies the
configured limits; ``inspect`` does both. Accepted oddities are listed in
``ProbeResult.flags`` ("no_audio", "vfr", "rotated", ...) for later stages.
"""

from __future__ import annotations

import math
import os
import statistics
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

from media_pipeline.errors import PermanentMediaError
from media_pipeline.ffmpeg_run import media_arg, run_ffmpeg, run_ffprobe

GIB = 2**30

# Leading bytes of files that are often renamed ".mp4" by mistake.
_MAGIC: list[tuple[int, bytes, str]] = [
    (0, b"\x89PNG\r\n\x1a\n", "image fixe PNG"),
    (0, b"\xff\xd8\xff", "image fixe JPEG"),
    (0, b"GIF87a", "image GIF"),
    (0, b"GIF89a", "image GIF"),
    (0, b"%PDF", "document PDF"),
    (0, b"PK\x03\x04", "archive ZIP ou document bureautique"),
    (0, b"\x7fELF", "programme exécutable"),
    (0, b"Rar!", "archive RAR"),
    (0, b"7z\xbc\xaf\x27\x1c", "archive 7z"),
    (0, b"\x1f\x8b", "archive gzip"),
    (0, b"II*\x00", "image fixe TIFF"),
    (0, b"MM\x00*", "image fixe TIFF"),
    (4, b"ftypheic", "image fixe HEIC"),
    (4, b"ftypheix", "image fixe HEIC"),
    (4, b"ftypmif1", "image fixe HEIF"),
    (4, b"ftypavif", "image fixe AVIF"),
]
_RIFF_KINDS = {b"WEBP": "image fixe WebP", b"WAVE": "fichier audio WAV, sans image"}

# ffprobe format names that mean "a still picture", and codecs that hold one frame.
_IMAGE_FORMATS = {"image2", "gif", "apng", "webp", "ico", "tiff", "psd", "svg"}
_IMAGE_CODECS = {"png", "mjpeg", "bmp", "gif", "webp", "tiff", "jpeg2000", "jpegls", "pam", "ppm",
                 "pgm", "pbm", "targa", "sgi", "qoi", "apng", "svg", "photocd"}
# Demuxers that open other files or URLs: never follow them from an upload.
_INDIRECT_FORMATS = {"hls", "concat", "ffconcat", "dash", "tee", "lavfi", "sdp", "rtsp", "data"}

_INTERLACED = {"tt", "bb", "tb", "bt"}


@dataclass(frozen=True)
class ProbeLimits:
    """What the platform accepts; defaults fit SubCam/phone footage with room to spare."""

    max_duration: float = 4 * 3600.0
    min_duration: float = 0.5
    max_width: int = 7680          # long side
    max_height: int = 4320         # short side
    min_side: int = 64
    max_size_bytes: int = 20 * GIB
    #: Decode this many short windows spread over the file (start, middle, end) to
    #: catch corrupt or missing data; files up to full_decode_seconds long are
    #: decoded entirely. decode_windows=0 disables the decode check.
    decode_windows: int = 5
    window_seconds: float = 1.0
    full_decode_seconds: float = 20.0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ProbeResult:
    """Facts about one source video. ``width``/``height`` are the display size (rotation applied)."""

    path: str
    container: str                 # short name: "mp4", "mov", "matroska", "webm", "mpegts"...
    format_name: str               # ffprobe's full format_name
    duration: float                # seconds
    size_bytes: int
    width: int
    height: int
    coded_width: int
    coded_height: int
    rotation: int                  # 0, 90, 180 or 270 degrees
    fps: float                     # average frame rate
    is_vfr: bool
    video_codec: str
    pix_fmt: str
    has_audio: bool
    audio_codec: str | None = None
    audio_sample_rate: int | None = None
    audio_channels: int | None = None
    bit_rate: int | None = None
    r_frame_rate: float = 0.0      # the stream's nominal ("real base") rate
    sample_aspect_ratio: str = "1:1"
    field_order: str = "progressive"
    video_stream_index: int | None = None   # absolute stream index (cover art and data skipped)
    audio_stream_index: int | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def is_portrait(self) -> bool:
        return self.height > self.width

    def to_dict(self) -> dict:
        data = asdict(self)
        data["is_portrait"] = self.is_portrait
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ProbeResult:
        """Rebuild from ``to_dict()`` output (e.g. JSON stored on the Footage)."""
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


# ---------------------------------------------------------------------------------------------
# helpers


def _fmt_seconds(seconds: float) -> str:
    """French human duration: "4 h 05 min", "12 min 30 s", "0,2 s"."""
    if seconds < 60:
        text = f"{seconds:.1f}".rstrip("0").rstrip(".") if seconds < 10 else f"{seconds:.0f}"
        return text.replace(".", ",") + " s"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s"


def _fraction(text: str | None) -> float:
    """ffprobe's ratios: "30000/1001" for a rate, "3:4" for a pixel's shape (walk 46: the colon was not read, so
    anamorphic footage was flagged « remise à ses proportions » and rendered with square pixels all the same)."""
    try:
        value = Fraction((text or "0").replace(":", "/"))
    except (ValueError, ZeroDivisionError):
        return 0.0
    return float(value) if value > 0 else 0.0


def _float(text) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _int(text) -> int | None:
    value = _float(text)
    return int(value) if value is not None else None


def _sniff(path: Path) -> None:
    """Refuse empty files, text and well-known non-video formats from their first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head:
        raise PermanentMediaError("Le fichier est vide (0 octet) : l'envoi a sans doute échoué.")
    for offset, magic, kind in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            raise PermanentMediaError(f"Ce fichier n'est pas une vidéo ({kind} détecté).")
    if head[:4] == b"RIFF" and head[8:12] in _RIFF_KINDS:
        raise PermanentMediaError(f"Ce fichier n'est pas une vidéo ({_RIFF_KINDS[head[8:12]]}).")
    if _looks_like_text(head):
        raise PermanentMediaError("Ce fichier n'est pas une vidéo (texte détecté) : "
                                  "vérifiez que vous avez envoyé le bon fichier.")


def _looks_like_text(head: bytes) -> bool:
    """UTF-8/Latin-1 text (no NUL byte, printable), or UTF-16 text with its byte-order mark."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
        return sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * max(1, len(text))
    if b"\x00" in head:
        return False
    for sample in (head, head[:-3]):  # a multi-byte character may be cut at the end of the sample
        try:
            text = sample.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return sum(ch.isprintable() or ch in "\r\n\t\f" for ch in text) >= 0.95 * max(1, len(text))
    plain = sum(32 <= b < 127 or b in (9, 10, 13) for b in head)  # Latin-1 text: mostly ASCII
    return plain >= 0.9 * len(head)


def _starts_like_mp4(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(12)[4:8] in (b"ftyp", b"mdat", b"moov", b"wide", b"free", b"skip")


def _rotation(stream: dict) -> int:
    angle = None
    for side in stream.get("side_data_list") or []:
        if "rotation" in side:
            angle = _float(side.get("rotation"))
            break
    if angle is None:
        angle = _float((stream.get("tags") or {}).get("rotate"))
    if angle is None:
        return 0
    return int(round(angle / 90.0)) * 90 % 360


def _container(format_name: str, path: Path) -> str:
    names = format_name.split(",")
    if "mov" in names:
        # mov,mp4,m4a,3gp,3g2,mj2 is one demuxer; the brand tells them apart loosely
        return "mov" if path.suffix.lower() == ".mov" else "mp4"
    if names[0] == "matroska" and "webm" in names:
        return "webm" if path.suffix.lower() == ".webm" else "matroska"
    return names[0]


def _pick_video(streams: list[dict]) -> dict | None:
    """The footage's video stream: never cover art; a moving-picture codec before a still one."""
    candidates = [s for s in streams if s.get("codec_type") == "video"
                  and not (s.get("disposition") or {}).get("attached_pic")]
    candidates.sort(key=lambda s: s.get("codec_name") in _IMAGE_CODECS)  # stable: keeps file order
    return candidates[0] if candidates else None


def _pick_audio(streams: list[dict]) -> dict | None:
    for stream in streams:
        if stream.get("codec_type") == "audio" and _int(stream.get("channels") or 0):
            return stream
    return None


def _vfr_from_packets(path: Path, stream: str, seconds: float = 10.0) -> tuple[bool, list[float]]:
    """Look at the video timestamps of the first seconds: irregular steps mean VFR."""
    data, _ = run_ffprobe(["-read_intervals", f"%+{seconds:g}", "-select_streams", stream,
                           "-show_entries", "packet=pts_time", media_arg(path)])
    pts = sorted(t for t in (_float(p.get("pts_time")) for p in data.get("packets") or []) if t is not None)
    deltas = [b - a for a, b in pairwise(pts) if b > a]
    if len(deltas) < 5:
        return False, deltas
    median = statistics.median(deltas)
    off = sum(abs(d - median) > 0.25 * median for d in deltas)
    return off >= max(2, 0.02 * len(deltas)), deltas


# ---------------------------------------------------------------------------------------------
# public API


def probe(path: str | os.PathLike[str], *, decode_windows: int = 5, window_seconds: float = 1.0,
          full_decode_seconds: float = 20.0) -> ProbeResult:
    """Read the facts of ``path`` and refuse what is not a usable video.

    Raises PermanentMediaError (French ``message``) for: missing or non-regular
    file, empty file, text/image/document/archive, unreadable container, no video
    stream (audio only), still image, zero duration, truncated or corrupt data.
    """
    src = Path(path)
    if not src.exists():
        raise PermanentMediaError("Fichier introuvable : la vidéo envoyée n'existe plus.", detail=str(src))
    if not src.is_file():
        raise PermanentMediaError("Ce chemin n'est pas un fichier ordinaire (dossier, périphérique ou tube).",
                                  detail=str(src))
    size = src.stat().st_size
    _sniff(src)

    try:
        data, _ = run_ffprobe(["-show_format", "-show_streams", media_arg(src)])
    except PermanentMediaError as exc:
        if "moov atom not found" in exc.detail and _starts_like_mp4(src):
            raise PermanentMediaError("La vidéo est tronquée ou corrompue : l'index du fichier MP4 est "
                                      "absent (envoi interrompu ?). Renvoyez le fichier d'origine.",
                                      detail=exc.detail) from exc
        raise
    fmt = data.get("format") or {}
    streams = data.get("streams") or []
    format_name = fmt.get("format_name") or ""
    names = set(format_name.split(","))
    if not format_name:
        raise PermanentMediaError("Ce fichier n'est pas une vidéo lisible : format non reconnu.")
    if names & _INDIRECT_FORMATS:
        raise PermanentMediaError("Ce fichier n'est pas une vidéo (liste de lecture ou fichier de "
                                  "description détecté, pas d'images).", detail=format_name)
    if names & _IMAGE_FORMATS or format_name.endswith("_pipe"):
        raise PermanentMediaError("Ce fichier n'est pas une vidéo : c'est une image fixe.",
                                  detail=format_name)

    video = _pick_video(streams)
    audio = _pick_audio(streams)
    if video is None:
        if audio is not None:
            raise PermanentMediaError("Ce fichier ne contient que du son, aucune image : "
                                      "ce n'est pas une vidéo.", detail=format_name)
        if not streams and not (_float(fmt.get("duration")) or 0.0) > 0:
            raise PermanentMediaError("La vidéo a une durée nulle : elle ne contient aucune image.",
                                      detail=format_name)
        raise PermanentMediaError("Ce fichier ne contient aucune piste vidéo.", detail=format_name)

    codec = video.get("codec_name") or "inconnu"
    nb_frames = _int(video.get("nb_frames"))
    if codec in _IMAGE_CODECS and (nb_frames is not None and nb_frames <= 1):
        raise PermanentMediaError("Ce fichier n'est pas une vidéo : c'est une image fixe.", detail=codec)
    if nb_frames == 1:
        raise PermanentMediaError("Ce fichier ne contient qu'une seule image : ce n'est pas une vidéo.")

    coded_w, coded_h = _int(video.get("width")) or 0, _int(video.get("height")) or 0
    if coded_w <= 0 or coded_h <= 0:
        raise PermanentMediaError("La vidéo est corrompue : dimensions de l'image illisibles.",
                                  detail=f"{coded_w}x{coded_h}")

    duration = _float(fmt.get("duration")) or _float(video.get("duration")) or 0.0
    if duration <= 0:
        raise PermanentMediaError("La vidéo a une durée nulle : elle ne contient aucune image lisible.")

    rotation = _rotation(video)
    sar = _fraction(video.get("sample_aspect_ratio"))
    display_w = coded_w * sar if sar and abs(sar - 1) > 0.01 else coded_w
    width, height = int(round(display_w)), coded_h
    if rotation in (90, 270):
        width, height = height, width

    r_rate = _fraction(video.get("r_frame_rate"))
    avg_rate = _fraction(video.get("avg_frame_rate"))
    fps = avg_rate or r_rate
    if fps <= 0 or fps > 1000:
        raise PermanentMediaError("La vidéo est corrompue : cadence d'images illisible.",
                                  detail=f"r={video.get('r_frame_rate')} avg={video.get('avg_frame_rate')}")
    vfr_packets, _ = _vfr_from_packets(src, _spec(_int(video.get("index")), "v:0"))
    is_vfr = vfr_packets or bool(r_rate and avg_rate and abs(r_rate - avg_rate) / r_rate > 0.05)

    field_order = video.get("field_order") or "progressive"
    result = ProbeResult(
        path=os.path.abspath(src), container=_container(format_name, src), format_name=format_name,
        duration=round(duration, 3), size_bytes=size, width=width, height=height,
        coded_width=coded_w, coded_height=coded_h, rotation=rotation, fps=round(fps, 3),
        is_vfr=is_vfr, video_codec=codec, pix_fmt=video.get("pix_fmt") or "",
        has_audio=audio is not None,
        audio_codec=audio.get("codec_name") if audio else None,
        audio_sample_rate=_int(audio.get("sample_rate")) if audio else None,
        audio_channels=_int(audio.get("channels")) if audio else None,
        bit_rate=_int(fmt.get("bit_rate")), r_frame_rate=round(r_rate, 3),
        sample_aspect_ratio=video.get("sample_aspect_ratio") or "1:1", field_order=field_order,
        video_stream_index=_int(video.get("index")),
        audio_stream_index=_int(audio.get("index")) if audio else None,
    )
    _check_complete(result, video)
    if decode_windows:
        _decode_check(result, decode_windows, window_seconds, full_decode_seconds)
    result.flags = _flags(result)
    return result


def _flags(result: ProbeResult) -> list[str]:
    flags = []
    if not result.has_audio:
        flags.append("no_audio")
    if result.is_vfr:
        flags.append("vfr")
    if result.rotation:
        flags.append("rotated")
    if result.is_portrait:
        flags.append("portrait")
    if result.field_order in _INTERLACED:
        flags.append("interlaced")
    if result.coded_width % 2 or result.coded_height % 2:
        flags.append("odd_dimensions")
    if result.sample_aspect_ratio not in ("1:1", "0:1", ""):
        flags.append("anamorphic")
    if any(tag in result.pix_fmt for tag in ("10", "12", "16")):
        flags.append("high_bit_depth")
    return flags


def _check_complete(result: ProbeResult, video: dict) -> None:
    """Catch truncation: the index promises a duration the data does not reach."""
    expected = _float(video.get("duration")) or _tag_duration(video) or result.duration
    start = max(0.0, expected - 3.0)
    try:
        data, lines = run_ffprobe(["-read_intervals", f"{start:.3f}%", "-select_streams",
                                   _spec(result.video_stream_index, "v:0"),
                                   "-show_entries", "packet=pts_time,duration_time", media_arg(result.path)])
    except PermanentMediaError as exc:
        raise _truncated(exc.detail) from exc
    detail = "\n".join(lines)
    if any(word in detail.lower() for word in ("partial file", "ended prematurely", "truncat")):
        raise _truncated(detail)
    packets = data.get("packets") or []
    ends = [(_float(p.get("pts_time")) or 0.0) + (_float(p.get("duration_time")) or 0.0) for p in packets]
    reached = max(ends, default=0.0)
    if reached < expected - max(2.0, 0.05 * expected):
        raise _truncated(f"index says {expected:.2f}s, last video packet ends at {reached:.2f}s")


def _tag_duration(stream: dict) -> float | None:
    """Matroska keeps per-track durations in a DURATION tag ("00:00:04.000000000")."""
    text = (stream.get("tags") or {}).get("DURATION") or ""
    parts = text.split(":")
    if len(parts) != 3:
        return None
    try:
        return int(parts[0]) * 3600 + int(parts[1]) * 60 + float(parts[2])
    except ValueError:
        return None


def _truncated(detail: str) -> PermanentMediaError:
    return PermanentMediaError("La vidéo est tronquée : le fichier est incomplet (envoi interrompu ?). "
                               "Renvoyez le fichier d'origine.", detail=detail)


def _spec(index: int | None, fallback: str) -> str:
    return str(index) if index is not None else fallback


def _decode_check(result: ProbeResult, windows: int, window_seconds: float, full_below: float) -> None:
    """Decode a few windows (or everything, for short files): corrupt data shows up as errors."""
    src = media_arg(result.path)
    if result.duration <= max(full_below, windows * window_seconds):
        spans = [(0.0, None)]
    else:
        last = result.duration - window_seconds
        spans = [(last * i / (windows - 1), window_seconds) for i in range(windows)]
    args: list[str] = []
    for start, length in spans:
        if start > 0:
            args += ["-ss", f"{start:.3f}"]
        if length:
            args += ["-t", f"{length:.3f}"]
        args += ["-i", src]
    for index in range(len(spans)):
        args += ["-map", f"{index}:{_spec(result.video_stream_index, 'v:0')}"]
        if result.has_audio:
            args += ["-map", f"{index}:{_spec(result.audio_stream_index, 'a:0')}?"]
    args += ["-f", "null", "-"]
    try:
        outcome = run_ffmpeg(args, what="la vérification du décodage")
    except PermanentMediaError as exc:
        raise PermanentMediaError("La vidéo est tronquée ou corrompue : elle ne peut pas être décodée.",
                                  detail=exc.detail) from exc
    if outcome.error_lines:
        text = outcome.detail.lower()
        if "partial file" in text or "ended prematurely" in text:
            raise _truncated(outcome.detail)
        raise PermanentMediaError("La vidéo est corrompue : certaines images ne peuvent pas être décodées. "
                                  "Renvoyez le fichier d'origine.", detail=outcome.detail)


def _fmt_bytes(size: int) -> str:
    for unit, factor in (("Gio", GIB), ("Mio", 2**20), ("kio", 2**10)):
        if size >= factor:
            return f"{size / factor:.1f}".replace(".", ",") + f" {unit}"
    return f"{size} octets"


def _too_big(size: int, limits: ProbeLimits) -> PermanentMediaError:
    return PermanentMediaError(f"Le fichier est trop volumineux ({_fmt_bytes(size)} ; "
                               f"maximum {_fmt_bytes(limits.max_size_bytes)}).")


def validate(result: ProbeResult, limits: ProbeLimits | None = None) -> ProbeResult:
    """Apply the platform's limits; returns ``result`` unchanged or raises PermanentMediaError."""
    limits = limits or ProbeLimits()
    if result.size_bytes > limits.max_size_bytes:
        raise _too_big(result.size_bytes, limits)
    if result.duration < limits.min_duration:
        raise PermanentMediaError(f"La vidéo est trop courte ({_fmt_seconds(result.duration)} ; "
                                  f"minimum {_fmt_seconds(limits.min_duration)}).")
    if result.duration > limits.max_duration:
        raise PermanentMediaError(f"La vidéo est trop longue ({_fmt_seconds(result.duration)} ; "
                                  f"maximum {_fmt_seconds(limits.max_duration)}).")
    long_side, short_side = max(result.width, result.height), min(result.width, result.height)
    max_long, max_short = max(limits.max_width, limits.max_height), min(limits.max_width, limits.max_height)
    if long_side > max_long or short_side > max_short:
        raise PermanentMediaError("La résolution de la vidéo est trop grande "
                                  f"({result.width}×{result.height} ; "
                                  f"maximum {limits.max_width}×{limits.max_height}).")
    if short_side < limits.min_side:
        raise PermanentMediaError("La résolution de la vidéo est trop petite "
                                  f"({result.width}×{result.height} ; "
                                  f"minimum {limits.min_side} pixels de côté).")
    return result


def inspect(path: str | os.PathLike[str], limits: ProbeLimits | None = None) -> ProbeResult:
    """Probe then validate: the one call the ingest stage needs.

    The size limit is checked before reading anything, so a huge upload is refused at once.
    """
    limits = limits or ProbeLimits()
    src = Path(path)
    if src.is_file() and src.stat().st_size > limits.max_size_bytes:
        raise _too_big(src.stat().st_size, limits)
    result = probe(src, decode_windows=limits.decode_windows, window_seconds=limits.window_seconds,
                   full_decode_seconds=limits.full_decode_seconds)
    return validate(result, limits)


__all__ = ["ProbeLimits", "ProbeResult", "inspect", "probe", "validate"]
