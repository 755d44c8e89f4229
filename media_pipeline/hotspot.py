"""Where the hands work in a picture of the footage: the default zone of a drafted hotspot question.

A point of vigilance is almost always about what the hands are doing (the blade near the fingers,
the torque on the nut), so the region of residual motion around the keyframe's time is a far
better first proposal than a fixed box in the middle; the designer still checks it before
accepting the question. Coordinates are fractions of the frame's width and height.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from media_pipeline.motion import MotionSeries

MIN_SIZE = 0.15
MAX_SIZE = 0.6
SCALE = 1.6  # box side = SCALE x (spread + wander); tuned on synthetic seeds 101-105


@dataclass(frozen=True)
class Region:
    x: float
    y: float
    w: float
    h: float

    def rect(self) -> list[float]:
        return [round(self.x, 3), round(self.y, 3), round(self.w, 3), round(self.h, 3)]

    def contains(self, px: float, py: float, margin: float = 0.0) -> bool:
        return (self.x - margin <= px <= self.x + self.w + margin
                and self.y - margin <= py <= self.y + self.h + margin)


def activity_region(motion: MotionSeries, time: float, window: float = 0.6) -> Region | None:
    """The box around the compensated local motion within ``window`` s of ``time``; None if still.

    Frames are weighted by their strongest hand motion; the box is centred on the weighted
    centroid and sized from the motion's spread and the centroid's own wander, kept between
    MIN_SIZE and MAX_SIZE of the frame so that it is neither a pin nor the whole picture.
    """
    if not motion.times or not {"centroid_x", "centroid_y", "spread", "moving_frac"} <= motion.features.keys():
        return None
    t = np.asarray(motion.times)
    sel = np.abs(t - time) <= window
    moving = motion.array("moving_frac")[sel]
    peak = motion.array("hands_peak" if "hands_peak" in motion.features else "energy_peak")[sel]
    weights = peak * (moving > 0.002)
    if weights.sum() <= 1e-9:
        return None
    cx = float(np.average(motion.array("centroid_x")[sel], weights=weights))
    cy = float(np.average(motion.array("centroid_y")[sel], weights=weights))
    spread = float(np.average(motion.array("spread")[sel], weights=weights))
    wander = float(np.sqrt(np.average((motion.array("centroid_x")[sel] - cx) ** 2
                                      + (motion.array("centroid_y")[sel] - cy) ** 2, weights=weights)))
    size = float(np.clip(SCALE * (spread + wander), MIN_SIZE, MAX_SIZE))
    w = h = size  # the same fraction of width and height: a box with the picture's own shape
    x = float(np.clip(cx - w / 2, 0.0, 1.0 - w))
    y = float(np.clip(cy - h / 2, 0.0, 1.0 - h))
    return Region(x, y, w, h)
