"""The demo's picture is a tap repair at a washbasin, seen from the plumber's head.

First-user walks: the demo capsule « Remplacer le joint d'un robinet » said « je coupe l'arrivée d'eau »,
« je démonte la tête du robinet » over the evaluation generator's cartoon workbench (a green mat under random
boxes and tools): nothing in the picture was a tap. The video ``make run`` uploads is made here as the demo
makes it, and frames decoded from it are checked for the washbasin where the scene draws it
(media_pipeline/evaluation/tap_scene.py).
"""

from __future__ import annotations

import subprocess

import cv2
import numpy as np

from capsules import demo
from media_pipeline.evaluation.synthetic import plan_clip
from media_pipeline.evaluation.tap_scene import landmarks


def frame_at(video, t: float, width: int, height: int) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", f"{t}", "-i", str(video), "-frames:v", "1", "-f", "rawvideo",
                          "-pix_fmt", "bgr24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(height, width, 3)


def blue(hsv: np.ndarray) -> np.ndarray:
    return (hsv[..., 0] >= 95) & (hsv[..., 0] <= 125) & (hsv[..., 1] > 110) & (hsv[..., 2] > 80)


def red(hsv: np.ndarray) -> np.ndarray:
    return ((hsv[..., 0] <= 8) | (hsv[..., 0] >= 170)) & (hsv[..., 1] > 110) & (hsv[..., 2] > 80)


def test_the_demo_picture_is_a_washbasin_with_its_taps(tmp_path):
    clip = demo.DemoClip(width=640, height=360)  # the size tests/capsules/test_demo.py seeds the demo at
    video = demo.make_demo_video(tmp_path / "demo.mp4", clip)
    t = 1.0  # before the first gesture: the hands are out of the picture
    hsv = cv2.cvtColor(frame_at(video, t, clip.width, clip.height), cv2.COLOR_BGR2HSV)
    # Mostly light and colourless: the basin, the stone top, pale tiles (the bench was a dark green mat).
    light = (hsv[..., 1] < 80) & (hsv[..., 2] > 120)
    assert light.mean() > 0.6, light.mean()
    # The tiled wall's blue frieze: rows blue nearly all across.
    assert blue(hsv).mean(axis=1).max() > 0.75
    # The cold tap's blue cap and the hot tap's red crosshead, taken off, where the scene puts them: the camera
    # of the seed moves the picture, the plan of the clip says where they are at t.
    plan = plan_clip(clip.seed, size=(clip.width, clip.height), duration=clip.seconds, scene="tap")
    renderer = plan.renderer
    marks = landmarks(renderer.anchor)
    for name, colour in (("cold_tap_cap", blue), ("hot_handle_cap", red)):
        x, y = (int(round(v)) for v in renderer.to_screen(renderer.camera(t), marks[name]))
        assert 0 <= x < clip.width and 0 <= y < clip.height, name
        assert colour(hsv[y - 3:y + 4, x - 3:x + 4]).sum() >= 12, name

