"""Keyframe pictures of steps: one seek, one decoded frame, one JPEG.

Which time makes a good keyframe (a sharp frame where the hands act) is decided by
segmentation from the motion features; this module only writes the picture.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from media_pipeline.errors import PermanentMediaError


def extract_keyframe(video: str | Path, time: float, out_path: str | Path, width: int = 640) -> Path:
    """Write the frame at ``time`` seconds as a JPEG ``width`` pixels wide (aspect kept)."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["ffmpeg", "-nostdin", "-y", "-v", "error", "-ss", f"{max(0.0, time):.3f}", "-i", str(video),
           "-frames:v", "1", "-vf", f"scale={int(width)}:-2", "-q:v", "3", str(out)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise PermanentMediaError(f"Impossible d'extraire l'image clé à {time:.1f} s.", detail=res.stderr[-2000:])
    return out
