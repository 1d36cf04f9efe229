"""4W pages: thin — parse, authorise through `core.permissions`, call, render."""

from __future__ import annotations

import datetime
import io
import tempfile
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods, require_POST

from carenet.accounts.models import Organisation

if TYPE_CHECKING:
    from carenet.accounts.models import User
from carenet.core import permissions
from carenet.reporting import donors, exports, gaps, months, queries, services
from carenet.reporting.forms import NeedsForm, ReturnForm, RowForm, UploadForm
from carenet.reporting.models import ActivityReport, ImportStatus, PeriodStatus
from carenet.reporting.validation import column_label, message

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required), unwrapped from its
    lazy proxy: the gap page asks about thousands of areas for one user."""
    user = request.user
    real = getattr(user, "_wrapped", None) if user.is_authenticated else None
    return cast("User", real if real is not None and hasattr(real, "pk") else user)


def _month_param(request: HttpRequest, name: str = "month") -> datetime.date | None:
    try:
        return months.parse_month(request.GET.get(name, ""))
    except months.BadMonth:
        return None


def _period_url(org: Organisation, month: datetime.date) -> str:
    return reverse("reporting:period", args=[org.uuid, month])


# --- home and periods -------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    org = getattr(request, "acting_organisation", None)
    own = org if org and permissions.can(_user(request), "reporting.view", org) else None
    coordinator = permissions.can_somewhere(_user(request), "reporting.validate")
    if own is None and not coordinator:
        raise Http404
    return render(
        request,
        "reporting/home.html",
        {
            "organisation": own,
            "org_months": queries.organisation_months(own) if own else [],
            "can_edit": bool(own and permissions.can(_user(request), "reporting.edit", own)),
            "coordinator": coordinator,
            "recent_months": months.recent(6),
            "can_gaps": permissions.can_somewhere(_user(request), "gaps.view"),
        },
    )


@login_required
def period(request: HttpRequest, org: str, month: datetime.date) -> HttpResponse:
    organisation = queries.organisation_for(_user(request), org)
    rows = queries.period_rows(_user(request), organisation, month)
    the_period = queries.period_of(organisation, month)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    can_edit = permissions.can(_user(request), "reporting.edit", organisation)
    locked = services.month_is_locked(month)
    editable = can_edit and not locked and (the_period is None or the_period.editable)
    return render(
        request,
        "reporting/period.html",
        {
            "organisation": organisation,
            "month": month,
            "period": the_period,
            "page": page,
            "locked": locked,
            "editable": editable,
            "can_edit": can_edit,
            "can_submit": editable,
            "can_review": bool(
                the_period
                and the_period.status != PeriodStatus.DRAFT
                and not locked
                and queries.can_validate(_user(request), the_period)
            ),
            "return_form": ReturnForm(),
            "statuses": PeriodStatus,
            "month_key": months.key(month),
        },
    )


def _editable_org(request: HttpRequest, org: str) -> Organisation:
    organisation = queries.organisation_for(_user(request), org)
    permissions.require(_user(request), "reporting.edit", organisation)
    return organisation


def _sites(request: HttpRequest, organisation: Organisation) -> list[tuple[str, str]]:
    """The organisation's sites in the directory, to link a row to (optional)."""
    from carenet.directory import queries as directory

    found = directory.organisation_sites_for_user(
        _user(request), "directory.edit", organisation, limit=500
    )
    sites = list({s.uuid: s for s in found}.values())
    labels = [f"{s.name_en} ({s.area.pcode})" for s in sites]
    # two sites of one name in one area (an office and a clinic in one building, say) are
    # told apart by their address, else by the start of their id
    twice = {label for label in labels if labels.count(label) > 1}
    return [
        (str(s.uuid), _site_label(s, label) if label in twice else label)
        for s, label in zip(sites, labels, strict=True)
    ]


def _site_label(site: Any, label: str) -> str:
    where = ", ".join(p for p in (site.address, site.city) if p) or str(site.uuid)[:8]
    return f"{site.name_en}, {where} ({site.area.pcode})"


@login_required
def row_new(request: HttpRequest, org: str, month: datetime.date) -> HttpResponse:
    organisation = _editable_org(request, org)
    return _row_form(request, organisation, month, None)


@login_required
def row_edit(request: HttpRequest, row: str) -> HttpResponse:
    the_row = queries.row_for(_user(request), row, "reporting.edit")
    return _row_form(request, the_row.organisation, the_row.month, the_row)


