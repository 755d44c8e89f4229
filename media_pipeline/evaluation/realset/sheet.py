"""Contact sheets for annotating a clip by hand: frames every 1/fps s, each stamped with its time.

Why: step boundaries of the real set are decided by a person looking at the footage; a sheet
at 2 fps shows where the hands start and stop working to within half a second.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import cv2
import numpy as np


def contact_sheet(video: str | Path, out: str | Path, fps: float = 2.0, width: int = 200, cols: int = 8,
                  start: float = 0.0, end: float | None = None) -> int:
    """Write a PNG sheet of ``video`` between ``start`` and ``end``; returns the number of frames."""
    info = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
         "-of", "json", str(video)], capture_output=True, text=True, check=True).stdout)["streams"][0]
    height = max(2, int(round(info["height"] * width / info["width"] / 2)) * 2)
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-ss", f"{start}", "-i", str(video)]
    if end is not None:
        cmd += ["-t", f"{max(0.0, end - start)}"]
    cmd += ["-vf", f"fps={fps},scale={width}:{height}", "-f", "rawvideo", "-pix_fmt", "bgr24", "-"]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    n = len(raw) // (width * height * 3)
    if n == 0:
        raise ValueError(f"aucune image lue dans {video}")
    frames = np.frombuffer(raw[: n * width * height * 3], np.uint8).reshape(n, height, width, 3).copy()
    tiles = []
    for i, frame in enumerate(frames):
        cv2.rectangle(frame, (0, 0), (58, 16), (0, 0, 0), -1)
        cv2.putText(frame, f"{start + i / fps:5.1f}s", (2, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 255, 255), 1)
        tiles.append(frame)
    while len(tiles) % cols:
        tiles.append(np.zeros_like(frames[0]))
    sheet = np.vstack([np.hstack(tiles[i:i + cols]) for i in range(0, len(tiles), cols)])
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out), sheet)
    return n
