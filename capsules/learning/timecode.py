"""The learner's clock, server side: ``media_pipeline.timecode`` (the same m:ss as the player's ``fmt``),
and the ``#t=`` links that open the player on the second a page shows.

Times a learner reads count from the capsule's start.
"""

from __future__ import annotations

import math

from media_pipeline.timecode import EPSILON, clock, clock_tenths, whole_seconds

__all__ = ["EPSILON", "clock", "clock_tenths", "link_seconds", "whole_seconds"]


def link_seconds(seconds: float) -> str:
    """``#t=`` value opening the player where ``clock`` says: to the millisecond, never rounded up
    into the next second (``round(5.97, 1)`` gave 6, which the player shows as 0:06 next to a 0:05)."""
    ms = math.floor(max(0.0, seconds) * 1000 + EPSILON * 1000)
    return format(ms / 1000, "g")
