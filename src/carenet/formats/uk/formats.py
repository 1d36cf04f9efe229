"""Ukrainian: Django's own formats, with ISO dates first among the input formats.

A date input (<input type="date">) sends ISO and can only show ISO: a DateInput widget
without a format of its own shows its value in the first input format, and Django's first
for Ukrainian (23.11.2026) left date pickers empty when a form was opened for editing.
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-23
    "%d.%m.%Y",  # 23.11.2026
    "%d %B %Y",  # 23 листопада 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",  # as <input type="datetime-local"> sends it
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S.%f",
    "%d.%m.%Y %H:%M",
    "%d %B %Y %H:%M:%S",
    "%d %B %Y %H:%M",
]
