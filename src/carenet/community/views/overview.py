"""The app's start page and one community's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from carenet.community import queries
from carenet.community.views.common import comparison_chart, require_app, today
from carenet.geo import queries as geo_queries


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """What needs attention: overdue action items, stuck programmes, latest assessments."""
    require_app(request)
    user = request.user
    q = request.GET.get("q", "").strip()[:80]
    stuck, _stages = queries.network_positions(user, stuck_only=True)
    context = {
        "q": q,
        "found": geo_queries.search_areas(q, limit=12, levels=(2, 3, 4)) if q else [],
        "overdue": list(queries.overdue_action_items(user, today())[:10]),
        "overdue_count": queries.overdue_action_items(user, today()).count(),
        "stuck_count": stuck.count(),
        "assessments": list(queries.assessments_for(user)[:8]),
        "can_edit": queries.may_record_somewhere(user),
    }
    return render(request, "community/index.html", context)


@require_GET
@login_required
def community(request: HttpRequest, pcode: str) -> HttpResponse:
    """One community: readiness over time, sessions, programmes by stage, support spaces
    (only the records the user may see)."""
    require_app(request)
    try:
        area = geo_queries.area_by_pcode(pcode)
    except geo_queries.UnknownPCode:
        raise Http404 from None
    overview = queries.community_overview(request.user, area, today())
    comparisons = [(c, comparison_chart(c.results, c.issue)) for c in overview.comparisons]
    context = {
        "area": area,
        "ancestors": geo_queries.ancestors_of(area),
        "overview": overview,
        "comparisons": comparisons,
        "can_edit": queries.may_record_somewhere(request.user),
        "today": today(),
    }
    return render(request, "community/community.html", context)
