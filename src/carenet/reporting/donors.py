"""The donor code list: loading it, and mapping a report's free-text donor to one donor.

A 4W row keeps the donor as its organisation wrote it (`ActivityReport.donor`, part of the
row's identity, so re-imports stay idempotent) and points at the listed donor that text names
(`ActivityReport.funder`). Text names a donor when, ignoring case and runs of spaces, it equals
the donor's code, name or one of its aliases: "DG ECHO", "echo" and "European Commission
(ECHO)" are one donor. Text that names no listed donor leaves `funder` empty; adding the
spelling as an alias and running `carenet load-donors` (or editing the donor in the admin and
calling `map_rows`) maps those rows too.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model

DONORS_FILE = Path(__file__).resolve().parent / "data" / "donors.csv"
_CACHE_KEY = "reporting:donor-spellings:v1"


def normalise(text: str) -> str:
    """The form spellings are compared in: case folded, spaces collapsed."""
    return " ".join((text or "").casefold().split())


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    mapped: int = 0


def read_file(path: Path = DONORS_FILE) -> list[dict[str, Any]]:
    """The donors of a CSV file (code, name, aliases separated by `|`)."""
    with path.open(encoding="utf-8", newline="") as f:
        out = []
        for line, raw in enumerate(csv.DictReader(f), start=2):
            code, name = (raw.get("code") or "").strip(), (raw.get("name") or "").strip()
            if not code or not name:
                raise ValueError(f"{path.name}, line {line}: code and name are required.")
            aliases = [a.strip() for a in (raw.get("aliases") or "").split("|") if a.strip()]
            out.append({"code": code, "name": name, "aliases": "\n".join(aliases)})
    return out


def load(
    path: Path = DONORS_FILE, *, donor_model: type[Model] | None = None, row_model: Any = None
) -> LoadResult:
    """Upsert the donors of `path` and map every 4W row's donor text to them.

    The models may be given (a data migration passes its historical models)."""
    from carenet.reporting import models

    donor_cls: Any = donor_model or models.Donor
    result = LoadResult()
    with transaction.atomic():
        for values in read_file(path):
            _obj, created = donor_cls.objects.update_or_create(
                code=values["code"], defaults={"name": values["name"], "aliases": values["aliases"]}
            )
            result.created += int(created)
            result.updated += int(not created)
        result.mapped = map_rows(donor_model=donor_cls, row_model=row_model)
    forget()
    return result


def spellings(donor_model: Any = None) -> dict[str, int]:
    """Normalised spelling -> donor id, for every active donor (the first donor listed
    wins a spelling two donors share)."""
    from carenet.reporting import models

    donor_cls: Any = donor_model or models.Donor
    out: dict[str, int] = {}
    for donor in donor_cls.objects.filter(is_active=True).order_by("code"):
        names = [donor.code, donor.name, *donor.aliases.splitlines()]
        for spelling in names:
            out.setdefault(normalise(spelling), donor.pk)
    out.pop("", None)
    return out


def cached_spellings() -> dict[str, int]:
    found = cache.get_or_set(_CACHE_KEY, spellings, 3600)
    return found if isinstance(found, dict) else spellings()


def forget() -> None:
    """Drop the cached spellings (after the list changed)."""
    cache.delete(_CACHE_KEY)


def donor_id_for(text: str) -> int | None:
    """The id of the listed donor that `text` names, or None."""
    return cached_spellings().get(normalise(text)) if text else None


def map_rows(*, donor_model: Any = None, row_model: Any = None) -> int:
    """Point every 4W row at the donor its text names (or at none); returns rows changed.

    One UPDATE per distinct donor text: a network writes a few dozen spellings."""
    from carenet.reporting import models

    row_cls: Any = row_model or models.ActivityReport
    known = spellings(donor_model)
    changed = 0
    texts = row_cls.objects.order_by().values_list("donor", flat=True).distinct()
    for text in list(texts):
        donor_id = known.get(normalise(text))
        changed += (
            row_cls.objects.filter(donor=text)
            .exclude(funder_id=donor_id)
            .update(funder_id=donor_id)
            if donor_id is not None
            else row_cls.objects.filter(donor=text, funder__isnull=False).update(funder_id=None)
        )
    return changed


def donor_choices() -> list[tuple[str, str]]:
    """(code, name) of the active donors, for the row form's and the filters' lists."""
    from carenet.reporting.models import Donor

    return list(Donor.objects.filter(is_active=True).values_list("code", "name"))


def donor_by_code(code: str) -> Any:
    """The donor with this code, or None (an unknown code in a URL filters nothing in)."""
    from carenet.reporting.models import Donor

    return Donor.objects.filter(code=code).first() if code else None


# --- the gap pages for one donor --------------------------------------------------------------
# The rollups hold every donor's rows together; for one donor the same tuples are made from
# that donor's raw rows of the month (a donor funds a small share of a month's rows).


def area_rollups(
    month: Any, level: int, area_ids: list[int], donor: Any
) -> dict[int, tuple[Any, ...]]:
    """`queries.area_rollups` for the rows of one donor only."""
    from django.db.models import Value

    from carenet.reporting import queries, rollups
    from carenet.reporting.models import ActivityReport
    from carenet.taxonomy.models import Term

    wanted = set(area_ids)
    facts = (
        ActivityReport.objects.filter(month=month, funder=donor, **{f"adm{level}__isnull": False})
        .order_by()
        .values_list(
            f"adm{level}_id",
            Value(level),
            "activity_id",
            "layer",
            "organisation_id",
            "reached_total",
        )
    )
    codes = dict(Term.objects.filter(scheme__code="iasc-4w").values_list("id", "code"))
    built = rollups._summaries(
        month, (f for f in facts if f[0] in wanted), codes, rollups._sectors_by_org()
    )
    return {r.area_id: tuple(getattr(r, name) for name in queries.ROLLUP_FIELDS) for r in built}


def activity_summary(
    user: Any, month: Any, level: int, country: str, threshold: int, donor: Any
) -> list[dict[str, Any]]:
    """`queries.activity_summary` for the rows of one donor only."""
    from collections import defaultdict

    from carenet.core import permissions
    from carenet.reporting.models import ActivityReport
    from carenet.taxonomy.models import Term

    rows = permissions.filter_for(
        user,
        "gaps.view",
        ActivityReport.objects.filter(month=month, funder=donor, **{f"adm{level}__isnull": False}),
        org_field=None,
        area_field="area",
    )
    if country:
        rows = rows.filter(area__country=country)
    acc: dict[int, dict[str, Any]] = {}
    per_area: dict[tuple[int, int], set[int]] = defaultdict(set)
    for (
        activity_id,
        area_id,
        org_id,
        layer,
        reached,
        sessions,
        trained,
    ) in rows.order_by().values_list(
        "activity_id",
        f"adm{level}_id",
        "organisation_id",
        "layer",
        "reached_total",
        "sessions",
        "trained",
    ):
        a = acc.setdefault(
            activity_id,
            {
                "orgs": set(),
                "areas": set(),
                "reached": 0,
                "sessions": 0,
                "trained": 0,
                "layer": None,
            },
        )
        a["orgs"].add(org_id)
        a["areas"].add(area_id)
        a["reached"] += reached or 0
        a["sessions"] += sessions or 0
        a["trained"] += trained or 0
        a["layer"] = max(a["layer"] or 0, layer or 0) or None
        per_area[activity_id, area_id].add(org_id)
    crowded: dict[int, int] = defaultdict(int)
    for (activity_id, _area), orgs in per_area.items():
        if len(orgs) >= threshold:
            crowded[activity_id] += 1
    terms = Term.objects.in_bulk(list(acc))
    out = []
    for activity_id, a in acc.items():
        term = terms.get(activity_id)
        out.append(
            {
                "activity_id": activity_id,
                "orgs": len(a["orgs"]),
                "areas": len(a["areas"]),
                "reached": a["reached"],
                "sessions": a["sessions"],
                "trained": a["trained"],
                "layer": a["layer"],
                "code": term.code if term else "",
                "label": term.label if term else "",
                "sort_order": term.sort_order if term else 0,
                "duplicated_areas": crowded.get(activity_id, 0),
            }
        )
    return out
