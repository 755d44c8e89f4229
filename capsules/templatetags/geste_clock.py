"""``{{ seconds|clock }}`` / ``{{ seconds|clock:origin }}`` (m:ss from ``origin``, the player's clock) and
``{{ seconds|clock_tenths }}`` (m:ss,d, for the editors; m:ss.d on an English page): the site's one clock,
media_pipeline.timecode;
``{{ seconds|decimal_comma }}``: a number of seconds in a form field, with the page's decimal separator ("4,5" in
French, "4.5" in English; the server takes either);
``{{ fraction|decimal_comma:4 }}`` with up to 4 decimals (a click zone's coordinates, stored to 4)."""

from django import template
from django.utils.formats import get_format

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
    """m:ss,d in French, m:ss.d in English (walk 33: « 0:01,0 – 0:03,6 » beside « 10.0 s » on an English page):
    the decimal separator of the page's language, as the review screen's messages (review/validation.py); the
    capsule design messages call it too (authoring/capsule.py `capsule_clock_tenths`)."""
    return _clock_tenths(_since(value, origin)).replace(",", get_format("DECIMAL_SEPARATOR"))


@register.filter
def decimal_comma(value, places=3):
    """4.5 -> "4,5" in French, "4.5" in English (at most ``places`` decimals, 3 unless told, no trailing zeros);
    what is not a number (a designer's typo sent back with its error) is shown as typed."""
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            return value
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return "" if value is None else str(value)
    places = int(places)
    text = f"{round(float(value), places):.{places}f}".rstrip("0").rstrip(".")
    return ("0" if text == "-0" else text).replace(".", get_format("DECIMAL_SEPARATOR"))
