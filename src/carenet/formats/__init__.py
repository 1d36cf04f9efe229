"""Date and number formats per language (`FORMAT_MODULE_PATH`), where Django's own do not suit.

A date input (<input type="date">) sends ISO and can only show ISO: a DateInput widget
without a format of its own shows its value in the first input format, so every language
lists ISO first.
"""

ISO_DATES = ["%Y-%m-%d"]  # 2026-11-23
ISO_DATETIMES = [
    "%Y-%m-%d %H:%M:%S",  # 2026-11-23 14:30:59
    "%Y-%m-%d %H:%M:%S.%f",  # 2026-11-23 14:30:59.000200
    "%Y-%m-%d %H:%M",  # 2026-11-23 14:30
    "%Y-%m-%dT%H:%M",  # 2026-11-23T14:30, as <input type="datetime-local"> sends it
]


def iso_first(iso: list[str], own: list[str]) -> list[str]:
    """The ISO formats, then the language's own (without repeating any)."""
    return iso + [f for f in own if f not in iso]
