"""CoP health for facilitators, organisation admins and coordinators."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from carenet.cop.queries import community as cop_queries
from carenet.cop.queries import health as queries
from carenet.cop.views.common import flags
from carenet.core import charts


@login_required
@require_http_methods(["GET"])
def cop_health(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = cop_queries.cop_for(request.user, uuid, "cop.health")
    health = queries.cop_health(cop)
    points = [charts.Point(f"{q.start:%m/%y}", q.rate) for q in health.retention]
    chart = charts.column_chart(
        points,
        high=100,
        ticks=[0, 50, 100],
        tick_labels=["0", "50", "100"],
        title=_("Retention per quarter (%)"),
        desc=_("Share of the members at the start of each quarter still members at its end."),
        css="cop-chart",
    )
    return render(
        request,
        "cop/health.html",
        {"cop": cop, "can": flags(request.user, cop), "health": health, "chart": chart},
    )


@login_required
@require_http_methods(["GET"])
def health_overview(request: HttpRequest) -> HttpResponse:
    cops = queries.cops_for_health(request.user)
    if not cops.exists():
        raise PermissionDenied
    page = Paginator(cops, 25).get_page(request.GET.get("page"))
    rows = queries.overview(list(page.object_list))
    return render(request, "cop/health_overview.html", {"page": page, "rows": rows})
