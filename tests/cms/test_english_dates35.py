"""English dates read day first (walk 34: the admin's English dates were American, 12/06/2026 for the 6th of
December, beside French colleagues who read the same list)."""

import datetime

from django.template import Context, Template
from django.utils import formats, translation


def test_english_short_dates_put_the_day_first():
    day = datetime.date(2026, 12, 6)
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "06/12/2026"
        assert formats.date_format(day, "DATE_FORMAT") == "6 December 2026"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
    with translation.override("fr"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "06/12/2026"
        assert formats.date_format(day, "DATE_FORMAT") == "6 décembre 2026"


def test_english_times_use_the_24_hour_clock():
    moment = datetime.datetime(2026, 12, 6, 15, 5)
    with translation.override("en"):
        rendered = Template('{{ m|date:"SHORT_DATETIME_FORMAT" }}|{{ m|time }}').render(Context({"m": moment}))
    assert rendered == "06/12/2026 15:05|15:05"


def test_english_forms_still_accept_iso_dates():
    with translation.override("en"):
        accepted = formats.get_format("DATE_INPUT_FORMATS")
    assert "%Y-%m-%d" in accepted
