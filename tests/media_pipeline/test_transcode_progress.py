"""Transcode progress moves while ffmpeg writes no -progress report.

With the poster and the thumbnail sprite in the same ffmpeg run, ffmpeg 5 prints its first
progress report only once the sprite is complete, near the end: the admin showed "Rendus vidéo
0 %" for minutes. The finished HLS segments on disk now drive the percentage meanwhile.
"""

from __future__ import annotations

from media_pipeline.probe import probe
from media_pipeline.transcode import TranscodeSettings, transcode
from tests.mediagen import make_clip


def test_progress_is_reported_before_the_end(media_dir, tmp_path):
    clip = media_dir / "progress-36s.mp4"
    if not clip.exists():
        make_clip(clip, duration=36, size="640x360", fps=25)
    seen: list[float] = []
    # 2-s segments: progress comes from finished segments, and 6-s ones let a fast machine finish two
    # between two polls (a CI run saw 0 then 31.7 %: one early value).
    transcode(str(clip), tmp_path / "out", probe(str(clip)), TranscodeSettings(segment_seconds=2),
              progress=seen.append)
    assert seen[-1] == 100.0
    assert seen == sorted(seen), "progress never goes back"
    early = [p for p in seen if 0 < p < 50]
    assert len(early) >= 2, f"only {seen} reported: the first half of the transcode showed 0 %"
