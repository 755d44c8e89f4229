"""Hostile uploads: names, metadata, offsets and races on the same upload (issue 11, items 7-11).

Future features that accept files or upload requests extend this module: every case uses real
parts (ffmpeg-made clips, concurrent HTTP requests on a live server, PostgreSQL).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from media_pipeline.audio import extract_audio
from media_pipeline.errors import PermanentMediaError
from media_pipeline.ffmpeg_run import media_arg, run_ffmpeg
from media_pipeline.probe import probe
from media_pipeline.transcode import transcode
from tests.mediagen import make_clip

# --- hostile metadata (item 8) ----------------------------------------------------------------


def _with_title(src: Path, out: Path, title: str) -> Path:
    """Copy ``src`` with a global title and stream titles of any size (through an ffmetadata file:
    a 1 MB command-line argument is over the kernel's limit)."""
    meta = out.with_suffix(".ffmeta")
    meta.write_text(f";FFMETADATA1\ntitle={title}\ncomment={title}\n", "utf-8")
    subprocess.run(["ffmpeg", "-y", "-v", "error", "-i", str(src), "-i", str(meta), "-map", "0", "-map_metadata", "1",
                    "-metadata:s:v:0", f"title={title[:100_000]}", "-c", "copy", str(out)],
                   check=True, capture_output=True)
    return out


def _tags(path: Path) -> dict:
    done = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json",
                           str(path)], check=True, capture_output=True, text=True)
    data = json.loads(done.stdout)
    tags = dict((data.get("format") or {}).get("tags") or {})
    for stream in data.get("streams") or []:
        tags.update(stream.get("tags") or {})
    return tags


@pytest.mark.parametrize("length", [300, 1_000_000])
def test_huge_metadata_title_is_dropped_not_fatal(media_dir, tmp_path, length):
    base = media_dir / "meta-base.mp4"
    if not base.exists():
        make_clip(base, duration=3, size="320x240")
    src = _with_title(base, tmp_path / f"title-{length}.mp4", "Découpe « tuyau » " * (length // 18 + 1))
    assert len(_tags(src)["title"]) >= length  # the hostile file really carries it

    result = transcode(src, tmp_path / "out", probe(src))
    outputs = [Path(result.out_dir) / result.mp4, *sorted((Path(result.out_dir)).glob("*/seg_0000.ts"))]
    assert len(outputs) >= 2
    for out in outputs:
        assert "title" not in _tags(out) and "comment" not in _tags(out), out
    wav = extract_audio(src, tmp_path / "audio.wav")
    assert wav.duration > 2.5
    assert b"D\xc3\xa9coupe" not in Path(wav.path).read_bytes()


def test_muxer_refusing_its_header_is_permanent_with_a_french_message(tmp_path):
    # The failure the long title caused, reproduced directly: the MPEG-TS muxer refuses a service
    # name over 255 bytes and blames memory; it fails the same way every time, so never retry it.
    with pytest.raises(PermanentMediaError) as caught:
        run_ffmpeg(["-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=1", "-metadata",
                    "service_name=" + "x" * 300, "-f", "mpegts", media_arg(tmp_path / "out.ts")],
                   what="la conversion de la vidéo")
    assert "nouvelle tentative donnerait le même résultat" in caught.value.message
    assert "Too long service" in caught.value.detail
