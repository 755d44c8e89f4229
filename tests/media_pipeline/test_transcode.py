"""Transcode: the HLS ladder plays, segments and keyframes are on target, extras are right.

Real ffmpeg on small generated clips; libx264 "ultrafast" keeps the suite quick
(the preset changes speed and size, not the structure checked here).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from dataclasses import replace
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import pytest

from media_pipeline.errors import PermanentMediaError, TransientMediaError
from media_pipeline.probe import ProbeResult, inspect
from media_pipeline.transcode import (
    DEFAULT_LADDER,
    RESULT_FILE,
    TMP_PREFIX,
    Rung,
    TranscodeResult,
    TranscodeSettings,
    load_result,
    mp4_rung,
    output_fps,
    plan_ladder,
    settings_key,
    sprite_plan,
    thumbnails_vtt,
    transcode,
)
from tests.media_pipeline.test_ffmpeg_run import ffmpeg_children
from tests.mediagen import make_clip

FAST = TranscodeSettings(preset="ultrafast")


def ffprobe_json(*args: str | Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", *map(str, args)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def extinf(playlist: Path) -> list[float]:
    return [float(m) for m in re.findall(r"#EXTINF:([\d.]+),", playlist.read_text())]


def image_size(path: Path) -> tuple[int, int]:
    stream = ffprobe_json("-show_streams", path)["streams"][0]
    return stream["width"], stream["height"]


def top_level_boxes(path: Path) -> list[str]:
    boxes, data, offset = [], path.read_bytes(), 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset:offset + 4], "big")
        boxes.append(data[offset + 4:offset + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[offset + 8:offset + 16], "big")
        if size < 8:
            break
        offset += size
    return boxes


def fake_probe(width: int, height: int, *, fps: float = 25.0, r_rate: float | None = None,
               vfr: bool = False, duration: float = 60.0) -> ProbeResult:
    return ProbeResult(path="/nonexistent.mp4", container="mp4", format_name="mov,mp4", duration=duration,
                       size_bytes=1, width=width, height=height, coded_width=width, coded_height=height,
                       rotation=0, fps=fps, is_vfr=vfr, video_codec="h264", pix_fmt="yuv420p", has_audio=True,
                       r_frame_rate=r_rate if r_rate is not None else fps)


# --------------------------------------------------------------------------------------------
# planning, pure


def test_ladder_for_1080p_source_has_every_rung():
    rungs = plan_ladder(fake_probe(1920, 1080))
    assert [(r.name, r.width, r.height) for r in rungs] == [
        ("240p", 426, 240), ("360p", 640, 360), ("540p", 960, 540), ("720p", 1280, 720), ("1080p", 1920, 1080)]
    assert [r.video_kbps for r in rungs] == [200, 450, 900, 1800, 3500]
    assert [r.stream_only for r in rungs] == [True, False, False, False, False]


def test_ladder_is_capped_at_source_and_never_upscales():
    assert [r.name for r in plan_ladder(fake_probe(1280, 720))] == ["240p", "360p", "540p", "720p"]
    assert [r.name for r in plan_ladder(fake_probe(640, 360))] == ["240p", "360p"]
    assert [r.height for r in plan_ladder(fake_probe(3840, 2160))][-1] == 1080
    # a slightly short source keeps its rung but is not stretched to it
    top = plan_ladder(fake_probe(1920, 1072))[-1]
    assert (top.name, top.width, top.height) == ("1080p", 1920, 1072)


def test_ladder_for_tiny_source_is_one_rung_at_source_size():
    (only,) = plan_ladder(fake_probe(320, 180))
    assert (only.width, only.height) == (320, 180) and only.name == "180p"
    assert 120 <= only.video_kbps < 450


@pytest.mark.parametrize(("size", "expected"), [
    # Below 360p: one rung at the source's own size, as before the 240p rung (kbps scaled from 360p's 450, its
    # 64-kbit/s audio): the 240p rung is for streaming only, and a 288p source is not cut down to it.
    ((320, 180), [("180p", 320, 180, 120, 64)]),
    ((426, 240), [("240p", 426, 240, 200, 64)]),
    ((512, 288), [("288p", 512, 288, 288, 64)]),
    # From 360p (5 % slack): 240p for weak links below the 360p rung.
    ((640, 360), [("240p", 426, 240, 200, 48), ("360p", 640, 360, 450, 64)]),
    ((620, 350), [("240p", 426, 240, 200, 48), ("360p", 620, 350, 450, 64)]),
    ((360, 640), [("240p", 240, 426, 200, 48), ("360p", 360, 640, 450, 64)]),
])
def test_240p_rung_only_below_a_360p_one(size, expected):
    rungs = plan_ladder(fake_probe(*size))
    assert [(r.name, r.width, r.height, r.video_kbps, r.audio_kbps) for r in rungs] == expected
    assert mp4_rung(rungs).name == expected[-1][0]


def test_portrait_ladder_uses_the_short_side_and_even_sizes():
    rungs = plan_ladder(fake_probe(1080, 1920))
    assert [(r.width, r.height) for r in rungs][:3] == [(240, 426), (360, 640), (540, 960)]
    odd = plan_ladder(fake_probe(721, 405))
    assert all(r.width % 2 == 0 and r.height % 2 == 0 for r in odd)


@pytest.mark.parametrize("fps, r_rate, expected", [
    (25.0, 25.0, Fraction(25)),
    (29.97, 29.97, Fraction(30000, 1001)),
    (19.5, 25.0, Fraction(25)),            # VFR with drops: back to the nominal rate
    (29.8, 90000.0, Fraction(30000, 1001)),  # phone VFR: nonsense nominal rate, use the average
    (120.0, 120.0, Fraction(60)),          # capped
    (12.3, 12.3, Fraction(12)),
])
def test_output_fps(fps, r_rate, expected):
    assert output_fps(fake_probe(640, 360, fps=fps, r_rate=r_rate)) == expected


def test_settings_key_is_stable_and_tracks_changes():
    assert settings_key() == settings_key(TranscodeSettings())
    assert len(settings_key()) == 16
    assert settings_key(FAST) != settings_key()
    other = TranscodeSettings(ladder=DEFAULT_LADDER[:2] + (Rung("720p", 720, 2000, 128),))
    assert settings_key(other) != settings_key()


def test_sprite_plan_grows_interval_for_long_videos():
    assert sprite_plan(14, TranscodeSettings()) == (5.0, 3, 3, 1)
    interval, count, columns, rows = sprite_plan(4 * 3600, TranscodeSettings())
    assert count <= 600 and columns == 10 and rows * 90 < 65535 and interval >= 24


def test_thumbnails_vtt_cues():
    text = thumbnails_vtt(12.5, 5, 3, 2, 160, 90)
    assert text.startswith("WEBVTT\n")
    assert "00:00:00.000 --> 00:00:05.000\nsprite.jpg#xywh=0,0,160,90" in text
    assert "00:00:05.000 --> 00:00:10.000\nsprite.jpg#xywh=160,0,160,90" in text
    assert "00:00:10.000 --> 00:00:12.500\nsprite.jpg#xywh=0,90,160,90" in text


# --------------------------------------------------------------------------------------------
# a real ladder: 14-s 960x540 source -> 240p + 360p + 540p


@pytest.fixture(scope="module")
def ladder(media_dir: Path, tmp_path_factory):
    src = make_clip(media_dir / "transcode" / "src540.mp4", duration=14, size="960x540")
    out = tmp_path_factory.mktemp("ladder") / "out"
    calls: list[float] = []
    result = transcode(src, out, inspect(src), FAST, progress=calls.append)
    return src, out, result, calls


def test_result_describes_the_ladder(ladder):
    _src, out, result, _ = ladder
    assert result.out_dir == str(out.resolve())
    assert [(v.name, v.width, v.height) for v in result.variants] == [
        ("240p", 426, 240), ("360p", 640, 360), ("540p", 960, 540)]
    assert result.variants[0].bandwidth < result.variants[1].bandwidth < result.variants[2].bandwidth
    assert 200_000 <= result.variants[0].bandwidth <= 330_000
    assert 450_000 <= result.variants[1].bandwidth <= 700_000
    assert result.duration == pytest.approx(14, abs=0.1) and result.fps == 25.0 and result.has_audio
    assert result.settings_key == settings_key(FAST)
    assert TranscodeResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_master_playlist_and_every_variant_play(ladder):
    _src, out, result, _ = ladder
    master = out / result.master_playlist
    text = master.read_text()
    assert text.count("#EXT-X-STREAM-INF") == 3 and "RESOLUTION=960x540" in text and "mp4a" in text
    info = ffprobe_json("-show_format", "-show_streams", master)
    assert float(info["format"]["duration"]) == pytest.approx(14, abs=0.5)
    heights = {s["height"] for s in info["streams"] if s["codec_type"] == "video"}
    assert heights == {240, 360, 540}
    for variant in result.variants:
        playlist = out / variant.playlist
        vinfo = ffprobe_json("-show_format", "-show_streams", playlist)
        kinds = sorted(s["codec_type"] for s in vinfo["streams"])
        assert kinds == ["audio", "video"]
        video = next(s for s in vinfo["streams"] if s["codec_type"] == "video")
        assert (video["width"], video["height"]) == (variant.width, variant.height)
        assert video["codec_name"] == "h264" and video["pix_fmt"] == "yuv420p"
        assert float(vinfo["format"]["duration"]) == pytest.approx(14, abs=0.5)
        # a full decode of the variant through the playlist raises no error
        check = subprocess.run(["ffmpeg", "-v", "error", "-i", str(playlist), "-f", "null", "-"],
                               capture_output=True, text=True)
        assert check.returncode == 0 and not check.stderr.strip()


def test_segments_are_near_six_seconds(ladder):
    _src, out, result, _ = ladder
    for variant in result.variants:
        durations = extinf(out / variant.playlist)
        assert len(durations) >= 3
        assert all(abs(d - 6.0) <= 1.0 for d in durations[:-1]), durations
        assert sum(durations) == pytest.approx(14, abs=0.2)
        segments = re.findall(r"^(seg_\d+\.ts)$", (out / variant.playlist).read_text(), re.M)
        assert all((out / variant.name / name).stat().st_size > 0 for name in segments)


def test_keyframes_every_two_seconds(ladder):
    _src, out, result, _ = ladder
    for variant in result.variants:
        frames = ffprobe_json("-skip_frame", "nokey", "-select_streams", "v:0",
                              "-show_entries", "frame=pts_time", out / variant.playlist)["frames"]
        times = sorted(float(f["pts_time"]) for f in frames)
        gaps = [b - a for a, b in pairwise(times)]
        assert len(gaps) >= 6
        assert all(abs(g - 2.0) < 0.05 for g in gaps), gaps


def test_progressive_mp4_of_low_rung(ladder):
    _src, out, result, _ = ladder
    mp4 = out / result.mp4
    assert result.mp4 == "360p.mp4"
    boxes = top_level_boxes(mp4)
    assert boxes.index("moov") < boxes.index("mdat"), boxes  # +faststart: playable while downloading
    info = ffprobe_json("-show_format", "-show_streams", mp4)
    assert float(info["format"]["duration"]) == pytest.approx(14, abs=0.3)
    assert float(info["format"].get("start_time", 0)) == pytest.approx(0, abs=0.1)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (640, 360)
    assert {s["codec_type"] for s in info["streams"]} == {"video", "audio"}


def test_poster_and_sprite(ladder):
    _src, out, result, _ = ladder
    assert image_size(out / result.poster) == (960, 540)
    assert image_size(out / result.sprite) == (3 * 160, 90)
    vtt = (out / result.thumbnails_vtt).read_text()
    cues = re.findall(r"([\d:.]+) --> ([\d:.]+)\nsprite\.jpg#xywh=(\d+),(\d+),(\d+),(\d+)", vtt)
    assert len(cues) == 3 and cues[-1][1] == "00:00:14.000"
    for _start, _end, x, y, w, h in cues:
        assert int(x) + int(w) <= 480 and int(y) + int(h) <= 90
    # every tile holds a picture (not the black padding of a short sprite), and they differ
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(out / result.sprite), "-f", "rawvideo",
                          "-pix_fmt", "gray", "-"], check=True, capture_output=True).stdout
    rows = [raw[r * 480:(r + 1) * 480] for r in range(90)]
    tiles = [bytes(b for row in rows for b in row[i * 160:(i + 1) * 160]) for i in range(3)]
    assert all(sum(tile) / len(tile) > 40 for tile in tiles)
    assert len(set(tiles)) == 3


def test_progress_is_monotone_and_complete(ladder):
    *_, calls = ladder
    assert calls == sorted(calls) and calls[-1] == 100.0
    assert any(0 < c < 95 for c in calls)


def test_finished_result_is_marked_and_found_again(ladder):
    _src, out, result, _ = ladder
    assert (out / RESULT_FILE).is_file()
    assert not list(out.glob(TMP_PREFIX + "*"))
    assert load_result(out, FAST) == result
    assert load_result(out, TranscodeSettings()) is None  # other settings: not this result


# --------------------------------------------------------------------------------------------
# accepted oddities


@pytest.fixture(scope="module")
def odd_dir(media_dir: Path) -> Path:
    d = media_dir / "transcode_odd"
    d.mkdir(exist_ok=True)
    return d


def _one_variant(out: Path, result: TranscodeResult) -> dict:
    """The playlist of the MP4's rung (a 360p source also has a stream-only 240p one)."""
    (variant,) = [v for v in result.variants if f"{v.name}.mp4" == result.mp4]
    return ffprobe_json("-show_streams", "-show_format", out / variant.playlist)


