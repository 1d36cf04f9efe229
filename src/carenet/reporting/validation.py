"""Checking 4W rows: the same rules for a file, a command and the browser form.

Checking happens in two steps so that a 100,000-row file needs a handful of queries:
`RowParser.parse` turns cells into a `Candidate` with no database access (codes are looked
up in dictionaries loaded once); `resolve` then looks up every P-code at once, computes the
deterministic row keys, and finds duplicates in the file, duplicates of rows already saved,
and locked or closed periods.

Errors are stored as codes with parameters and worded in the reader's language when shown.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext_lazy

from carenet.reporting import donors, months
from carenet.reporting.columns import BY_KEY, COLUMNS, LOWEST_PCODE_FALLBACK
from carenet.reporting.models import (
    EDITABLE,
    REACHED_PARTS,
    ActivityStatus,
    PeriodStatus,
)

if TYPE_CHECKING:
    from carenet.accounts.models import Organisation
    from carenet.geo.models import AdminArea

INT_KEYS = (*REACHED_PARTS, "reached_total", "sessions", "trained")
MAX_COUNT = 2_000_000_000
TEXT_LIMITS = {"partner": 200, "donor": 200, "comments": 2000}
_DASHES = frozenset("\u2014\u2013\u00b7|")
_TOKEN = re.compile(r"^\s*([^\s\u2014\u2013\u00b7|]+)")  # up to a space or a dash
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)

MESSAGES: dict[str, Any] = {
    "required": gettext_lazy("This column is required."),
    "unknown_pcode": gettext_lazy("Unknown P-code “%(value)s”."),
    "unknown_activity": gettext_lazy("Unknown activity code “%(value)s”."),
    "unknown_target_group": gettext_lazy("Unknown target group “%(value)s”."),
    "unknown_status": gettext_lazy(
        "Unknown status “%(value)s”: write planned, ongoing or completed."
    ),
    "disaggregation_sum": gettext_lazy(
        "Girls, boys, women and men add up to %(parts)s, not to the total %(total)s."
    ),
    "negative": gettext_lazy("“%(value)s” is negative; a count cannot be below zero."),
    "not_a_number": gettext_lazy("“%(value)s” is not a whole number."),
    "too_large": gettext_lazy("“%(value)s” is too large."),
    "bad_date": gettext_lazy("“%(value)s” is not a date; write it as YYYY-MM-DD."),
    "date_outside_month": gettext_lazy("%(value)s is outside the reporting month %(month)s."),
    "end_before_start": gettext_lazy("The end date %(value)s is before the start date."),
    "duplicate_in_file": gettext_lazy(
        "Same activity, place, site, partner, donor and target group as row %(other)s."
    ),
    "duplicate_existing": gettext_lazy(
        "Duplicate of a row already reported for %(month)s (activity %(activity)s in "
        "%(pcode)s): change that row, or choose to replace rows that already exist."
    ),
    "locked_period": gettext_lazy("%(month)s is locked: its reports can no longer change."),
    "period_not_editable": gettext_lazy(
        "The report for %(month)s is %(status)s; it can change only after a coordinator returns it."
    ),
    "counts_no_people": gettext_lazy(
        "Activity %(activity)s counts no people (an assessment, for example): leave the "
        "people reached empty."
    ),
    "other_organisation": gettext_lazy("This row is for “%(value)s”, not for %(org)s."),
    "bad_site": gettext_lazy("“%(value)s” is not a site ID."),
    "foreign_site": gettext_lazy("The site “%(value)s” is not a site of %(org)s in the directory."),
    "out_of_scope": gettext_lazy("“%(value)s” is outside the areas you coordinate."),
    "too_long": gettext_lazy("The text is longer than %(limit)s characters."),
    "missing_column": gettext_lazy("The column “%(label)s” is missing."),
    "unreadable_file": gettext_lazy("The file could not be read: upload an XLSX, ODS or CSV file."),
    "empty_file": gettext_lazy("The file is empty."),
    "no_header": gettext_lazy(
        "No header row was found: keep the column titles (or the HXL hashtags) of the "
        "template in the first rows."
    ),
    "no_rows": gettext_lazy("The file has no rows to import."),
    "ambiguous_date": gettext_lazy(
        "“%(value)s” could be read day first or month first: write it as YYYY-MM-DD."
    ),
    "error_value": gettext_lazy(
        "The cell holds the spreadsheet error “%(value)s”: fix the formula or type the number."
    ),
    "formula_no_value": gettext_lazy(
        "The cell is a formula (%(formula)s) saved without its result: open the file in a "
        "spreadsheet, let it calculate, and save it again, or type the value."
    ),
    "merged_cell": gettext_lazy(
        "The cells %(cells)s are merged, so only the first holds the value: unmerge them and "
        "fill in every row."
    ),
    "too_many_rows": gettext_lazy(
        "The sheet has %(rows)s rows; at most %(limit)s can be imported at once: split the file."
    ),
    "too_large_unzipped": gettext_lazy(
        "The file expands to %(size_mb)s MB; at most %(limit_mb)s MB can be read: split it."
    ),
}


@dataclass(frozen=True)
class RowError:
    """One problem: a spreadsheet line (0 = the whole file), a column key, a code."""

    line: int
    column: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "params": dict(self.params),
        }


def message(error: Mapping[str, Any] | RowError) -> str:
    """The error worded in the active language."""
    data = error.as_dict() if isinstance(error, RowError) else error
    template = MESSAGES.get(data["code"], gettext_lazy("Invalid value."))
    params = {k: v for k, v in (data.get("params") or {}).items()}
    if "status" in params:
        params["status"] = _status_label(params["status"])
    if data["code"] == "missing_column":
        params["label"] = column_label(data.get("column", ""))
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def column_label(key: str) -> str:
    column = BY_KEY.get(key)
    return str(column.label) if column else ""


def _status_label(status: str) -> str:
    try:
        return str(PeriodStatus(status).label).lower()
    except ValueError:
        return status


# --- reference data ---------------------------------------------------------------------------


@dataclass
class Lookups:
    """The code lists an import checks against, loaded once."""

    activities: dict[str, tuple[int, int | None]]  # code -> (term id, layer)
    target_groups: dict[str, int]  # code -> term id
    statuses: dict[str, str]  # folded key or label (en/uk/pl) -> status
    no_people: frozenset[str] = frozenset()  # codes that count no people (11.1)
    donors: dict[str, int] = field(default_factory=dict)  # normalised spelling -> donor id


def load_lookups() -> Lookups:
    """Activity codes (with their pyramid layer), target groups and statuses."""
    from carenet.taxonomy import queries as taxonomy

    terms = taxonomy.terms_by_code("iasc-4w")
    activities = {
        code: (term.pk, _layer(taxonomy.layer_of_4w(term))) for code, term in terms.items()
    }
    no_people = frozenset(c for c, t in terms.items() if not taxonomy.counts_people(t))
    groups = {code: term.pk for code, term in taxonomy.terms_by_code("target-group").items()}
    statuses: dict[str, str] = {}
    for lang in ("en", "uk", "pl"):
        with translation.override(lang):
            for choice in ActivityStatus:
                statuses[str(choice.label).casefold()] = choice.value
    for choice in ActivityStatus:
        statuses[choice.value] = choice.value
    return Lookups(
        activities,
        {k.casefold(): v for k, v in groups.items()},
        statuses,
        no_people,
        donors.spellings(),
    )


def _layer(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


# --- step 1: cells to a candidate -------------------------------------------------------------


@dataclass
class Candidate:
    """A row whose cells parsed; places, keys and periods are checked in `resolve`."""

    line: int
    activity_code: str
    activity_id: int
    layer: int | None
    pcode: str
    site_uuid: uuid.UUID | None
    partner: str
    donor: str
    target_group_code: str
    target_group_id: int | None
    status: str
    start_date: datetime.date
    end_date: datetime.date | None
    counts: dict[str, int | None]
    comments: str
    area: AdminArea | None = None
    ancestors: dict[int, int] = field(default_factory=dict)  # level -> area id
    row_key: str = ""
    content_hash: str = ""
    funder_id: int | None = None  # the listed donor `donor` names (donors.py)

    def model_values(self) -> dict[str, Any]:
        """Field values of the ActivityReport this row becomes."""
        assert self.area is not None
        return {
            "activity_id": self.activity_id,
            "layer": self.layer,
            "area_id": self.area.pk,
            "adm1_id": self.ancestors.get(1),
            "adm2_id": self.ancestors.get(2),
            "adm3_id": self.ancestors.get(3),
            "site_uuid": self.site_uuid,
            "implementing_partner": self.partner,
            "donor": self.donor,
            "funder_id": self.funder_id,
            "target_group_id": self.target_group_id,
            "status": self.status,
            "start_date": self.start_date,
            "end_date": self.end_date,
            **self.counts,
            "comments": self.comments,
            "row_key": self.row_key,
            "content_hash": self.content_hash,
        }


class RowParser:
    """Turns one row of cells into a Candidate, collecting errors; no database access."""

    def __init__(
        self, organisation: Organisation, lookups: Lookups, month: datetime.date | None
    ) -> None:
        self.organisation = organisation
        self.lookups = lookups
        self.month = month
        self.errors: list[RowError] = []
        # P-codes of rows refused for other reasons: checked too, so that a row's every
        # error is reported in one pass (`unknown_pcodes`)
        self.unresolved: dict[int, str] = {}

    def parse(self, line: int, cells: Mapping[str, Any]) -> Candidate | None:
        before = len(self.errors)
        self._check_org(line, cells.get("org"))
        activity = self._activity(line, cells.get("activity"))
        pcode = self._pcode(line, cells)
        group_code, group_id = self._target_group(line, cells.get("target_group"))
        status = self._status(line, cells.get("status"))
        start = self._date(line, "start_date", cells.get("start_date"), required=True)
        end = self._date(line, "end_date", cells.get("end_date"))
        counts = self._counts(line, cells)
        site = self._site(line, cells.get("site"))
        texts = {k: self._text(line, k, cells.get(k)) for k in ("partner", "donor", "comments")}
        if start is not None:
            self._check_dates(line, start, end)
        if len(self.errors) == before:
            self._check_sum(line, counts)
        if (
            activity is not None
            and activity[0] in self.lookups.no_people
            and any(counts[k] for k in (*REACHED_PARTS, "reached_total"))
        ):
            self._error(line, "reached_total", "counts_no_people", activity=activity[0])
        if len(self.errors) > before:
            if pcode:
                self.unresolved[line] = pcode
            return None
        assert activity is not None and start is not None and status is not None
        return Candidate(
            line=line,
            activity_code=activity[0],
            activity_id=activity[1],
            layer=activity[2],
            pcode=pcode,
            site_uuid=site,
            partner=texts["partner"],
            donor=texts["donor"],
            target_group_code=group_code,
            target_group_id=group_id,
            status=status,
            start_date=start,
            end_date=end,
            counts=_complete(counts),
            comments=texts["comments"],
            funder_id=self.lookups.donors.get(donors.normalise(texts["donor"])),
        )

    def _error(self, line: int, column: str, code: str, **params: Any) -> None:
        self.errors.append(RowError(line, column, code, params))

    def _check_org(self, line: int, value: Any) -> None:
        text = code_token(value)
        if text and text.casefold() != self.organisation.acronym.casefold():
            self._error(
                line, "org", "other_organisation", value=text, org=self.organisation.acronym
            )

    def _activity(self, line: int, value: Any) -> tuple[str, int, int | None] | None:
        code = code_token(value)
        if not code:
            self._error(line, "activity", "required")
            return None
        found = self.lookups.activities.get(code)
        if found is None:
            self._error(line, "activity", "unknown_activity", value=code)
            return None
        return code, found[0], found[1]

    def _pcode(self, line: int, cells: Mapping[str, Any]) -> str:
        code = code_token(cells.get("pcode")).upper()
        for key in LOWEST_PCODE_FALLBACK:
            if code:
                break
            code = code_token(cells.get(key)).upper()
        if not code:
            self._error(line, "pcode", "required")
        return code

    def _target_group(self, line: int, value: Any) -> tuple[str, int | None]:
        code = code_token(value)
        if not code:
            return "", None
        found = self.lookups.target_groups.get(code.casefold())
        if found is None:
            self._error(line, "target_group", "unknown_target_group", value=code)
        return code.casefold(), found

    def _status(self, line: int, value: Any) -> str | None:
        text = cell_text(value)
        if not text:
            self._error(line, "status", "required")
            return None
        found = self.lookups.statuses.get(text.casefold()) or self.lookups.statuses.get(
            code_token(text).casefold()
        )
        if found is None:
            self._error(line, "status", "unknown_status", value=text)
        return found

    def _date(
        self, line: int, key: str, value: Any, required: bool = False
    ) -> datetime.date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._error(line, key, "required")
            return None
        if is_ambiguous_date(value):
            self._error(line, key, "ambiguous_date", value=cell_text(value))
            return None
        day = parse_date(value)
        if day is None:
            self._error(line, key, "bad_date", value=cell_text(value))
        return day

    def _check_dates(self, line: int, start: datetime.date, end: datetime.date | None) -> None:
        if self.month is None:
            self.month = months.month_of(start)
        if months.month_of(start) != self.month:
            self._error(
                line,
                "start_date",
                "date_outside_month",
                value=start.isoformat(),
                month=months.key(self.month),
            )
        if end is not None and end < start:
            self._error(line, "end_date", "end_before_start", value=end.isoformat())

    def _counts(self, line: int, cells: Mapping[str, Any]) -> dict[str, int | None]:
        counts: dict[str, int | None] = {}
        for key in INT_KEYS:
            value = cells.get(key)
            # inline the commonest cells (whole numbers from a spreadsheet, blanks): this
            # runs nine times per row
            if type(value) is float and value.is_integer() and 0 <= value <= MAX_COUNT:
                counts[key] = int(value)
            elif value is None or value == "":
                counts[key] = None
            else:
                counts[key] = self._int(line, key, value)
        return counts

    def _int(self, line: int, key: str, value: Any) -> int | None:
        number, code = parse_int(value)
        if code:
            self._error(line, key, code, value=cell_text(value))
        return number

    def _check_sum(self, line: int, counts: dict[str, int | None]) -> None:
        parts = [counts[k] for k in REACHED_PARTS]
        total = counts["reached_total"]
        if total is None or all(p is None for p in parts):
            return
        added = sum(p or 0 for p in parts)
        if added != total:
            self._error(line, "reached_total", "disaggregation_sum", parts=added, total=total)

    def _site(self, line: int, value: Any) -> uuid.UUID | None:
        text = code_token(value)
        if not text:
            return None
        try:
            return uuid.UUID(text)
        except ValueError:
            self._error(line, "site", "bad_site", value=text)
            return None

    def _text(self, line: int, key: str, value: Any) -> str:
        text = cell_text(value)
        if len(text) > TEXT_LIMITS[key]:
            self._error(line, key, "too_long", limit=TEXT_LIMITS[key])
        return text


def _complete(counts: dict[str, int | None]) -> dict[str, int | None]:
    """Fill the total from the parts when only the parts were given; zero blank tallies."""
    parts = [counts[k] for k in REACHED_PARTS]
    if counts["reached_total"] is None:
        counts["reached_total"] = sum(p or 0 for p in parts)
    for key in ("sessions", "trained"):
        counts[key] = counts[key] or 0
    return counts


# --- cell conversion --------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    if type(value) is str:  # the common case first: this runs for every cell
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def code_token(value: Any) -> str:
    """The code at the start of a cell: "8.1 — Basic counselling" -> "8.1"."""
    text = cell_text(value)
    if not text or (" " not in text and not _DASHES.intersection(text)):
        return text
    match = _TOKEN.match(text)
    return match.group(1) if match else ""


def parse_int(value: Any) -> tuple[int | None, str]:
    """(number, "") or (None, error code); blank is (None, "")."""
    kind = type(value)
    if kind is float and value.is_integer() and 0 <= value <= MAX_COUNT:
        return int(value), ""  # what spreadsheets hold: the fast path
    if value is None or value == "":
        return None, ""
    if kind is bool:
        return None, "not_a_number"
    if kind is int:
        number = value
    elif kind is float:
        if not value.is_integer():
            return None, "not_a_number"
        number = int(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        if not text:
            return None, ""
        if text.endswith(".0"):
            text = text[:-2]
        try:
            number = int(text)
        except ValueError:
            return None, "not_a_number"
    if number < 0:
        return None, "negative"
    if number > MAX_COUNT:
        return None, "too_large"
    return number, ""


def is_ambiguous_date(value: Any) -> bool:
    """Is "9/10/2014" 9 October or 10 September? Refused rather than guessed."""
    if not isinstance(value, str):
        return False
    match = _DMY.match(value.strip())
    if match is None:
        return False
    first, second = int(match.group(1)), int(match.group(2))
    return first <= 12 and second <= 12 and first != second


def parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial day number in a cell without a format
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        return None
    text = str(value).strip()
    match = _DMY.match(text)
    try:
        if match:
            return datetime.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


# --- step 2: places, keys, duplicates, periods ------------------------------------------------


@dataclass
class PeriodState:
    """What the target period allows: None when rows may change, else the error code."""

    month: datetime.date
    locked: bool
    status: str | None

    def refusal(self) -> tuple[str, dict[str, Any]] | None:
        if self.locked:
            return "locked_period", {"month": months.key(self.month)}
        if self.status is not None and self.status not in EDITABLE:
            return "period_not_editable", {"month": months.key(self.month), "status": self.status}
        return None


def resolve(
    candidates: list[Candidate],
    *,
    organisation: Organisation,
    month: datetime.date,
    period: PeriodState,
    existing: Mapping[str, tuple[str, int]],
    update_existing: bool,
    editing_id: int | None = None,
    identical_is_duplicate: bool = False,
) -> tuple[list[Candidate], list[RowError]]:
    """Places, keys and duplicates of parsed rows; returns the good rows and the errors.

    `existing` maps the row keys of the period's saved rows to (content hash, id)."""
    errors: list[RowError] = []
    areas = _areas_with_ancestors({c.pcode for c in candidates})
    own_sites = _own_sites(organisation, {c.site_uuid for c in candidates if c.site_uuid})
    refusal = period.refusal()
    seen: dict[str, int] = {}
    good: list[Candidate] = []
    for c in candidates:
        found = areas.get(c.pcode)
        if found is None:
            errors.append(RowError(c.line, "pcode", "unknown_pcode", {"value": c.pcode}))
            continue
        c.area, c.ancestors = found
        if c.site_uuid is not None and c.site_uuid not in own_sites:
            errors.append(
                RowError(
                    c.line,
                    "site",
                    "foreign_site",
                    {"value": str(c.site_uuid), "org": organisation.acronym},
                )
            )
            continue
        c.row_key = row_key(organisation.pk, month, c)
        c.content_hash = content_hash(c)
        if refusal is not None:
            other = existing.get(c.row_key)
            if other is not None and other[0] == c.content_hash and not identical_is_duplicate:
                good.append(c)  # unchanged: nothing to write, so nothing to refuse
            else:
                errors.append(RowError(c.line, "start_date", refusal[0], refusal[1]))
            continue
        if c.row_key in seen:
            errors.append(
                RowError(c.line, "activity", "duplicate_in_file", {"other": seen[c.row_key]})
            )
            continue
        seen[c.row_key] = c.line
        other = existing.get(c.row_key)
        clash = (
            other is not None
            and other[1] != editing_id
            and (identical_is_duplicate or other[0] != c.content_hash)
        )
        if clash and not update_existing:
            errors.append(
                RowError(
                    c.line,
                    "activity",
                    "duplicate_existing",
                    {"month": months.key(month), "activity": c.activity_code, "pcode": c.pcode},
                )
            )
            continue
        good.append(c)
    return good, errors


