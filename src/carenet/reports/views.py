"""Report pages: thin — parse, authorise through `core.permissions`, call, render."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carenet.core import permissions
from carenet.reporting import months
from carenet.reports import figures, pack, progress, queries, services
from carenet.reports.forms import GrantForm, PackForm, ProgrammeForm, SubscriptionForm, TargetForm
from carenet.reports.models import Grant

if TYPE_CHECKING:
    from carenet.accounts.models import User


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast("User", request.user)


def _require_view(request: HttpRequest) -> None:
    if not queries.may_view(_user(request)):
        raise Http404


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("language") or (get_language() or "en")[:2]
    return lang if lang in ("en", "uk", "pl") else "en"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    month = months.current_reporting_month()
    form = PackForm(initial={"period": months.key(month), "format": "pdf"})
    return _home(request, form)


def _home(request: HttpRequest, form: PackForm, status: int = 200) -> HttpResponse:
    org = getattr(request, "acting_organisation", None)
    may_grants = org is not None and permissions.can(_user(request), "reports.grants", org)
    if not queries.may_view(_user(request)) and not may_grants:
        raise Http404
    return render(
        request,
        "reports/home.html",
        {
            "coordinator": queries.may_view(_user(request)),
            "may_grants": may_grants or queries.may_view(_user(request)),
            "form": form,
            "subscription": queries.subscription_of(_user(request)),
            "subscription_form": SubscriptionForm(
                initial={"fmt": "pdf", "language": _language(request)}
            ),
            "month": months.current_reporting_month(),
        },
        status=status,
    )


@login_required
def pack_download(request: HttpRequest) -> HttpResponse:
    """The month's pack as PDF or XLSX, in the reader's language (or `language=`)."""
    _require_view(request)
    form = PackForm(request.GET)
    if not form.is_valid():
        if set(form.errors) == {"area"}:  # a place typed by name: say what did not fit
            return _home(request, form, status=400)
        raise Http404
    data = form.cleaned_data
    try:
        wanted = services.parse_request(
            period=data["period"],
            donor=data["donor"],
            area=data["area"].pcode if data["area"] else "",
        )
    except services.BadRequest as exc:
        raise Http404 from exc
    if wanted.area is not None and not permissions.can(
        _user(request), "reports.view", area=wanted.area
    ):
        raise Http404
    fmt = data["format"]
    body = services.pack_file(
        user=_user(request), request=wanted, fmt=fmt, language=_language(request)
    )
    response = HttpResponse(body, content_type=pack.CONTENT_TYPES[fmt])
    name = pack.file_name(wanted.month, fmt, wanted.donor, wanted.area)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def subscription(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    if request.POST.get("stop"):
        services.unsubscribe(actor=_user(request))
        messages.success(request, _("You will no longer receive the monthly pack."))
        return redirect("reports:home")
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        services.subscribe(actor=_user(request), **form.cleaned_data)
        messages.success(request, _("You will receive the pack by e-mail every month."))
    return redirect("reports:home")


# --- programmes and targets -------------------------------------------------------------------


@login_required
def programmes(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST":
        permissions.require(_user(request), "reports.manage")
        if form.is_valid():
            programme = services.programme_save(
                actor=_user(request), programme=form.save(commit=False)
            )
            return redirect("reports:programme", programme=programme.uuid)
    return render(
        request,
        "reports/programmes.html",
        {
            "programmes": queries.programmes_for(_user(request)),
            "form": form,
            "may_manage": queries.may_manage(_user(request)),
        },
    )


@login_required
def programme(request: HttpRequest, programme: str) -> HttpResponse:
    the_programme = queries.programme_for(_user(request), programme)
    form = TargetForm(request.POST or None)
    if request.method == "POST":
        permissions.require(_user(request), "reports.manage")
        if form.is_valid():
            target = form.save(commit=False)
            target.programme = the_programme
            target.area = form.cleaned_data["area_pcode"]
            services.target_save(actor=_user(request), target=target)
            messages.success(request, _("The target is saved."))
            return redirect("reports:programme", programme=the_programme.uuid)
    today = timezone.localdate()
    rows = [progress.progress_of(_user(request), t, today) for t in the_programme.targets.all()]
    return render(
        request,
        "reports/programme.html",
        {
            "programme": the_programme,
            "rows": rows,
            "form": form,
            "today": today,
            "may_manage": queries.may_manage(_user(request)),
        },
    )


@login_required
@require_POST
def target_delete(request: HttpRequest, target: str) -> HttpResponse:
    permissions.require(_user(request), "reports.manage")
    the_target = queries.target_for(_user(request), target)
    services.target_delete(actor=_user(request), target=the_target)
    return redirect("reports:programme", programme=the_target.programme.uuid)


# --- grants -----------------------------------------------------------------------------------


@login_required
def grants(request: HttpRequest) -> HttpResponse:
    org = getattr(request, "acting_organisation", None)
    may_add = org is not None and permissions.can(_user(request), "reports.grants", org)
    if not may_add and not queries.may_view(_user(request)):
        raise Http404
    form = GrantForm(request.POST or None)
    cast("Any", form.fields["programme"]).queryset = queries.programmes_for(_user(request))
    if request.method == "POST":
        if not may_add:
            raise Http404
        if form.is_valid():
            grant: Grant = form.save(commit=False)
            assert org is not None  # may_add
            grant.organisation = org
            services.grant_save(
                actor=_user(request), grant=grant, areas=form.cleaned_data["area_pcodes"]
            )
            messages.success(request, _("The grant is saved."))
            return redirect("reports:grants")
    return render(
        request,
        "reports/grants.html",
        {
            "grants": queries.grants_for(_user(request)),
            "form": form if may_add else None,
            "organisation": org,
        },
    )


# --- trends -----------------------------------------------------------------------------------


@login_required
def trends(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    n = 24 if request.GET.get("months") == "24" else 12
    area = queries.area_by_pcode(request.GET.get("area", ""))
    if area is not None and not permissions.can(_user(request), "reports.view", area=area):
        raise Http404
    last = _month_param(request) or months.current_reporting_month()
    rows = figures.trends(_user(request), last, n, area=area)
    charts = _trend_charts(rows)
    return render(
        request,
        "reports/trends.html",
        {
            "rows": rows,
            "n": n,
            "area": area,
            "last": last,
            "charts": charts,
            "labels": figures.TREND_FIGURES,
        },
    )


def _month_param(request: HttpRequest) -> datetime.date | None:
    try:
        return months.parse_month(request.GET.get("month", ""))
    except months.BadMonth:
        return None


def _trend_charts(rows: list[dict[str, Any]]) -> list[Any]:
    from carenet.core.charts import bar_chart

    out = []
    for key in ("reached", "orgs"):
        out.append(
            bar_chart(
                [(f"{r['month']:%Y-%m}", None if r[key] is None else float(r[key])) for r in rows],
                title=str(figures.TREND_FIGURES[key]),
            )
        )
    return out
