"""Thin views: parse the form, authorise through `queries`, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carenet.accounts.models import User
from carenet.core import audit, permissions, versions
from carenet.core.models import AuditAction
from carenet.directory import queries as directory_queries
from carenet.outcomes import exports, forms, queries, services
from carenet.referrals import queries as referral_queries
from carenet.taxonomy import queries as taxonomy


def _org(request: HttpRequest, action: str = "outcomes.view") -> Any:
    org = getattr(request, "acting_organisation", None)
    if org is None or not permissions.acts_for(request.user, action, org):
        raise Http404
    return org


def _actor(request: HttpRequest) -> User:
    """The signed-in person (every view here requires sign-in)."""
    assert isinstance(request.user, User)
    return request.user


def _errors(form: Any, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


@login_required
@require_GET
def delivery_list(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    deliveries = queries.deliveries_for(request.user).filter(organisation=org)[:100]
    return render(
        request,
        "outcomes/deliveries.html",
        {
            "deliveries": deliveries,
            "organisation": org,
            "flags": queries.open_flags(request.user, org)[:20],
            "can_report": permissions.acts_for(request.user, "outcomes.report", org),
            "can_protocol": permissions.acts_for(request.user, "outcomes.protocol", org),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def delivery_new(request: HttpRequest) -> HttpResponse:
    org = _org(request, "outcomes.record")
    sites = list(
        directory_queries.sites_for_user(request.user, "directory.view").filter(
            organisation=org, is_active=True
        )
    )
    by_uuid = {str(s.uuid): s for s in sites}
    form = forms.DeliveryForm(request.POST or None, sites=[(k, s.name) for k, s in by_uuid.items()])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delivery = services.delivery_create(
                actor=_actor(request),
                organisation=org,
                site=by_uuid[data["site"]],
                intervention=taxonomy.term("intervention", data["intervention"]),
                kind=data["kind"],
                started_on=data["started_on"],
                activity_code=data["activity_code"],
                planned_sessions=data["planned_sessions"],
                programme=data["programme"],
                title=data["title"],
                headcount=form.headcount(),
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            return redirect("outcomes:delivery", uuid=delivery.uuid)
    return render(request, "outcomes/delivery_form.html", {"form": form})


@login_required
@require_GET
def delivery_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    delivery = queries.delivery_for_user(request.user, uuid)
    audit.record(AuditAction.VIEW, actor=_actor(request), obj=delivery, request=request)
    participants = queries.participants_of(delivery)
    sessions = queries.sessions_of(delivery)
    next_number = max([s.number for s in sessions], default=0) + 1
    return render(
        request,
        "outcomes/delivery.html",
        {
            "delivery": delivery,
            "participants": participants,
            "sessions": sessions,
            "next_number": next_number,
            "administrations": queries.administrations_of(delivery),
            "summary": queries.change_summary(delivery),
            "instruments": queries.active_instruments(),
            "participant_form": forms.ParticipantForm(),
            "close_form": forms.CloseForm(),
            "can_record": permissions.acts_for(
                request.user, "outcomes.record", delivery.organisation
            ),
        },
    )


@login_required
@require_POST
def participant_add(request: HttpRequest, uuid: Any) -> HttpResponse:
    delivery = queries.delivery_for_user(request.user, uuid, "outcomes.record")
    form = forms.ParticipantForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["client_code"].strip().upper()
        client = (
            referral_queries.client_register(request.user, delivery.organisation, code)
            .filter(code=code)
            .first()
        )
        if client is None:
            form.add_error("client_code", _("No client of your organisation has that code."))
        else:
            try:
                services.participant_add(actor=_actor(request), delivery=delivery, client=client)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                return redirect("outcomes:delivery", uuid=delivery.uuid)
    return render(
        request, "outcomes/participant_form.html", {"form": form, "delivery": delivery}, status=400
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, uuid: Any, number: int) -> HttpResponse:
    """Session `number` of a delivery: its date and who was present (stable URL)."""
    delivery = queries.delivery_for_user(request.user, uuid, "outcomes.record")
    participants = queries.participants_of(delivery)
    present = queries.present_at(delivery, number)
    initial = {"present": [str(p.uuid) for p in participants if p.pk in present]}
    form = forms.AttendanceForm(request.POST or None, participants=participants, initial=initial)
    version = versions.version_of(sorted(initial["present"]))
    if request.method == "POST" and form.is_valid():
        versions.check_version(request, version)  # sent late from a device: never overwrite
        chosen = set(form.cleaned_data["present"])
        try:
            services.session_record(
                actor=_actor(request),
                delivery=delivery,
                number=number,
                held_on=form.cleaned_data["held_on"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                present=[p for p in participants if str(p.uuid) in chosen],
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            return redirect("outcomes:delivery", uuid=delivery.uuid)
    return render(
        request,
        "outcomes/attendance.html",
        {"form": form, "delivery": delivery, "number": number, "version": version},
    )


@login_required
@require_POST
def delivery_close(request: HttpRequest, uuid: Any) -> HttpResponse:
    delivery = queries.delivery_for_user(request.user, uuid, "outcomes.record")
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            services.delivery_close(
                actor=_actor(request), delivery=delivery, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            return redirect("outcomes:delivery", uuid=delivery.uuid)
    return render(
        request, "outcomes/participant_form.html", {"form": form, "delivery": delivery}, status=400
    )


@login_required
@require_POST
def drop_out(request: HttpRequest, uuid: Any) -> HttpResponse:
    participant = queries.participant_for_user(request.user, uuid, "outcomes.record")
    form = forms.DropOutForm(request.POST)
    if not form.is_valid():
        raise Http404
    services.participant_drop_out(
        actor=_actor(request), participant=participant, on=form.cleaned_data["on"]
    )
    return redirect("outcomes:delivery", uuid=participant.delivery.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, uuid: Any, code: str) -> HttpResponse:
    """One instrument for one participant (stable URL, a plain POST form)."""
    participant = queries.participant_for_user(request.user, uuid, "outcomes.record")
    instrument = queries.instrument_by_code(code)
    form = forms.QuestionnaireForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            answers = None if instrument.entered_total else form.answers()
        except ValueError:
            form.add_error(None, _("Each answer is one of the numbers offered."))
        else:
            try:
                administration = services.administration_record(
                    actor=_actor(request),
                    participant=participant,
                    instrument=instrument,
                    timepoint=form.cleaned_data["timepoint"],
                    taken_on=form.cleaned_data["taken_on"],
                    answers=answers,
                    total=form.cleaned_data.get("total"),
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                # Redirect after saving, so that a reload or an entry sent again from a
                # device's offline queue never records the questionnaire twice.
                return redirect("outcomes:administration", uuid=administration.uuid)
    return render(
        request,
        "outcomes/questionnaire.html",
        {"form": form, "participant": participant, "instrument": instrument},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def administration(request: HttpRequest, uuid: Any) -> HttpResponse:
    """What a questionnaire gave: its score and band, or which items are missing."""
    found = queries.administration_for_user(request.user, uuid)
    return render(
        request,
        "outcomes/administration_saved.html",
        {"a": found, "participant": found.participant, "instrument": found.instrument},
    )


@login_required
@require_POST
def flag_clear(request: HttpRequest, uuid: Any) -> HttpResponse:
    flag = queries.flag_for_user(request.user, uuid)
    form = forms.ClearFlagForm(request.POST)
    if form.is_valid():
        try:
            services.flag_clear(actor=_actor(request), flag=flag, note=form.cleaned_data["note"])
        except ValidationError as exc:
            _errors(form, exc)
        else:
            return redirect("referrals:client", uuid=flag.client_uuid)
    return render(request, "outcomes/flag_clear.html", {"form": form, "flag": flag}, status=400)


@login_required
@require_POST
def flag_refer(request: HttpRequest, uuid: Any) -> HttpResponse:
    """One click: an urgent referral draft for the flagged client."""
    flag = queries.flag_for_user(request.user, uuid)
    client = referral_queries.client_to_handle(request.user, flag.client_uuid)
    referral = services.flag_referral_draft(actor=_actor(request), flag=flag, client=client)
    return redirect("referrals:detail", uuid=referral.uuid)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not permissions.can_somewhere(request.user, "outcomes.dashboard"):
        raise Http404
    filters = forms.dashboard_filters(request.GET)
    suppress = not queries.sees_one_organisation(request.user, filters)
    data = queries.dashboard(request.user, filters, suppress=suppress)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        if not permissions.can_somewhere(request.user, "outcomes.export"):
            raise Http404
        audit.record(AuditAction.EXPORT, actor=_actor(request), detail=f"outcomes dashboard {fmt}")
        return exports.dashboard_response(data, fmt)
    return render(
        request,
        "outcomes/dashboard.html",
        {
            "data": data,
            "filters": filters,
            "instruments": queries.active_instruments(),
            "interventions": taxonomy.terms("intervention"),
            "organisations": permissions.organisations_for(request.user, "outcomes.dashboard"),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def four_w(request: HttpRequest) -> HttpResponse:
    """Make this month's 4W rows from the delivery records, as a draft report."""
    org = _org(request, "outcomes.report")
    form = forms.ReportForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.four_w_draft(
                actor=_actor(request), organisation=org, month=form.cleaned_data["month"]
            )
        except ValidationError as exc:
            _errors(form, exc)
    return render(
        request,
        "outcomes/four_w.html",
        {"form": form, "created": created, "organisation": org},
    )