def _row_form(
    request: HttpRequest,
    organisation: Organisation,
    month: datetime.date,
    row: ActivityReport | None,
) -> HttpResponse:
    sites = _sites(request, organisation)
    initial = RowForm.initial_from(row) if row else {"start_date": month, "status": "ongoing"}
    form = RowForm(request.POST or None, initial=initial, sites=sites)
    if request.method == "POST" and form.is_valid():
        saved, errors = services.row_save(
            actor=_user(request),
            organisation=organisation,
            month=month,
            cells=form.cells(),
            row=row,
        )
        if saved is not None:
            messages.success(request, _("The row is saved."))
            return redirect(_period_url(organisation, month))
        for error in errors:
            field = error.column if error.column in form.fields else None
            form.add_error(field, message(error))
    return render(
        request,
        "reporting/row_form.html",
        {
            "form": form,
            "organisation": organisation,
            "month": month,
            "row": row,
        },
    )


@login_required
@require_POST
def row_delete(request: HttpRequest, row: str) -> HttpResponse:
    the_row = queries.row_for(_user(request), row, "reporting.edit")
    try:
        services.row_delete(actor=_user(request), row=the_row)
        messages.success(request, _("The row is deleted."))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect(_period_url(the_row.organisation, the_row.month))


@login_required
@require_POST
def submit(request: HttpRequest, org: str, month: datetime.date) -> HttpResponse:
    organisation = _editable_org(request, org)
    try:
        services.period_submit(
            actor=_user(request), period=services.period_for(organisation, month)
        )
        messages.success(request, _("The report is submitted to the coordinators."))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect(_period_url(organisation, month))


def _reviewable(request: HttpRequest, org: str, month: datetime.date) -> Any:
    organisation = queries.organisation_for(_user(request), org)
    the_period = queries.period_of(organisation, month)
    if the_period is None or not queries.can_validate(_user(request), the_period):
        raise Http404
    return the_period


@login_required
@require_POST
def validate(request: HttpRequest, org: str, month: datetime.date) -> HttpResponse:
    the_period = _reviewable(request, org, month)
    try:
        services.period_validate(actor=_user(request), period=the_period)
        messages.success(request, _("The report is validated."))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect(_period_url(the_period.organisation, month))


@login_required
@require_POST
def return_period(request: HttpRequest, org: str, month: datetime.date) -> HttpResponse:
    the_period = _reviewable(request, org, month)
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise services.WorkflowError(_("Say what should change before returning the report."))
        services.period_return(
            actor=_user(request), period=the_period, comment=form.cleaned_data["comment"]
        )
        messages.success(request, _("The report is returned with your comment."))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect(_period_url(the_period.organisation, month))


# --- files ------------------------------------------------------------------------------------


