"""Helper well-being: one's own check-ins, and suppressed aggregates for facilitators."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carenet.cop import forms, services
from carenet.cop.queries import community as cop_queries
from carenet.cop.queries import wellbeing as queries
from carenet.cop.views.common import apply_errors, flags, user
from carenet.core import audit, charts, permissions, suppression
from carenet.core.models import AuditAction


def _require_checkin_rights(request: HttpRequest) -> None:
    # Anyone who belongs to an organisation of the network may keep check-ins.
    if not permissions.can(request.user, "cop.view"):
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def checkin_list(request: HttpRequest) -> HttpResponse:
    _require_checkin_rights(request)
    measure = queries.current_measure()
    checkins = list(queries.checkins_for(request.user)[:26])
    with transaction.atomic():
        audit.record(
            AuditAction.VIEW,
            actor=user(request),
            organisation=None,
            detail="own well-being check-ins",
        )
    points = [charts.Point(c.taken_on.strftime("%d.%m"), c.percent) for c in reversed(checkins)]
    chart = (
        charts.line_chart(
            points,
            low=0,
            high=100,
            ticks=[0, 28, 52, 100],
            tick_labels=["0", "28", "52", "100"],
            title=_("My well-being score (%) over time"),
            desc=_("WHO-5 score from 0 to 100 per check-in, oldest first."),
            css="cop-chart",
        )
        if points
        else None
    )
    return render(
        request,
        "cop/wellbeing_list.html",
        {
            "measure": measure,
            "checkins": checkins,
            "chart": chart,
            "next_due": queries.next_due(request.user, measure),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin_new(request: HttpRequest) -> HttpResponse:
    _require_checkin_rights(request)
    measure = queries.current_measure()
    if measure is None:
        raise Http404
    form = forms.CheckInForm(request.POST or None, measure=measure)
    if request.method == "POST" and form.is_valid():
        try:
            checkin = services.checkin_record(
                actor=user(request),
                measure=measure,
                answers=form.answers(),
                in_aggregates=form.cleaned_data["in_aggregates"],
            )
            return redirect("cop:checkin", uuid=checkin.uuid)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "cop/wellbeing_form.html", {"form": form, "measure": measure})


@login_required
@require_http_methods(["GET"])
def checkin_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    checkin = queries.checkin_for(request.user, uuid)
    with transaction.atomic():
        services.checkin_viewed(actor=user(request), checkin=checkin)
    return render(
        request,
        "cop/wellbeing_detail.html",
        {"checkin": checkin, "answers": queries.answers_of(checkin), "measure": checkin.measure},
    )


@login_required
@require_POST
def checkin_delete(request: HttpRequest, uuid: Any) -> HttpResponse:
    checkin = queries.checkin_for(request.user, uuid)
    services.checkin_delete(actor=user(request), checkin=checkin)
    messages.success(request, _("The check-in was deleted."))
    return redirect("cop:wellbeing")


@login_required
@require_http_methods(["GET"])
def cop_wellbeing(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = cop_queries.cop_for(request.user, uuid, "cop.facilitate")
    windows = queries.cop_wellbeing(cop)
    with transaction.atomic():
        services.wellbeing_aggregate_viewed(actor=user(request), cop=cop)
    return render(
        request,
        "cop/cop_wellbeing.html",
        {
            "cop": cop,
            "can": flags(request.user, cop),
            "windows": windows,
            "measure": queries.current_measure(),
            "min_cell": suppression.min_cell(),
        },
    )
