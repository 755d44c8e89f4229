"""``{{ seconds|clock }}`` / ``{{ seconds|clock:origin }}`` (m:ss from ``origin``, the player's clock) and
``{{ seconds|clock_tenths }}`` (m:ss,d, for the editors): the site's one clock, media_pipeline.timecode."""

from django import template

from media_pipeline.timecode import clock as _clock
from media_pipeline.timecode import clock_tenths as _clock_tenths

register = template.Library()


def _since(value, origin) -> float | None:
    try:
        return float(value) - float(origin or 0)
    except (TypeError, ValueError):
        return None


@register.filter
def clock(value, origin=0):
    return _clock(_since(value, origin))


@register.filter
def clock_tenths(value, origin=0):
    return _clock_tenths(_since(value, origin))