@login_required
def upload(request: HttpRequest, org: str, month: datetime.date) -> HttpResponse:
    organisation = _editable_org(request, org)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        job = services.import_upload(
            actor=_user(request),
            organisation=organisation,
            month=month,
            upload=f,
            file_name=f.name,
            valid_only=form.cleaned_data["valid_only"],
            update_existing=form.cleaned_data["update_existing"],
        )
        return redirect(
            "reporting:upload_preview", org=organisation.uuid, month=month, upload=job.uuid
        )
    return render(
        request,
        "reporting/upload.html",
        {
            "form": form,
            "organisation": organisation,
            "month": month,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload_preview(
    request: HttpRequest, org: str, month: datetime.date, upload: str
) -> HttpResponse:
    """The uploaded file's columns, rows and first errors; "Import these rows" imports it."""
    organisation = _editable_org(request, org)
    the_job = queries.upload_for(_user(request), organisation, upload)
    if the_job.month != month:
        raise Http404
    if request.method == "POST" and the_job.status == ImportStatus.PREVIEW:
        the_job = services.import_confirm(
            actor=_user(request), job=the_job, valid_only=request.POST.get("valid_only") == "1"
        )
    if the_job.status != ImportStatus.PREVIEW:
        return redirect("reporting:job", job=the_job.uuid)
    preview = services.import_preview(the_job)
    errors = [
        {"line": e.line, "column": column_label(e.column), "message": message(e)}
        for e in preview.errors
    ]
    return render(
        request,
        "reporting/upload_preview.html",
        {
            "job": the_job,
            "preview": preview,
            "errors": errors,
            "more_errors": preview.error_count - len(errors),
            "organisation": organisation,
            "month": month,
        },
    )


@login_required
def job(request: HttpRequest, job: str) -> HttpResponse:
    the_job = queries.job_for(_user(request), job)
    if the_job.status == ImportStatus.PREVIEW and the_job.month:
        url = reverse(
            "reporting:upload_preview",
            args=[the_job.organisation.uuid, the_job.month, the_job.uuid],
        )
        return redirect(url)  # not imported yet: its preview (404 there for anyone else)
    errors = [
        {"line": e["line"], "column": column_label(e.get("column", "")), "message": message(e)}
        for e in the_job.errors[:500]
    ]
    context = {"job": the_job, "errors": errors, "more_errors": the_job.error_count - len(errors)}
    if the_job.finished:
        context["columns"] = services.import_columns(the_job)
    htmx = bool(getattr(request, "htmx", False))
    if htmx and not the_job.finished:
        return render(request, "reporting/_job_progress.html", context)
    if htmx:
        response = HttpResponse()
        response["HX-Refresh"] = "true"  # finished: load the whole page with its results
        return response
    return render(request, "reporting/job.html", context)


@login_required
@require_POST
def job_valid_only(request: HttpRequest, job: str) -> HttpResponse:
    the_job = queries.job_for(_user(request), job)
    permissions.require(_user(request), "reporting.edit", the_job.organisation)
    copy = services.import_again_valid_only(actor=_user(request), job=the_job)
    return redirect("reporting:job", job=copy.uuid)


@login_required
def template(request: HttpRequest, org: str, month: datetime.date) -> HttpResponseBase:
    organisation = _editable_org(request, org)
    data = exports.template_bytes(actor=_user(request), organisation=organisation, month=month)
    name = f"4W-{organisation.acronym}-{months.key(month)}.xlsx"
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=name,
        content_type=exports.CONTENT_TYPES["xlsx"],
    )


@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    month = _month_param(request)
    fmt = request.GET.get("format", "xlsx")
    if month is None or fmt not in exports.CONTENT_TYPES:
        raise Http404
    org = None
    if request.GET.get("org"):
        org = queries.organisation_for(_user(request), request.GET["org"])
    rows = queries.rows_for(_user(request)).filter(month=month)
    if org is not None:
        rows = rows.filter(organisation=org)
    donor = donors.donor_by_code(request.GET.get("donor", "").strip())
    if donor is not None:
        rows = rows.filter(funder=donor)
    name = f"4W-{org.acronym + '-' if org else ''}{months.key(month)}.{_suffix(fmt)}"
    if fmt == "xlsx":
        tmp = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        exports.export_rows(
            actor=_user(request), rows=rows, fmt=fmt, out=tmp, organisation=org, month=month
        )
        tmp.seek(0)
        return FileResponse(
            tmp, as_attachment=True, filename=name, content_type=exports.CONTENT_TYPES[fmt]
        )
    stream = exports.export_csv_stream(
        actor=_user(request), rows=rows, hxl=fmt == "hxl", organisation=org, month=month
    )
    response = StreamingHttpResponse(stream, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _suffix(fmt: str) -> str:
    return "xlsx" if fmt == "xlsx" else "csv"


# --- coordinators: months, locks, gaps --------------------------------------------------------


@login_required
def month_overview(request: HttpRequest, month: datetime.date) -> HttpResponse:
    if not permissions.can_somewhere(_user(request), "reporting.validate"):
        raise Http404
    donor = donors.donor_by_code(request.GET.get("donor", "").strip())
    rows = queries.month_overview(_user(request), month, donor)
    show = request.GET.get("show", "missing")
    shown = [r for r in rows if not r.reported] if show == "missing" else rows
    # the validation queue: submitted, waiting for a coordinator who may validate them
    waiting = [
        r
        for r in rows
        if r.period is not None
        and r.status == PeriodStatus.SUBMITTED
        and queries.can_validate(_user(request), r.period)
    ]
    if request.GET.get("format") in ("csv", "xlsx"):
        return exports.table_response(
            actor=_user(request),
            rows=gaps.month_table(shown),
            columns=gaps.month_columns(),
            fmt=request.GET["format"],
            name=f"4W-status-{months.key(month)}{'-' + donor.code if donor else ''}",
        )
    month_row = queries.month_row(month)
    return render(
        request,
        "reporting/month.html",
        {
            "month": month,
            "rows": shown,
            "waiting": waiting,
            "show": show,
            "reported": sum(1 for r in rows if r.reported),
            "expected": len(rows),
            "locked": bool(month_row and month_row.locked),
            "can_lock": permissions.can(_user(request), "reporting.lock"),
            "donor_choices": donors.donor_choices(),
            "donor": donor,
            "previous": months.add_months(month, -1),
            "next": months.add_months(month, 1),
        },
    )


@login_required
@require_POST
def lock(request: HttpRequest, month: datetime.date) -> HttpResponse:
    permissions.require(_user(request), "reporting.lock")
    locked = request.POST.get("locked") == "1"
    services.month_set_locked(actor=_user(request), month=month, locked=locked)
    messages.success(
        request,
        _("%(month)s is locked.") % {"month": months.key(month)}
        if locked
        else _("%(month)s is open again.") % {"month": months.key(month)},
    )
    return redirect("reporting:month", month=month)


def _gap_params(request: HttpRequest) -> dict[str, Any]:
    asked = request.GET.get("month", "").strip()
    month = _month_param(request) or queries.latest_month(_user(request))
    if asked and _month_param(request) is None:  # say so rather than show another month
        messages.warning(
            request,
            _("“%(asked)s” is not a month written YYYY-MM; showing %(month)s instead.")
            % {"asked": asked[:20], "month": months.key(month)},
        )
    try:
        level = int(request.GET.get("level", "1"))
    except ValueError:
        level = 1
    level = level if level in (1, 2, 3) else 1
    country = request.GET.get("country", "UA").upper()
    country = country if country in ("UA", "PL") else "UA"
    donor = donors.donor_by_code(request.GET.get("donor", "").strip())
    return {"month": month, "level": level, "country": country, "donor": donor}


# The gap pages are compressed here (the project has no GZipMiddleware): the gmina page is
# 130-200 KB of HTML, most of it the map, and 30-45 KB gzipped. CSRF tokens are masked per
# response (BREACH). Below its filters the areas page is kept as drawn (`gaps.page_key`).
@login_required
@gzip_page
def gaps_areas(request: HttpRequest) -> HttpResponse:
    if not permissions.can_somewhere(_user(request), "gaps.view"):
        raise Http404
    params = _gap_params(request)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):  # every area, every figure
        columns = gaps.area_columns()
        analysis = gaps.area_analysis(_user(request), **params)
        rows, _sort = gaps.sort_rows(analysis.rows, request.GET.get("sort", ""), columns, "-gaps")
        return exports.table_response(
            actor=_user(request),
            rows=rows,
            columns=columns,
            fmt=fmt,
            name=f"gaps-{params['country']}-adm{params['level']}-{months.key(params['month'])}",
        )
    ask = gaps.page_ask(request.GET, **params)
    body = cache.get_or_set(
        gaps.page_key(_user(request), ask),
        lambda: render_to_string("reporting/_gap_areas.html", gaps.area_page(_user(request), ask)),
        gaps.PAGE_SECONDS,
    )
    return render(
        request,
        "reporting/gaps.html",
        {
            **params,
            "body": body,
            "metric": ask.metric,
            "metrics": gaps.MAP_METRICS,
            "query": ask.query,
            "month_key": months.key(params["month"]),
            "donor_choices": donors.donor_choices(),
        },
    )


@login_required
@gzip_page
def gaps_activities(request: HttpRequest) -> HttpResponse:
    if not permissions.can_somewhere(_user(request), "gaps.view"):
        raise Http404
    params = _gap_params(request)
    columns = gaps.activity_columns()
    rows, sort = gaps.sort_rows(
        gaps.activity_analysis(_user(request), **params),
        request.GET.get("sort", ""),
        columns,
        "code",
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return exports.table_response(
            actor=_user(request),
            rows=rows,
            columns=columns,
            fmt=fmt,
            name=f"activities-{params['country']}-adm"
            f"{params['level']}-{months.key(params['month'])}",
        )
    return render(
        request,
        "reporting/gaps_activities.html",
        {
            **params,
            "rows": rows,
            "sort": sort,
            "columns": columns,
            "chart": gaps.activity_chart(rows),
            "query": _query(request, drop=("sort", "page")),
            "month_key": months.key(params["month"]),
            "donor_choices": donors.donor_choices(),
        },
    )


@login_required
def needs(request: HttpRequest) -> HttpResponse:
    if not permissions.can_somewhere(_user(request), "reporting.validate"):
        raise Http404
    form = NeedsForm(request.POST or None, request.FILES or None)
    errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        outcome = services.needs_upload(
            actor=_user(request),
            upload=form.cleaned_data["file"],
            source=form.cleaned_data["source"],
            as_of=form.cleaned_data["as_of"],
        )
        if not outcome.errors:
            messages.success(request, _("%(n)s needs figures saved.") % {"n": outcome.saved})
            return redirect("reporting:gaps")
        errors = [
            {"line": e.line, "column": e.column, "message": message(e)}
            for e in outcome.errors[:500]
        ]
    return render(request, "reporting/needs.html", {"form": form, "errors": errors})


def _query(request: HttpRequest, drop: tuple[str, ...]) -> str:
    params = request.GET.copy()
    for key in (*drop, "format"):
        params.pop(key, None)
    return params.urlencode()
