"""The one clock people read, server side: m:ss rounded down to the second, the same as the player's
``fmt`` (frontend/src/player/dom.js, from capsules/static/capsules/clock.js).

Times are rounded down to the second, as mainstream players do (6.97 s reads 0:06 until 7 s): a step
list, a search result, a quiz feedback and the player's counter never disagree. A difference of two
stored times that lands a hair under a whole second (8.2 - 2.2 = 5.999999999999999) counts as that
second: ``EPSILON`` is far under a frame and far over such errors. Editors that move boundaries by a
tenth (the review screen) read ``clock_tenths``: m:ss and the tenth, rounded to the nearest tenth.
Framework-free, so that the media library (quiz drafts) writes times the way the site shows them.
"""

from __future__ import annotations

import math

EPSILON = 1e-6  # the same in clock.js


def whole_seconds(seconds: float | None) -> int:
    """Seconds shown for ``seconds``: rounded down, a floating-point hair under a second counted in."""
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return 0
    return math.floor(seconds + EPSILON)


def clock(seconds: float | None) -> str:
    """m:ss (minutes unbounded: 75:02 for a long take)."""
    s = whole_seconds(seconds)
    return f"{s // 60}:{s % 60:02d}"


def clock_tenths(seconds: float | None) -> str:
    """m:ss,d — minutes, seconds and the tenth (French decimal comma), rounded to the nearest tenth, a
    half up (9.584 reads 0:09,6, 0.35 reads 0:00,4; the same as clock.js ``fmtTenths``): an editor shows
    where a limit is, it does not count the seconds played, so 5.97 reads 0:06,0 where ``clock`` says 0:05."""
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        tenths = 0
    else:
        tenths = math.floor(seconds * 10 + 0.5 + EPSILON * 10)
    s, d = divmod(tenths, 10)
    return f"{s // 60}:{s % 60:02d},{d}"
