"""The learner's clock, server side: the same m:ss as the player's ``fmt`` (frontend/src/player/dom.js).

Times count from the capsule's start and are rounded down to the second, as mainstream players do
(6.97 s reads 0:06 until 7 s): a step list, a search result and the player's counter never disagree.
A difference of two stored times that lands a hair under a whole second (8.2 - 2.2 =
5.999999999999999) counts as that second: ``EPSILON`` is far under a frame and far over such errors.
"""

from __future__ import annotations

import math

EPSILON = 1e-6  # the same in dom.js


def whole_seconds(seconds: float | None) -> int:
    """Seconds shown for ``seconds``: rounded down, a floating-point hair under a second counted in."""
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return 0
    return math.floor(seconds + EPSILON)


def clock(seconds: float | None) -> str:
    """m:ss (minutes unbounded: 75:02 for a long take)."""
    s = whole_seconds(seconds)
    return f"{s // 60}:{s % 60:02d}"


def link_seconds(seconds: float) -> str:
    """``#t=`` value opening the player where ``clock`` says: to the millisecond, never rounded up
    into the next second (``round(5.97, 1)`` gave 6, which the player shows as 0:06 next to a 0:05)."""
    ms = math.floor(max(0.0, seconds) * 1000 + EPSILON * 1000)
    return format(ms / 1000, "g")
