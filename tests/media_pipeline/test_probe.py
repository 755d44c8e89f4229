"""Probe and validate: accepted footage is described and flagged, bad input is refused in French."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from media_pipeline.errors import PermanentMediaError
from media_pipeline.filenames import safe_filename
from media_pipeline.probe import ProbeLimits, ProbeResult, inspect, probe, validate
from tests.mediagen import make_clip


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-y", "-v", "error", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def clips(media_dir: Path) -> dict[str, Path]:
    """Every clip this module needs, made once (all tiny)."""
    d = media_dir / "probe"
    d.mkdir(exist_ok=True)
    c = {
        "landscape": make_clip(d / "landscape.mp4", duration=3),
        "portrait": make_clip(d / "portrait.mp4", duration=3, size="360x640"),
        "rotated": make_clip(d / "rotated.mp4", duration=3, rotate=90),
        "vfr": make_clip(d / "vfr.mp4", duration=4, vfr=True),
        "no_audio": make_clip(d / "no_audio.mp4", duration=3, audio=None),
        "faststart": make_clip(d / "faststart.mp4", duration=4, container_args=("-movflags", "+faststart")),
        "mkv": make_clip(d / "clip.mkv", duration=4),
        "avi": make_clip(d / "clip.avi", duration=2, vcodec="mpeg4"),
        "short": make_clip(d / "short.mp4", duration=0.2),
        "one_frame": make_clip(d / "one_frame.mp4", duration=0.04, audio=None),
        "tiny": make_clip(d / "tiny.mp4", duration=2, size="48x32"),
    }
    png = d / "image.png"
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", str(png))
    c["png"] = png
    jpg = d / "image.jpg"
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", str(jpg))
    c["jpg"] = jpg
    bmp = d / "image.bmp"
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", str(bmp))
    c["bmp"] = bmp
    m4a = d / "audio.m4a"
    _ffmpeg("-f", "lavfi", "-i", "sine=duration=3", "-c:a", "aac", str(m4a))
    c["m4a"] = m4a
    mp3 = d / "cover.mp3"
    _ffmpeg("-f", "lavfi", "-i", "sine=duration=3", "-i", str(png), "-map", "0:a", "-map", "1:v",
            "-c:v", "png", "-disposition:v", "attached_pic", "-c:a", "libmp3lame", str(mp3))
    c["mp3_cover"] = mp3
    zero = d / "zero_frames.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "0", "-c:v", "libx264",
            str(zero))
    c["zero_frames"] = zero
    return c


def _renamed(src: Path, tmp_path: Path, name: str = "upload.mp4") -> Path:
    dst = tmp_path / name
    shutil.copyfile(src, dst)
    return dst


def _cut(src: Path, dst: Path, fraction: float = 0.5) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * fraction)])
    return dst


# --------------------------------------------------------------------------------------------
# accepted footage


def test_landscape_facts(clips):
    result = inspect(clips["landscape"])
    assert (result.width, result.height) == (640, 360)
    assert (result.coded_width, result.coded_height) == (640, 360)
    assert result.container == "mp4" and "mp4" in result.format_name
    assert result.duration == pytest.approx(3.0, abs=0.1)
    assert result.fps == pytest.approx(25.0)
    assert not result.is_vfr and result.rotation == 0
    assert result.video_codec == "h264" and result.pix_fmt == "yuv420p"
    assert result.has_audio and result.audio_codec == "aac"
    assert result.audio_sample_rate == 48000 and result.audio_channels == 1
    assert result.size_bytes == clips["landscape"].stat().st_size and result.bit_rate > 0
    assert result.flags == []
    assert result.to_dict()["is_portrait"] is False
    assert ProbeResult.from_dict(result.to_dict()) == result


def test_portrait_is_flagged(clips):
    result = inspect(clips["portrait"])
    assert (result.width, result.height) == (360, 640)
    assert result.is_portrait and result.flags == ["portrait"]


def test_rotated_phone_footage_reports_display_size(clips):
    result = inspect(clips["rotated"])
    assert (result.coded_width, result.coded_height) == (640, 360)
    assert (result.width, result.height) == (360, 640)
    assert result.rotation in (90, 270)
    assert "rotated" in result.flags and "portrait" in result.flags


def test_vfr_is_detected_and_flagged(clips):
    result = inspect(clips["vfr"])
    assert result.is_vfr and "vfr" in result.flags
    assert result.r_frame_rate == pytest.approx(25.0)
    assert result.fps < 24.0
    assert not inspect(clips["landscape"]).is_vfr


def test_no_audio_is_accepted_and_flagged(clips):
    result = inspect(clips["no_audio"])
    assert not result.has_audio and result.audio_codec is None
    assert result.flags == ["no_audio"]


@pytest.mark.parametrize("key, container", [("mkv", "matroska"), ("avi", "avi"), ("faststart", "mp4")])
def test_other_containers_are_accepted(clips, key, container):
    result = inspect(clips[key])
    assert result.container == container
    assert result.width == 640 and result.duration > 1.5


def test_container_comes_from_content_not_name(clips, tmp_path):
    result = inspect(_renamed(clips["mkv"], tmp_path, "really_matroska.mp4"))
    assert result.container == "matroska"


# --------------------------------------------------------------------------------------------
# refused input: one clear French message each


def _refused(path: Path, *words: str, limits: ProbeLimits | None = None) -> PermanentMediaError:
    with pytest.raises(PermanentMediaError) as info:
        inspect(path, limits)
    message = info.value.message
    for word in words:
        assert word.lower() in message.lower(), message
    return info.value


def test_text_file_named_mp4(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("Bonjour, ceci est un compte rendu de chantier.\nÉtape 1 : couper l'eau.\n" * 50)
    _refused(path, "pas une vidéo", "texte")


def test_hls_playlist_named_mp4_is_not_followed(tmp_path):
    # A playlist would make ffmpeg open other files or URLs: refused before ffprobe sees it.
    path = tmp_path / "playlist.mp4"
    path.write_text("#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n")
    _refused(path, "pas une vidéo")


@pytest.mark.parametrize("key, word", [("png", "PNG"), ("jpg", "JPEG"), ("bmp", "image fixe")])
def test_image_named_mp4(clips, tmp_path, key, word):
    _refused(_renamed(clips[key], tmp_path), "pas une vidéo", word)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.mp4"
    path.touch()
    _refused(path, "vide")


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.mp4"
    path.write_bytes(b"\x00\x01" + os.urandom(200_000))
    _refused(path, "pas une vidéo")


@pytest.mark.parametrize("header, word", [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
                                          (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
                                          (b"\x7fELF\x02\x01\x01\x00", "exécutable")])
def test_documents_and_archives_named_mp4(tmp_path, header, word):
    path = tmp_path / "doc.mp4"
    path.write_bytes(header + os.urandom(5000))
    _refused(path, "pas une vidéo", word)


def test_truncated_mp4_moov_at_end(clips, tmp_path):
    _refused(_cut(clips["landscape"], tmp_path / "half.mp4"), "tronquée")


def test_truncated_mp4_moov_at_start(clips, tmp_path):
    # ffprobe alone reads this one happily (the index is intact): the data check must catch it.
    _refused(_cut(clips["faststart"], tmp_path / "half.mp4"), "tronquée")


def test_truncated_mkv(clips, tmp_path):
    _refused(_cut(clips["mkv"], tmp_path / "half.mkv"), "tronquée")


def test_truncated_to_header_only(clips, tmp_path):
    _refused(_cut(clips["faststart"], tmp_path / "head.mp4", 0.02), "tronquée")


def test_corrupt_bytes_in_the_middle(clips, tmp_path):
    path = _renamed(clips["faststart"], tmp_path, "corrupt.mp4")
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 2)
        handle.write(os.urandom(20_000))
    _refused(path, "corrompue")


def test_corruption_is_missed_without_decode_check(clips, tmp_path):
    """Shows why the decode check exists: metadata alone looks fine."""
    path = _renamed(clips["faststart"], tmp_path, "corrupt.mp4")
    with open(path, "r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        handle.write(os.urandom(20_000))
    assert probe(path, decode_windows=0).duration == pytest.approx(4.0, abs=0.1)


def test_zero_duration_index(clips, tmp_path):
    # Zero every duration field of the MP4 index: the file claims to last 0 s.
    data = bytearray(clips["landscape"].read_bytes())
    for box, v0, v1 in ((b"mvhd", 16, 28), (b"mdhd", 16, 28), (b"tkhd", 20, 32)):
        start = 0
        while (start := data.find(box, start)) >= 0:
            offset, width = (start + 4 + v0, 4) if data[start + 4] == 0 else (start + 4 + v1, 8)
            data[offset:offset + width] = bytes(width)
            start += 4
    path = tmp_path / "zero.mp4"
    path.write_bytes(bytes(data))
    _refused(path, "durée nulle")


def test_zero_frames(clips):
    _refused(clips["zero_frames"], "durée nulle")


def test_single_frame_video(clips):
    _refused(clips["one_frame"], "une seule image")


@pytest.mark.parametrize("key", ["m4a", "mp3_cover"])
def test_audio_only(clips, tmp_path, key):
    _refused(_renamed(clips[key], tmp_path), "que du son")


def test_missing_file(tmp_path):
    _refused(tmp_path / "absent.mp4", "introuvable")


def test_directory(tmp_path):
    folder = tmp_path / "dossier.mp4"
    folder.mkdir()
    _refused(folder, "pas un fichier ordinaire")


def test_fifo_is_not_opened(tmp_path):
    fifo = tmp_path / "pipe.mp4"
    os.mkfifo(fifo)
    _refused(fifo, "pas un fichier ordinaire")  # must not block reading the pipe


# --------------------------------------------------------------------------------------------
# limits


def test_over_limit_duration(clips):
    err = _refused(clips["landscape"], "trop longue", limits=ProbeLimits(max_duration=2))
    assert "3 s" in err.message and "2 s" in err.message


def test_under_min_duration(clips):
    _refused(clips["short"], "trop courte")


def test_over_limit_resolution(clips):
    _refused(clips["landscape"], "résolution", "trop grande",
             limits=ProbeLimits(max_width=320, max_height=180))


def test_resolution_limit_applies_to_portrait_too(clips):
    # 360x640 fits a 640x360 limit once orientation is taken into account ...
    assert inspect(clips["portrait"], ProbeLimits(max_width=640, max_height=360)).height == 640
    # ... but not a 480x270 one.
    _refused(clips["portrait"], "trop grande", limits=ProbeLimits(max_width=480, max_height=270))


def test_resolution_too_small(clips):
    _refused(clips["tiny"], "trop petite")


def test_over_limit_size(clips):
    _refused(clips["landscape"], "trop volumineux", limits=ProbeLimits(max_size_bytes=1000))


def test_validate_alone_applies_limits(clips):
    result = probe(clips["landscape"])
    assert validate(result) is result
    with pytest.raises(PermanentMediaError):
        validate(result, ProbeLimits(max_duration=1))


# --------------------------------------------------------------------------------------------
# hostile file names


HOSTILE = ["with spaces.mp4", "quote'and\"double.mp4", ";rm -rf ~;.mp4", "-leading-dash.mp4",
           "--help.mp4", "unicodé 日本語 🎬.mp4", "concat:a.mp4|b.mp4", "http:evil.mp4", "$(touch pwned).mp4",
           "pipe|name.mp4", "line\nbreak.mp4", "percent%d.mp4"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_probed_as_plain_files(clips, tmp_path, name):
    path = _renamed(clips["landscape"], tmp_path, name)
    result = inspect(path)
    assert result.width == 640 and Path(result.path).name == name
    assert sorted(os.listdir(tmp_path)) == [name]  # nothing else was created (no "pwned")


def test_hostile_name_under_dotdot_directory(clips, tmp_path):
    (tmp_path / "a").mkdir()
    path = _renamed(clips["landscape"], tmp_path, "clip.mp4")
    assert inspect(tmp_path / "a" / ".." / "clip.mp4").size_bytes == path.stat().st_size


@pytest.mark.parametrize("raw, expected", [
    ("Découpe du tuyau.MP4", "Decoupe-du-tuyau.mp4"),
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\évier.mov", "evier.mov"),
    ("-rf ;rm -rf ~.mp4", "rf-rm-rf.mp4"),
    (".hidden.mp4", "hidden.mp4"),
    (".mp4", "video.mp4"),
    ("", "video"),
    ("日本語.mp4", "video.mp4"),
    ("a\x00b\nc\x1b[31m.mp4", "abc-31m.mp4"),
    ("vidéo œuvre.M4V", "video-oeuvre.m4v"),
    ("x" * 300 + ".mp4", "x" * 80 + ".mp4"),
    ("clip.m p4!", "clip.mp4"),
])
def test_safe_filename(raw, expected):
    assert safe_filename(raw) == expected


@pytest.mark.parametrize("raw", HOSTILE + ["../../x", "....", "-", "a/b/-c", "\u202eevil.mp4"])
def test_safe_filename_invariants(raw):
    name = safe_filename(raw)
    assert name and name.isascii() and len(name) <= 91
    assert not name.startswith((".", "-")) and "/" not in name and "\\" not in name
    assert all(ch.isalnum() or ch in "-." for ch in name)


def test_still_picture_stream_before_the_footage_is_skipped(clips, tmp_path):
    # A Matroska file whose first video stream is a one-frame PNG (cover-like), the footage second.
    path = tmp_path / "cover_first.mkv"
    _ffmpeg("-i", str(clips["png"]), "-i", str(clips["landscape"]), "-map", "0", "-map", "1:v", "-map", "1:a",
            "-c", "copy", str(path))
    result = inspect(path)
    assert result.video_stream_index == 1 and result.audio_stream_index == 2
    assert (result.width, result.height, result.video_codec) == (640, 360, "h264")


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1"])
def test_text_in_other_encodings(tmp_path, encoding):
    path = tmp_path / "notes.mp4"
    path.write_bytes("Procédure de dépose du siphon, étape par étape.\n".encode(encoding) * 40)
    _refused(path, "texte")
