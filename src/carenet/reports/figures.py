"""The figures of a month's report pack and of the trends, read through each app's queries.

Every count of people passes `core.suppression.suppress` here, before any template or writer
sees it: a suppressed count is None, shown as "<5" in the PDF and as a blank cell with a
note in the XLSX. Counts of organisations, areas and activities are not counts of people.
Each part reads within the reader's reach (the apps' queries start from `core.permissions`),
so a pack built for an oblast coordinator holds that oblast only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carenet.core.suppression import suppress
from carenet.reports import progress
from carenet.reports.models import Programme

if TYPE_CHECKING:
    from carenet.geo.models import AdminArea
    from carenet.reporting.models import Donor

LAYER_NAMES = {
    1: _("1: basic services and security"),
    2: _("2: community and family supports"),
    3: _("3: focused, non-specialised supports"),
    4: _("4: specialised services"),
    0: _("no layer"),
}


@dataclass(frozen=True)
class Figure:
    key: str
    label: Any
    value: int | float | None  # None: suppressed (a count of fewer than five people)
    people: bool = True  # a count of people (suppressed when small)


@dataclass
class Pack:
    month: datetime.date
    donor: Donor | None
    area: AdminArea | None
    country: str
    generated_at: datetime.datetime
    headline: list[Figure] = field(default_factory=list)
    by_layer: list[dict[str, Any]] = field(default_factory=list)
    by_activity: list[dict[str, Any]] = field(default_factory=list)
    gap_layers: list[dict[str, Any]] = field(default_factory=list)
    gap_map: str = ""
    referrals: list[Figure] = field(default_factory=list)
    cop: list[Figure] = field(default_factory=list)
    targets: list[progress.Progress] = field(default_factory=list)
    outcomes: list[Figure] = field(default_factory=list)

    @property
    def scope_label(self) -> str:
        parts = [self.area.name if self.area else str(_("whole network"))]
        if self.donor:
            parts.append(self.donor.name)
        return " · ".join(parts)


def build(
    user: Any,
    month: datetime.date,
    *,
    donor: Donor | None = None,
    area: AdminArea | None = None,
    with_map: bool = True,
) -> Pack:
    """Every figure of the month's pack for `user`, for one donor and/or area if given."""
    country = area.country if area is not None else "UA"
    pack = Pack(month, donor, area, country, timezone.now())
    rows = four_w_rows(user, month, donor=donor, area=area)
    pack.by_layer, pack.by_activity = _reach_tables(rows)
    pack.headline = _headline(rows)
    pack.gap_layers, pack.gap_map = _gaps(user, month, country, area, with_map)
    pack.referrals = _referrals(user, month)
    pack.cop = _cop(user, month)
    pack.headline += [f for f in pack.referrals if f.key == "sent"]
    pack.targets = targets(user, today=_month_end(month))
    pack.outcomes = _outcomes(user, month, area)
    return pack


def _month_end(month: datetime.date) -> datetime.date:
    from carenet.reporting import months

    return months.last_day(month)


def four_w_rows(
    user: Any,
    month: datetime.date | None,
    *,
    donor: Donor | None = None,
    area: AdminArea | None = None,
) -> QuerySet[Any]:
    """The 4W rows `user` may see, of one month (None: every month), donor and area."""
    from carenet.reporting import queries

    rows = queries.rows_for(user)
    if month is not None:
        rows = rows.filter(month=month)
    if donor is not None:
        rows = rows.filter(funder=donor)
    if area is not None:
        rows = rows.filter(area_id__in=progress._subtree(area))
    return rows.order_by()