def test_rotated_source_gives_portrait_output(odd_dir, tmp_path):
    src = make_clip(odd_dir / "rot.mp4", duration=3, rotate=90)
    result = transcode(src, tmp_path / "out", inspect(src), FAST)
    info = _one_variant(tmp_path / "out", result)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (360, 640)
    assert not any("rotation" in side for side in video.get("side_data_list", []))
    mp4 = ffprobe_json("-show_streams", tmp_path / "out" / result.mp4)["streams"][0]
    assert (mp4["width"], mp4["height"]) == (360, 640)
    assert image_size(tmp_path / "out" / result.poster) == (360, 640)
    assert "rotated" in result.flags


def test_portrait_source(odd_dir, tmp_path):
    src = make_clip(odd_dir / "portrait.mp4", duration=3, size="360x640")
    result = transcode(src, tmp_path / "out", inspect(src), FAST)
    assert [(v.width, v.height) for v in result.variants] == [(240, 426), (360, 640)]


def test_vfr_source_becomes_constant_frame_rate(odd_dir, tmp_path):
    src = make_clip(odd_dir / "vfr.mp4", duration=4, vfr=True)
    probe = inspect(src)
    assert probe.is_vfr
    result = transcode(src, tmp_path / "out", probe, FAST)
    assert result.fps == 25.0
    mp4 = tmp_path / "out" / result.mp4
    video = ffprobe_json("-select_streams", "v:0", "-count_frames", "-show_streams", mp4)["streams"][0]
    assert video["r_frame_rate"] == video["avg_frame_rate"] == "25/1"
    assert int(video["nb_read_frames"]) == pytest.approx(100, abs=2)
    pts = [float(p["pts_time"]) for p in ffprobe_json("-select_streams", "v:0", "-show_entries",
                                                      "packet=pts_time", mp4)["packets"]]
    steps = {round(b - a, 3) for a, b in pairwise(sorted(pts))}
    assert steps == {0.04}


