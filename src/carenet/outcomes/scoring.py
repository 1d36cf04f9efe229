"""The one scoring module: totals, bands, safety flags and reliable change.

Everything here is pure: it reads an instrument `Definition` (built from the instrument's
data, see `data/instruments/*.json`) and answers, and computes. The services store what it
returns; the `carenet score` command prints it; the tests check it against worked examples.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

RELIABLE_Z = 1.96  # Jacobson & Truax 1991: 95 % of differences from error alone are smaller


class InvalidDefinition(ValueError):
    """An instrument file or row that cannot be scored (the message names the problem)."""


class InvalidAnswer(ValueError):
    """An answer outside the instrument's options (the message is for the person entering)."""


@dataclass(frozen=True)
class Band:
    code: str
    low: int
    high: int
    labels: Mapping[str, str]

    @property
    def label(self) -> str:
        return _pick(self.labels)


@dataclass(frozen=True)
class Definition:
    """What scoring an instrument needs: options, items, bands and rules."""

    code: str
    options: tuple[int, ...]
    items: tuple[int, ...]
    bands: tuple[Band, ...]
    total_range: tuple[int, int]
    method: str = "sum"  # sum | entered_total
    reverse: frozenset[int] = frozenset()
    percent_multiplier: int | None = None
    safety_items: frozenset[int] = frozenset()
    safety_above: int | None = None
    safety_top_band: bool = False
    cutoff: float | None = None
    case_if: str = "at_or_above"  # at_or_above | below
    higher_is_better: bool = False
    reliability: float | None = None
    sd: float | None = None

    @property
    def entered_total(self) -> bool:
        return self.method == "entered_total"

    @classmethod
    def from_data(
        cls, data: Mapping[str, Any], reliability: Mapping[str, Any] | None = None
    ) -> Definition:
        """Build a definition from an instrument file's dict; refuses inconsistent data."""
        try:
            code = str(data["code"])
            scoring = data.get("scoring") or {}
            options = tuple(int(o["value"]) for o in data.get("options") or [])
            items = tuple(int(i["n"]) for i in data.get("items") or [])
            low, high = (int(v) for v in scoring["range"])
            bands = tuple(
                Band(str(b["code"]), int(b["low"]), int(b["high"]), dict(b.get("label") or {}))
                for b in data.get("bands") or []
            )
            safety = data.get("safety") or {}
            cutoff = data.get("cutoff") or {}
            reliability = reliability or {}
            definition = cls(
                code=code,
                options=options,
                items=items,
                bands=bands,
                total_range=(low, high),
                method=str(scoring.get("method", "sum")),
                reverse=frozenset(int(i["n"]) for i in data.get("items") or [] if i.get("reverse")),
                percent_multiplier=scoring.get("percent_multiplier"),
                safety_items=frozenset(int(n) for n in safety.get("items") or []),
                safety_above=safety.get("above"),
                safety_top_band=bool(safety.get("top_band")),
                cutoff=None if cutoff.get("value") is None else float(cutoff["value"]),
                case_if=str(cutoff.get("case_if", "at_or_above")),
                higher_is_better=data.get("direction") == "higher_is_better",
                reliability=_float_or_none(reliability.get("reliability")),
                sd=_float_or_none(reliability.get("sd")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidDefinition(f"{data.get('code', '?')}: {exc!r}") from exc
        definition.check()
        return definition

    def check(self) -> None:
        """Refuse a definition whose pieces do not fit together."""
        low, high = self.total_range
        if self.method not in {"sum", "entered_total"}:
            raise InvalidDefinition(f"{self.code}: unknown scoring method {self.method!r}")
        if self.method == "sum":
            if not self.items or not self.options:
                raise InvalidDefinition(f"{self.code}: a summed instrument needs items and options")
            if (len(self.items) * min(self.options), len(self.items) * max(self.options)) != (
                low,
                high,
            ):
                raise InvalidDefinition(f"{self.code}: the range does not match items × options")
        elif self.items:
            raise InvalidDefinition(f"{self.code}: an entered-total instrument has no items")
        if self.bands:
            ordered = sorted(self.bands, key=lambda b: b.low)
            if ordered[0].low != low or ordered[-1].high != high:
                raise InvalidDefinition(f"{self.code}: the bands do not cover the range")
            for before, after in itertools.pairwise(ordered):
                if after.low != before.high + 1:
                    raise InvalidDefinition(f"{self.code}: bands {before.code}/{after.code} gap")
        if not set(self.safety_items) <= set(self.items):
            raise InvalidDefinition(f"{self.code}: a safety item is not an item")
        if self.case_if not in {"at_or_above", "below"}:
            raise InvalidDefinition(f"{self.code}: unknown cut-off rule {self.case_if!r}")
        if self.reliability is not None and not 0 < self.reliability < 1:
            raise InvalidDefinition(f"{self.code}: reliability must lie between 0 and 1")


@dataclass(frozen=True)
class Score:
    """The result of scoring one administration."""

    complete: bool
    missing: tuple[int, ...] = ()
    total: int | None = None
    percent: int | None = None
    band: Band | None = None
    safety_reasons: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.safety_reasons)

    def line(self) -> str:
        """`total band [flag]`, as `carenet score` prints it."""
        if not self.complete:
            return _("incomplete: missing item(s) %(items)s") % {
                "items": ", ".join(str(n) for n in self.missing)
            }
        parts = [str(self.total)]
        if self.percent is not None:
            parts.append(f"({self.percent}%)")
        parts.append(self.band.code if self.band else "-")
        if self.flagged:
            parts.append("SAFETY:" + ",".join(self.safety_reasons))
        return " ".join(parts)


def check_answers(definition: Definition, answers: Mapping[int, int | None]) -> None:
    """Raise InvalidAnswer for an unknown item or a value outside the options."""
    for item, value in answers.items():
        if item not in definition.items:
            raise InvalidAnswer(
                _("%(instrument)s has no item %(item)s.")
                % {"instrument": definition.code, "item": item}
            )
        if value is not None and value not in definition.options:
            raise InvalidAnswer(
                _("Item %(item)s: %(value)s is not one of the answers (%(options)s).")
                % {
                    "item": item,
                    "value": value,
                    "options": ", ".join(str(o) for o in sorted(definition.options)),
                }
            )


def score(definition: Definition, answers: Mapping[int, int | None]) -> Score:
    """Score item answers (item number -> value, None for unanswered).

    An answer outside the options raises InvalidAnswer; a missing item leaves the
    administration incomplete and unscored (no prorating: the published rules do not allow it
    for these instruments).
    """
    if definition.entered_total:
        raise InvalidAnswer(
            _("%(instrument)s takes a total, not item answers.") % {"instrument": definition.code}
        )
    check_answers(definition, answers)
    missing = tuple(n for n in definition.items if answers.get(n) is None)
    if missing:
        return Score(complete=False, missing=missing)
    values = {n: int(answers[n]) for n in definition.items}  # type: ignore[arg-type]
    top, bottom = max(definition.options), min(definition.options)
    total = sum((top + bottom - v) if n in definition.reverse else v for n, v in values.items())
    return _finish(definition, total, values)


def score_total(definition: Definition, total: int) -> Score:
    """Score a total entered from elsewhere (instruments whose items may not ship)."""
    low, high = definition.total_range
    if not low <= total <= high:
        raise InvalidAnswer(
            _("The total must lie between %(low)s and %(high)s.") % {"low": low, "high": high}
        )
    return _finish(definition, total, {})


def _finish(definition: Definition, total: int, values: Mapping[int, int]) -> Score:
    band = band_of(definition, total)
    reasons = [
        f"item{n}"
        for n in sorted(definition.safety_items)
        if definition.safety_above is not None and values.get(n, 0) > definition.safety_above
    ]
    if definition.safety_top_band and definition.bands and band == _top_band(definition):
        reasons.append("top-band")
    percent = total * definition.percent_multiplier if definition.percent_multiplier else None
    return Score(True, (), total, percent, band, tuple(reasons))


def band_of(definition: Definition, total: float) -> Band | None:
    for band in definition.bands:
        if band.low <= total <= band.high:
            return band
    return None


def _top_band(definition: Definition) -> Band:
    """The most severe band: the highest for symptom scales, the lowest for well-being."""
    ordered = sorted(definition.bands, key=lambda b: b.low)
    return ordered[0] if definition.higher_is_better else ordered[-1]


# --- change ----------------------------------------------------------------------------------


IMPROVED, NO_CHANGE, DETERIORATED = "improved", "no_change", "deteriorated"


@dataclass(frozen=True)
class Change:
    """Pre/post change of one person on one instrument."""

    pre: int
    post: int
    change: int  # post - pre
    rci: float | None = None
    reliable: str | None = None  # improved | no_change | deteriorated; None without data
    recovered: bool | None = None  # clinically significant change; None without a cut-off
    threshold: float | None = None  # the smallest change that is reliable, in points


def s_diff(definition: Definition) -> float | None:
    """Standard error of the difference: √2 · SD · √(1 − r) (Jacobson & Truax 1991)."""
    if definition.reliability is None or definition.sd is None:
        return None
    return math.sqrt(2) * definition.sd * math.sqrt(1 - definition.reliability)


def is_case(definition: Definition, total: float) -> bool | None:
    if definition.cutoff is None:
        return None
    if definition.case_if == "below":
        return total < definition.cutoff
    return total >= definition.cutoff


def change(definition: Definition, pre: int, post: int) -> Change:
    """Pre/post change, the reliable change index and clinically significant change.

    Reliable improvement: |RCI| > 1.96 in the direction of getting better (lower scores for
    symptom scales, higher for well-being). Recovered (clinically significant change): a
    reliable improvement that crosses the cut-off from case to non-case; None when the
    instrument has no cut-off or the person was not a case at the start.
    """
    delta = post - pre
    sdiff = s_diff(definition)
    if sdiff is None:
        return Change(pre, post, delta)
    rci = round(delta / sdiff, 2)
    better = rci > 0 if definition.higher_is_better else rci < 0
    if abs(delta / sdiff) <= RELIABLE_Z:
        reliable = NO_CHANGE
    else:
        reliable = IMPROVED if better else DETERIORATED
    recovered = None
    if is_case(definition, pre):
        recovered = reliable == IMPROVED and not is_case(definition, post)
    return Change(pre, post, delta, rci, reliable, recovered, round(RELIABLE_Z * sdiff, 2))


# --- helpers ---------------------------------------------------------------------------------


def parse_answers(text: str) -> dict[int, int | None]:
    """`3,3,0,,1` -> {1: 3, 2: 3, 3: 0, 4: None, 5: 1} (a blank or `-` is unanswered)."""
    out: dict[int, int | None] = {}
    for n, part in enumerate(text.split(","), start=1):
        part = part.strip()
        if part in {"", "-"}:
            out[n] = None
            continue
        try:
            out[n] = int(part)
        except ValueError as exc:
            raise InvalidAnswer(
                _("Item %(item)s: “%(value)s” is not a number.") % {"item": n, "value": part}
            ) from exc
    return out


def _pick(labels: Mapping[str, str]) -> str:
    lang = (get_language() or "en")[:2]
    return labels.get(lang) or labels.get("en") or ""


def _float_or_none(value: Any) -> float | None:
    return None if value in (None, "") else float(value)