@login_required
@require_http_methods(["GET", "POST"])
def protocols(request: HttpRequest) -> HttpResponse:
    """The organisation's safety protocol and its sites' own, shown with every safety flag."""
    org = _org(request, "outcomes.protocol")
    sites = {
        str(s.uuid): s
        for s in directory_queries.sites_for_user(request.user, "directory.view").filter(
            organisation=org
        )
    }
    kept = queries.protocols_of(org)
    chosen = sites.get(request.GET.get("site", ""))
    form = forms.ProtocolForm(
        request.POST or None,
        sites=[(k, s.name) for k, s in sites.items()],
        initial={
            "site": str(chosen.uuid) if chosen else "",
            **_protocol_initial(kept.get(chosen.pk if chosen else None)),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site = sites.get(data["site"]) if data["site"] else None
        try:
            services.protocol_save(
                actor=_actor(request),
                organisation=org,
                site=site,
                texts={lang: data[f"text_{lang}"] for lang in ("en", "uk", "pl")},
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The safety protocol is saved."))
            return redirect("outcomes:protocols")
    by_site = [{"site": s, "protocol": kept.get(s.pk)} for s in sites.values()]
    return render(
        request,
        "outcomes/protocols.html",
        {"form": form, "organisation": org, "protocol": kept.get(None), "sites": by_site},
    )


def _protocol_initial(protocol: Any) -> dict[str, str]:
    if protocol is None:
        return {}
    return {f"text_{lang}": getattr(protocol, f"text_{lang}") for lang in ("en", "uk", "pl")}
