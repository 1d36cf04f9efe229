"""The implementation tracker: the network view, one implementation, one stage, evidence."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carenet.community import queries, services
from carenet.community.forms import EvidenceForm, ImplementationForm, StageForm
from carenet.community.models import EvidenceKind, StageStatus
from carenet.community.views.common import (
    actor,
    community_initial,
    form_error,
    new_page,
    require_app,
    require_edit_somewhere,
    saved,
    today,
)
from carenet.core import audit, private_files
from carenet.core.models import AuditAction
from carenet.geo import queries as geo_queries


@require_GET
@login_required
def network(request: HttpRequest) -> HttpResponse:
    """Every community's position across the stages; filter by programme, area, stuck."""
    require_app(request)
    programme = queries.programmes().filter(code=request.GET.get("programme", "")).first()
    area = None
    if request.GET.get("area"):
        try:
            area = geo_queries.area_by_pcode(request.GET["area"])
        except geo_queries.UnknownPCode:
            area = None
    stuck_only = request.GET.get("stuck") == "1"
    qs, stages = queries.network_positions(
        request.user, programme=programme, area=area, stuck_only=stuck_only
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "positions": [queries.position_of(i, stages) for i in page],
        "stages": stages,
        "programmes": queries.programmes(),
        "programme": programme,
        "area": area,
        "area_text": request.GET.get("area", "")[:20],
        "stuck_only": stuck_only,
        "stuck_days": queries.stuck_after_days(),
        "query": _query(request),
    }
    return render(request, "community/network.html", context)


def _query(request: HttpRequest) -> str:
    """The filters, for the pager's links."""
    kept = {k: request.GET[k][:40] for k in ("programme", "area", "stuck") if request.GET.get(k)}
    return urlencode(kept) + "&" if kept else ""


@require_http_methods(["GET", "POST"])
@login_required
def implementation_new(request: HttpRequest) -> HttpResponse:
    require_edit_somewhere(request)
    initial = community_initial(request)
    form = ImplementationForm(request.POST or None, user=request.user, initial=initial)
    return new_page(
        request,
        form,
        lambda: services.implementation_create(actor=actor(request), **form.cleaned_data),
        done=_("The programme is now followed in this community."),
        detail="community:implementation",
        template="community/implementation_form.html",
    )


@require_GET
@login_required
def implementation_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    implementation = queries.implementation_for(request.user, uuid)
    position = queries.implementation_detail(implementation)
    context = {
        "implementation": implementation,
        "position": position,
        "can_edit": queries.editable(request.user, implementation),
        "stuck_days": queries.stuck_after_days(),
        "spaces": list(implementation.support_spaces.all()),
    }
    return render(request, "community/implementation.html", context)


@require_POST
@login_required
def implementation_advance(request: HttpRequest, uuid: str) -> HttpResponse:
    """Mark the current stage done and start the next one."""
    implementation = queries.implementation_for(request.user, uuid, queries.EDIT)
    try:
        nxt = services.implementation_advance(
            actor=actor(request), implementation=implementation, today=today()
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if nxt is None:
            saved(request, _("Every stage is done."))
        else:
            saved(
                request,
                _("Moved on to stage %(number)s: %(name)s.")
                % {"number": nxt.number, "name": nxt.name},
            )
    return redirect("community:implementation", uuid=implementation.uuid)


@require_http_methods(["GET", "POST"])
@login_required
def stage_edit(request: HttpRequest, uuid: str, code: str) -> HttpResponse:
    """Set one stage's status, dates, responsible organisation and notes; add evidence."""
    implementation = queries.implementation_for(request.user, uuid, queries.EDIT)
    stage = queries.implementation_stage(code)
    progress = implementation.progress.filter(stage=stage).prefetch_related("evidence").first()
    initial = {"status": progress.status if progress else StageStatus.NOT_STARTED}
    if progress is not None:
        initial.update(
            {
                f: getattr(progress, f)
                for f in (
                    "started_on",
                    "completed_on",
                    "responsible_organisation",
                    "notes",
                    "blocked_reason",
                )
            }
        )
    form = StageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_update(
                actor=actor(request),
                implementation=implementation,
                stage=stage,
                today=today(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            saved(request, _("Stage saved."))
            return redirect("community:implementation", uuid=implementation.uuid)
    context = {
        "form": form,
        "implementation": implementation,
        "stage": stage,
        "progress": progress,
        "evidence_form": EvidenceForm(),
    }
    return render(request, "community/stage_form.html", context)


@require_POST
@login_required
def evidence_new(request: HttpRequest, uuid: str, code: str) -> HttpResponse:
    implementation = queries.implementation_for(request.user, uuid, queries.EDIT)
    stage = queries.implementation_stage(code)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.evidence_add(
                actor=actor(request),
                implementation=implementation,
                stage=stage,
                kind=data["kind"],
                url=data.get("url") or "",
                note=data.get("note") or "",
                upload=data.get("file") if data["kind"] == EvidenceKind.FILE else None,
            )
        except ValidationError as exc:
            form.add_error("file" if data["kind"] == EvidenceKind.FILE else None, exc)
        else:
            saved(request, _("Evidence added."))
            return redirect("community:stage", uuid=implementation.uuid, code=stage.code)
    progress = implementation.progress.filter(stage=stage).first()
    context = {
        "form": StageForm(
            initial={"status": progress.status if progress else StageStatus.NOT_STARTED}
        ),
        "implementation": implementation,
        "stage": stage,
        "progress": progress,
        "evidence_form": form,
    }
    return render(request, "community/stage_form.html", context, status=400)


@require_GET
@login_required
def evidence_download(request: HttpRequest, uuid: str) -> HttpResponseBase:
    """An evidence file, for those who may view its implementation; the view is audited."""
    evidence = queries.evidence_for(request.user, uuid)
    if evidence.kind != EvidenceKind.FILE or not evidence.file:
        return redirect("community:implementation", uuid=evidence.progress.implementation.uuid)
    audit.record(
        AuditAction.VIEW,
        actor=actor(request),
        obj=evidence,
        organisation=evidence.progress.implementation.organisation,
        request=request,
    )
    return private_files.file_response(
        evidence.file,
        filename=evidence.original_name or "evidence",
        content_type=evidence.content_type or "application/octet-stream",
    )
