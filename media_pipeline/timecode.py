"""The one clock people read, server side: m:ss rounded down to the second, the same as the player's
``fmt`` (frontend/src/player/dom.js, from capsules/static/capsules/clock.js).

Times are rounded down to the second, as mainstream players do (6.97 s reads 0:06 until 7 s): a step
list, a search result, a quiz feedback and the player's counter never disagree. A difference of two
stored times that lands a hair under a whole second (8.2 - 2.2 = 5.999999999999999) counts as that
second: ``EPSILON`` is far under a frame and far over such errors. Editors that move boundaries by a
tenth (the review screen) read ``clock_tenths``: m:ss and the tenth, rounded to the nearest tenth.
``typed_seconds`` reads back what a person types in a time field: seconds, or a time written like these clocks.
Framework-free, so that the media library (quiz drafts) writes times the way the site shows them.
"""

from __future__ import annotations

import math
import re

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


# A time as a person types it: seconds (« 65,5 », « 65.5 ») or the clock the screens write, copied back
# (« 1:05 », « 1:05,5 », « 1:05.5 », « 1:01:05 »): minutes unbounded as ``clock`` writes them (75:02), or
# hours; seconds and the minutes after hours on two digits, 00 to 59. ASCII digits only, no exponent, no
# « inf » or « nan ». A leading minus is kept (the caller's range check says the time must be from 0), so
# « -5 » and « -0:05 » get the same message. Its browser twin: capsules/static/capsules/clock.js ``parse``.
_TYPED = re.compile(r"(-?)(?:(?:([0-9]+):([0-5][0-9])|([0-9]+)):([0-5][0-9](?:[.,][0-9]*)?)"
                    r"|([0-9]+(?:[.,][0-9]*)?|[.,][0-9]+))")


def typed_seconds(text: str) -> float:
    """Seconds from a time typed in a form; ValueError for anything else (« 1:75 », « :30 », « 1:2:3:4 »,
    « 1e3 », « inf »)."""
    found = _TYPED.fullmatch(str(text).strip())
    if found is None:
        raise ValueError(f"not a time: {text!r}")
    sign, hours, minutes_after_hours, minutes, seconds, plain = found.groups()
    if plain is not None:
        value = float(plain.replace(",", "."))
    else:
        value = (float(hours or 0) * 3600 + float(minutes_after_hours or minutes) * 60
                 + float(seconds.replace(",", ".")))
    if not math.isfinite(value):
        raise ValueError(f"not a time: {text!r}")
    return -value if sign else value
