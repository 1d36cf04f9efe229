"""English dates, day first and unambiguous: 23 Nov 2026, 23/11/2026, 24-hour times."""

from carenet.formats import ISO_DATES, ISO_DATETIMES, iso_first

DATE_FORMAT = "j M Y"  # 23 Nov 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j M Y, H:i"  # 23 Nov 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 23 November
SHORT_DATE_FORMAT = "d/m/Y"  # 23/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 23/11/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = iso_first(
    ISO_DATES,
    [
        "%d/%m/%Y",  # 23/11/2026
        "%d/%m/%y",  # 23/11/26
        "%d.%m.%Y",  # 23.11.2026
        "%d %b %Y",  # 23 Nov 2026
        "%d %B %Y",  # 23 November 2026
    ],
)
DATETIME_INPUT_FORMATS = iso_first(
    ISO_DATETIMES,
    [
        "%d/%m/%Y %H:%M:%S",  # 23/11/2026 14:30:59
        "%d/%m/%Y %H:%M",  # 23/11/2026 14:30
        "%d/%m/%y %H:%M",  # 23/11/26 14:30
    ],
)
