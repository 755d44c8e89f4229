"""Keyframe pictures of steps: one seek, one decoded frame, one JPEG.

Which time makes a good keyframe (a sharp frame where the hands act) is decided by
segmentation from the motion features; this module only writes the picture.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from media_pipeline.errors import PermanentMediaError

# The picture in the shape it is shown (anamorphic footage: its pixels made square first, as the renditions are;
# a JPEG's own pixel shape is ignored by browsers).
SQUARE_PIXELS = "scale='trunc(iw*sar/2)*2':ih,setsar=1"


def extract_keyframe(video: str | Path, time: float, out_path: str | Path, width: int = 640) -> Path:
    """Write the frame at ``time`` seconds as a JPEG ``width`` pixels wide (aspect kept)."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["ffmpeg", "-nostdin", "-y", "-v", "error", "-ss", f"{max(0.0, time):.3f}", "-i", str(video),
           "-frames:v", "1", "-vf", f"{SQUARE_PIXELS},scale={int(width)}:-2", "-q:v", "3", str(out)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise PermanentMediaError(f"Impossible d'extraire l'image clé à {time:.1f} s.", detail=res.stderr[-2000:])
    return out


def keyframe_time_in(motion, start: float, end: float) -> float:
    """Where to take the picture of a step the expert made (a split's second half, a step moved
    away from its picture): the segmenter's own choice (a sharp frame where the hands act, away
    from the edges) inside ``[start, end]``; the middle of the step without motion features."""
    middle = round((start + end) / 2, 3)
    needed = {"blur", "energy_center", "camera"}
    if motion is None or not motion.times or not needed <= motion.features.keys():
        return middle
    import numpy as np

    from media_pipeline.segmentation.kernel_cpd import choose_keyframe

    times = np.asarray(motion.times, dtype=float)
    s = int(np.searchsorted(times, start, side="left"))
    e = int(np.searchsorted(times, end, side="right"))
    if e - s < 2:
        return middle
    return round(min(max(choose_keyframe(motion, s, e), start), end), 3)