def unknown_pcodes(unresolved: Mapping[int, str]) -> list[RowError]:
    """Unknown P-codes among rows refused for other reasons."""
    known = _lookup(set(unresolved.values()))
    return [
        RowError(line, "pcode", "unknown_pcode", {"value": code})
        for line, code in unresolved.items()
        if code not in known
    ]


def _areas_with_ancestors(pcodes: Iterable[str]) -> dict[str, tuple[AdminArea, dict[int, int]]]:
    """P-code -> (area, {level: id of itself or its ancestor at levels 1-3})."""
    areas = _lookup(pcodes)
    ancestor_codes = {p for a in areas.values() for p in a.path.strip("/").split("/")}
    known = {**areas, **_lookup(ancestor_codes - set(areas))}
    out: dict[str, tuple[AdminArea, dict[int, int]]] = {}
    for code, area in areas.items():
        chain = [known[p] for p in area.path.strip("/").split("/") if p in known]
        out[code] = (area, {a.level: a.pk for a in chain if 1 <= a.level <= 3})
    return out


def _own_sites(organisation: Organisation, site_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """The ids among `site_ids` of the organisation's own directory sites (confidential and
    closed ones too: a row may be about a shelter, or a month before the site closed)."""
    if not site_ids:
        return set()
    from carenet.directory import queries as directory

    return site_ids & directory.site_ids_of([organisation.pk])[organisation.pk]


def _lookup(pcodes: Iterable[str]) -> dict[str, AdminArea]:
    from carenet.geo import queries as geo

    codes = sorted(p for p in pcodes if p)
    found: dict[str, AdminArea] = {}
    for i in range(0, len(codes), 500):
        found.update(geo.areas_by_pcodes(codes[i : i + 500]))
    return {k.upper(): v for k, v in found.items()}


def row_key(organisation_id: int, month: datetime.date, c: Candidate) -> str:
    """The row's identity: the same activity in the same place for the same month."""
    parts = [
        str(organisation_id),
        months.key(month),
        c.activity_code,
        c.pcode,
        str(c.site_uuid or ""),
        c.partner.casefold(),
        c.donor.casefold(),
        c.target_group_code,
    ]
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()


def content_hash(c: Candidate) -> str:
    values = [
        c.status,
        c.start_date.isoformat(),
        c.end_date.isoformat() if c.end_date else "",
        *(str(c.counts[k]) for k in INT_KEYS),
        c.comments,
        c.partner,
        c.donor,
        str(c.layer),
    ]
    return hashlib.sha1("|".join(values).encode(), usedforsecurity=False).hexdigest()


def required_columns_missing(found: Iterable[str]) -> list[RowError]:
    keys = set(found)
    has_place = bool(keys & {"pcode", *LOWEST_PCODE_FALLBACK})
    errors = []
    for column in COLUMNS:
        if not column.required or column.key in keys:
            continue
        if column.key == "pcode" and has_place:
            continue
        errors.append(RowError(0, column.key, "missing_column", {"label": column.key}))
    return errors
