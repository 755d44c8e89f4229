"""English as Geste's readers write it: European day-month order and a 24-hour clock.

Django's "en" formats are American (12/06/2026 is the 6th of December in a French training centre, not
the 12th of June); Geste's English readers work beside French teams. Only the output formats change: what
forms accept stays Django's English input formats (ISO dates from date pickers included).
"""

from django.conf.locale.en.formats import (  # noqa: F401 (re-exported: Django reads this module's names)
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    DECIMAL_SEPARATOR,
    NUMBER_GROUPING,
    THOUSAND_SEPARATOR,
    TIME_INPUT_FORMATS,
)

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
