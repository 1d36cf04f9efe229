"""The practitioner's own page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from carenet.cop.queries import practitioner as queries
from carenet.cop.queries import wellbeing as wellbeing_queries
from carenet.cop.views.common import user
from carenet.core import charts, permissions


@login_required
@require_http_methods(["GET"])
def my_page(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "cop.view"):
        raise PermissionDenied
    page = queries.practitioner_page(user(request))
    trends = [
        (
            trend,
            charts.line_chart(
                [charts.Point(p.day.strftime("%m/%y"), p.mean_level) for p in trend.points],
                low=1,
                high=4,
                ticks=[1, 2, 3, 4],
                tick_labels=["1", "2", "3", "4"],
                title=_("Competency trend: %(framework)s") % {"framework": trend.framework.name},
                desc=_(
                    "Mean level (1 = potentially harmful, 4 = advanced helpful skill) per "
                    "assessment, oldest first."
                ),
                css="cop-chart",
            ),
        )
        for trend in page.trends
    ]
    measure = wellbeing_queries.current_measure()
    return render(
        request,
        "cop/me.html",
        {
            "page": page,
            "trends": trends,
            "next_checkin": wellbeing_queries.next_due(request.user, measure),
        },
    )