def test_no_audio_gives_video_only_hls(odd_dir, tmp_path):
    src = make_clip(odd_dir / "silent.mp4", duration=3, audio=None)
    result = transcode(src, tmp_path / "out", inspect(src), FAST)
    assert not result.has_audio
    master = (tmp_path / "out" / result.master_playlist).read_text()
    assert "#EXT-X-STREAM-INF" in master and "mp4a" not in master
    info = ffprobe_json("-show_streams", tmp_path / "out" / result.master_playlist)
    assert {s["codec_type"] for s in info["streams"]} == {"video"}  # 240p and 360p, no audio
    mp4 = ffprobe_json("-show_streams", tmp_path / "out" / result.mp4)
    assert [s["codec_type"] for s in mp4["streams"]] == ["video"]


def test_small_source_is_not_upscaled(odd_dir, tmp_path):
    src = make_clip(odd_dir / "small.mp4", duration=2, size="320x180")
    result = transcode(src, tmp_path / "out", inspect(src), FAST)
    info = _one_variant(tmp_path / "out", result)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (320, 180)
    assert [v.name for v in result.variants] == ["180p"] and result.mp4 == "180p.mp4"
    assert "RESOLUTION=320x180" in (tmp_path / "out" / result.master_playlist).read_text()


def test_360p_source_streams_240p_and_keeps_360p_offline(odd_dir, tmp_path):
    """Walk 40: at 50 KiB/s the 360p rung (~565 kbit/s at its peak) froze; a 240p rung (200 + 48 kbit/s) is
    below it, for streaming; the MP4 that learners download stays 360p."""
    src = make_clip(odd_dir / "src360.mp4", duration=3, size="640x360")
    out = tmp_path / "out"
    result = transcode(src, out, inspect(src), FAST)
    master = (out / result.master_playlist).read_text()
    assert master.count("#EXT-X-STREAM-INF") == 2
    assert "RESOLUTION=426x240" in master and "RESOLUTION=640x360" in master
    assert [(v.name, v.height) for v in result.variants] == [("240p", 240), ("360p", 360)]
    assert result.variants[0].bandwidth < 330_000 < result.variants[1].bandwidth
    assert result.mp4 == "360p.mp4" and not (out / "240p.mp4").exists()
    video = next(s for s in ffprobe_json("-show_streams", out / result.mp4)["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (640, 360)


def test_hostile_source_and_output_names(odd_dir, tmp_path):
    src = make_clip(odd_dir / "plain.mp4", duration=2)
    hostile = tmp_path / "-x ;rm -rf ~ 'é\".mp4"
    hostile.write_bytes(src.read_bytes())
    out = tmp_path / "-out dir; $(touch pwned)"
    result = transcode(hostile, out, inspect(hostile), FAST)
    assert (out / result.master_playlist).is_file() and (out / result.mp4).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([hostile.name, out.name])


def test_rerun_replaces_the_previous_result(odd_dir, tmp_path):
    src = make_clip(odd_dir / "plain.mp4", duration=2)
    probe = inspect(src)
    first = transcode(src, tmp_path / "out", probe, FAST)
    (tmp_path / "out" / first.variants[0].name / "stale.ts").write_bytes(b"old")
    second = transcode(src, tmp_path / "out", probe, FAST)
    assert not (tmp_path / "out" / second.variants[0].name / "stale.ts").exists()
    assert load_result(tmp_path / "out") == second


# --------------------------------------------------------------------------------------------
# failures leave nothing that looks finished


def _assert_nothing_published(out: Path) -> None:
    assert not (out / RESULT_FILE).exists()
    assert not list(out.glob(TMP_PREFIX + "*"))
    assert load_result(out) is None


def test_source_shorter_than_its_index_is_refused(odd_dir, tmp_path):
    # The probe said 12 s but the data holds 2 s (the kind of truncation a probe can miss).
    src = make_clip(odd_dir / "plain.mp4", duration=2)
    lying = replace(inspect(src), duration=12.0)
    with pytest.raises(PermanentMediaError) as info:
        transcode(src, tmp_path / "out", lying, FAST)
    assert "tronquée" in info.value.message
    _assert_nothing_published(tmp_path / "out")


def test_unreadable_source_is_permanent(odd_dir, tmp_path):
    src = tmp_path / "garbage.mp4"
    src.write_bytes(os.urandom(50_000))
    probe = replace(inspect(make_clip(odd_dir / "plain.mp4", duration=2)), path=str(src))
    with pytest.raises(PermanentMediaError):
        transcode(src, tmp_path / "out", probe, FAST)
    _assert_nothing_published(tmp_path / "out")


def test_killed_ffmpeg_is_transient_and_leaves_no_result(odd_dir, tmp_path):
    """SIGKILL the ladder's ffmpeg mid-run, from the progress callback: it runs while ffmpeg is
    alive and still has work (below 90 %), once a first segment is written, so the kill cannot
    land before the start or after the end (a polling thread could do both)."""
    src = make_clip(odd_dir / "longer.mp4", duration=20, size="640x360")
    probe = inspect(src)
    out = tmp_path / "out"
    killed: list[tuple[int, float]] = []

    def kill_mid_ladder(percent: float) -> None:
        if killed or not 0 < percent < 90 or not list(out.glob(TMP_PREFIX + "*/360p/seg_*.ts")):
            return
        pids = ffmpeg_children()
        assert len(pids) == 1, pids  # the ladder's ffmpeg, alive: it just reported its progress
        os.kill(pids[0], signal.SIGKILL)
        killed.append((pids[0], percent))

    with pytest.raises(TransientMediaError) as info:
        transcode(src, out, probe, TranscodeSettings(preset="medium"), progress=kill_mid_ladder)
    assert killed, "ffmpeg was never killed mid-ladder"
    assert "interrompu" in info.value.message
    _assert_nothing_published(out)


def test_footage_that_is_not_the_first_video_stream(odd_dir, tmp_path):
    src = make_clip(odd_dir / "plain.mp4", duration=2)
    cover = tmp_path / "cover.png"
    subprocess.run(["ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "color=red:size=320x240",
                    "-frames:v", "1", str(cover)], check=True)
    mixed = tmp_path / "mixed.mkv"
    subprocess.run(["ffmpeg", "-y", "-v", "error", "-i", str(cover), "-i", str(src), "-map", "0",
                    "-map", "1:v", "-map", "1:a", "-c", "copy", str(mixed)], check=True)
    result = transcode(mixed, tmp_path / "out", inspect(mixed), FAST)
    info = _one_variant(tmp_path / "out", result)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (640, 360)
    assert float(info["format"]["duration"]) == pytest.approx(2.0, abs=0.3)


def test_interlaced_source_is_deinterlaced(tmp_path):
    src = tmp_path / "interlaced.mp4"
    subprocess.run(["ffmpeg", "-y", "-v", "error",
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=2",
                    "-c:v", "libx264", "-preset", "ultrafast", "-flags", "+ildct+ilme",
                    "-x264-params", "interlaced=1:tff=1", "-pix_fmt", "yuv420p", str(src)], check=True)
    probe = inspect(src)
    assert "interlaced" in probe.flags and "no_audio" in probe.flags
    result = transcode(src, tmp_path / "out", probe, FAST)
    video = ffprobe_json("-show_streams", tmp_path / "out" / result.mp4)["streams"][0]
    assert video.get("field_order", "progressive") == "progressive"
    assert video["avg_frame_rate"] == "25/1"  # one frame per frame, not one per field


def test_anamorphic_source_is_rendered_at_its_display_shape(odd_dir, tmp_path):
    """Walk 46: a 480x270 take whose pixels are 3:4 (4:3 on screen, as Chromium shows the file itself) was flagged
    « l'image est remise à ses proportions » and rendered 480x270 with square pixels: ffprobe's "3:4" was not read.
    Here 360x270 stored pixels of 4:3 (16:9 on screen) come out 480x270 with square pixels."""
    src = odd_dir / "anamorphic.mp4"
    subprocess.run(["ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=360x270:rate=25:duration=3",
                    "-vf", "setsar=4/3", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(src)], check=True)
    probe = inspect(src)
    assert (probe.width, probe.height) == (480, 270) and "anamorphic" in probe.flags
    result = transcode(src, tmp_path / "out", probe, FAST)
    mp4 = ffprobe_json("-show_streams", tmp_path / "out" / result.mp4)["streams"][0]
    assert (mp4["width"], mp4["height"]) == (480, 270) and mp4.get("sample_aspect_ratio", "1:1") == "1:1"
    assert image_size(tmp_path / "out" / result.poster) == (480, 270)
    # A step's picture in the review has the shape the video has (a JPEG's pixel shape is not shown by browsers).
    from media_pipeline.keyframes import extract_keyframe

    assert image_size(extract_keyframe(src, 1.0, tmp_path / "k.jpg", width=320)) == (320, 180)
