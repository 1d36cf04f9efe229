"""Small server-side SVG bar charts: no JavaScript, readable without colour, with a title.

Pages show the same figures in a table next to each chart.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from carenet.core.suppression import label as suppressed_label

WIDTH = 640
BAR = 26
GAP = 8
LABEL_W = 250
PAD = 12


def bar_chart(items: Sequence[tuple[str, float | None]], *, title: str) -> SafeString:
    """Horizontal bars for (label, value); None is a suppressed value, shown as "<5"."""
    values = [v for _, v in items if v is not None]
    top = max(values, default=0) or 1
    height = PAD * 2 + 24 + len(items) * (BAR + GAP)
    span = WIDTH - LABEL_W - PAD * 2 - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{PAD}" y="{PAD + 12}" font-size="15" font-weight="600" fill="#1b1f24">'
        f"{escape(title)}</text>",
    ]
    if not items:
        parts.append(
            f'<text x="{PAD}" y="{PAD + 40}" font-size="14" fill="#4a5560">'
            f"{escape(_('Nothing to show.'))}</text>"
        )
    for i, (text, value) in enumerate(items):
        y = PAD + 24 + i * (BAR + GAP)
        w = 0 if value is None else max(1, round(span * value / top))
        shown = (
            suppressed_label(None)
            if value is None
            else number_format(
                value, decimal_pos=0 if float(value).is_integer() else 1, force_grouping=True
            )
        )
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + BAR * 0.68:.0f}" font-size="12" '
            f'text-anchor="end" fill="#1b1f24">{escape(_short(text))}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR}" fill="#2c7fb8">'
            f"<title>{escape(text)}: {escape(shown)}</title></rect>"
            f'<text x="{LABEL_W + w + 6}" y="{y + BAR * 0.68:.0f}" font-size="13" '
            f'fill="#1b1f24">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