def _headline(rows: QuerySet[Any]) -> list[Figure]:
    totals = rows.aggregate(
        orgs=Count("organisation_id", distinct=True),
        areas=Count("area_id", distinct=True),
        reached=Sum("reached_total"),
        sessions=Sum("sessions"),
        trained=Sum("trained"),
    )
    return [
        Figure("organisations", _("Organisations reporting"), totals["orgs"], people=False),
        Figure("areas", _("Places with activities"), totals["areas"], people=False),
        Figure("reached", _("People reached"), suppress(totals["reached"] or 0)),
        Figure("sessions", _("Sessions held"), totals["sessions"] or 0, people=False),
        Figure("trained", _("Staff and volunteers trained"), suppress(totals["trained"] or 0)),
    ]


def _reach_tables(rows: QuerySet[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from carenet.taxonomy.models import Term

    per = list(
        rows.values("activity_id", "layer").annotate(
            orgs=Count("organisation_id", distinct=True),
            reached=Sum("reached_total"),
            sessions=Sum("sessions"),
        )
    )
    layers: dict[int, dict[str, Any]] = {}
    org_sets = rows.values_list("layer", "organisation_id").distinct()
    orgs_per_layer: dict[int, int] = {}
    for layer, _org in org_sets:
        orgs_per_layer[layer or 0] = orgs_per_layer.get(layer or 0, 0) + 1
    for r in per:
        n = r["layer"] or 0
        row = layers.setdefault(
            n, {"layer": n, "label": str(LAYER_NAMES.get(n, n)), "reached": 0, "sessions": 0}
        )
        row["reached"] += r["reached"] or 0
        row["sessions"] += r["sessions"] or 0
    by_layer = [
        {**row, "orgs": orgs_per_layer.get(n, 0), "reached": suppress(row["reached"])}
        for n, row in sorted(layers.items(), key=lambda kv: kv[0] or 9)
    ]
    terms = Term.objects.in_bulk([r["activity_id"] for r in per])
    by_activity = []
    for r in per:
        term = terms.get(r["activity_id"])
        by_activity.append(
            {
                "code": term.code if term else "",
                "label": term.label if term else "",
                "layer": r["layer"],
                "orgs": r["orgs"],
                "reached": suppress(r["reached"] or 0),
                "sessions": r["sessions"] or 0,
                "order": term.sort_order if term else 0,
            }
        )
    by_activity.sort(key=lambda r: (r["order"], r["code"]))
    return by_layer, by_activity


def _gaps(
    user: Any, month: datetime.date, country: str, area: AdminArea | None, with_map: bool
) -> tuple[list[dict[str, Any]], str]:
    from carenet.reporting import gaps

    level = 1 if area is None else min(area.level + 1, 3)
    analysis = gaps.area_analysis(user, month, level, country)
    if area is not None:
        keep = [f for f in analysis.facts if f.area.path.startswith(area.path)]
        analysis.facts = keep
    rows = [
        {
            "layer": n,
            "label": str(gaps.LAYER_LABELS[n]),
            "areas_with_gap": sum(1 for f in analysis.facts if n in f.gap_layers),
            "areas": len(analysis.facts),
        }
        for n in gaps.LAYERS
    ]
    svg = str(gaps.gap_map(analysis, "gaps")) if with_map and analysis.facts else ""
    return rows, svg


def _referrals(user: Any, month: datetime.date) -> list[Figure]:
    from carenet.referrals import metrics

    if not metrics.may_see_metrics(user):
        return []
    try:
        rows = metrics.pathway_metrics(user, "layer", since=month, until=_month_end(month))
    except (PermissionDenied, Http404):
        return []
    total = next((r for r in rows if r.get("total")), {})
    labels = {
        "sent": _("Referrals sent"),
        "acknowledged": _("Referrals acknowledged"),
        "accepted": _("Referrals accepted"),
        "completed": _("Referrals completed (loop closed)"),
    }
    out = [Figure(k, label, total.get(k)) for k, label in labels.items()]
    for key, label in (
        ("median_hours_to_acknowledge", _("Median hours to acknowledge")),
        ("median_hours_to_start", _("Median hours to start")),
    ):
        out.append(Figure(key, label, total.get(key), people=False))
    return out


def _cop(user: Any, month: datetime.date) -> list[Figure]:
    from carenet.cop.queries import health, learning

    cops = list(health.cops_for_health(user))
    rows = health.overview(cops, today=_month_end(month)) if cops else []
    trainings = list(learning.trainings_for(user).filter(ends_on__range=(month, _month_end(month))))
    return [
        Figure("cops", _("Communities of Practice"), len(cops), people=False),
        Figure("members", _("CoP members"), suppress(sum(r.members for r in rows))),
        Figure(
            "meetings",
            _("CoP meetings held (90 days)"),
            sum(r.meetings_held for r in rows),
            people=False,
        ),
        Figure("trainings", _("Trainings finished"), len(trainings), people=False),
        Figure(
            "trained",
            _("Training participants"),
            suppress(sum(getattr(t, "participant_count", 0) for t in trainings)),
        ),
    ]


def _outcomes(user: Any, month: datetime.date, area: AdminArea | None) -> list[Figure]:
    """The outcomes app's month (people served, sessions, completion, improvement), already
    suppressed by its dashboard query; nothing when the reader may not see it."""
    from carenet.core import permissions
    from carenet.outcomes import queries as outcomes

    if not permissions.can_somewhere(user, "outcomes.dashboard"):
        return []
    filters = outcomes.Filters(
        since=month, until=_month_end(month), area_path=area.path if area else ""
    )
    total = outcomes.dashboard(user, filters).total
    if not total.get("headcount") and not total.get("participants") and not total.get("outcomes"):
        return []
    return [
        Figure("people", _("People served (delivery records)"), total.get("people")),
        Figure("sessions", _("Sessions delivered"), total.get("sessions"), people=False),
        Figure("completion", _("Completed the programme, %"), total.get("completion"), False),
        Figure(
            "improved_pct",
            _("Reliably improved (%(instrument)s), %%") % {"instrument": filters.instrument},
            total.get("improved_pct"),
            people=False,
        ),
    ]


def targets(user: Any, today: datetime.date) -> list[progress.Progress]:
    out = []
    for programme in programmes(user):
        for target in programme.targets.all():
            target.programme = programme
            out.append(progress.progress_of(user, target, today))
    return out


def programmes(user: Any) -> QuerySet[Programme]:
    """Programmes `user` may follow: coordinators every programme, an organisation's members
    their organisation's."""
    from carenet.core import permissions

    qs = Programme.objects.select_related("organisation").prefetch_related("targets__area")
    if permissions.can_somewhere(user, "reports.view"):
        return qs
    return qs.filter(organisation_id__in=permissions.scope_of(user).orgs_for("reports.grants"))


# --- trends -----------------------------------------------------------------------------------

TREND_FIGURES = {
    "reached": _("People reached"),
    "sessions": _("Sessions held"),
    "trained": _("Staff and volunteers trained"),
    "orgs": _("Organisations reporting"),
}


def trends(
    user: Any, last: datetime.date, n: int, *, area: AdminArea | None = None
) -> list[dict[str, Any]]:
    """The main 4W figures per month for the `n` months up to `last`, suppressed."""
    from carenet.reporting import months

    first = months.add_months(last, -(n - 1))
    rows = four_w_rows(user, None, area=area).filter(month__gte=first, month__lte=last)
    per = {
        r["month"]: r
        for r in rows.values("month").annotate(
            reached=Sum("reached_total"),
            sessions=Sum("sessions"),
            trained=Sum("trained"),
            orgs=Count("organisation_id", distinct=True),
        )
    }
    out = []
    for i in range(n):
        month = months.add_months(first, i)
        r = per.get(month, {})
        out.append(
            {
                "month": month,
                "reached": suppress(r.get("reached") or 0),
                "sessions": r.get("sessions") or 0,
                "trained": suppress(r.get("trained") or 0),
                "orgs": r.get("orgs") or 0,
            }
        )
    return out
