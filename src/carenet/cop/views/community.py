"""CoPs, members, meetings and attendance."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carenet.accounts import services as account_services
from carenet.accounts.models import InvitationKind
from carenet.cop import forms, services
from carenet.cop import permissions as cop_permissions
from carenet.cop.models import CopRole
from carenet.cop.queries import community as queries
from carenet.cop.views.common import acting_organisation, apply_errors, flags, may_act_for, user
from carenet.core import permissions


@login_required
@require_http_methods(["GET"])
def cop_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "cop.view"):
        raise PermissionDenied
    text = request.GET.get("q", "").strip()[:100]
    page = Paginator(queries.cops_for(request.user, text), 30).get_page(request.GET.get("page"))
    can_create = may_act_for(request, "cop.facilitate")
    query = urlencode({"q": text}) if text else ""
    return render(
        request,
        "cop/cop_list.html",
        {"page": page, "q": text, "query": query, "can_create": can_create},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cop_create(request: HttpRequest) -> HttpResponse:
    host = acting_organisation(request, "cop.facilitate")
    form = forms.CopCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        cop = services.cop_create(
            actor=user(request), host=host, profession=data.pop("profession"), **data
        )
        messages.success(request, _("The Community of Practice was created."))
        return redirect("cop:detail", uuid=cop.uuid)
    return render(request, "cop/cop_form.html", {"form": form, "host": host})


@login_required
@require_http_methods(["GET"])
def cop_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = queries.cop_for(request.user, uuid)
    return render(
        request,
        "cop/cop_detail.html",
        {
            "cop": cop,
            "can": flags(request.user, cop),
            "role": _role_label(cop_permissions.cop_role(request.user, cop)),
            "member_count": queries.members_of(cop).count(),
            "upcoming": queries.meetings_of(cop, upcoming=True)[:3],
            "threads": queries.threads_of(cop)[:3],
            "resources": queries.library_for(request.user, cop)[:3],
        },
    )


def _role_label(role: str | None) -> str:
    return str(CopRole(role).label) if role else ""


@login_required
@require_http_methods(["GET", "POST"])
def cop_edit(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = queries.cop_to_change(request.user, uuid)
    initial = {
        "name": cop.name,
        "topic": cop.topic,
        "description": cop.description,
        "scope": cop.scope,
        "area": cop.area.pcode if cop.area else "",
        "visibility": cop.visibility,
        "is_active": cop.is_active,
    }
    form = forms.CopEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.cop_update(actor=user(request), cop=cop, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("cop:detail", uuid=cop.uuid)
    return render(request, "cop/cop_form.html", {"form": form, "cop": cop})


@login_required
@require_http_methods(["GET", "POST"])
def cop_join(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = queries.cop_for(request.user, uuid, "cop.join")
    form = forms.JoinForm(request.POST or None, user=user(request))
    if request.method == "POST" and form.is_valid():
        services.member_join(actor=user(request), cop=cop, **form.cleaned_data)
        messages.success(request, _("Welcome to the Community of Practice."))
        return redirect("cop:detail", uuid=cop.uuid)
    return render(request, "cop/join.html", {"form": form, "cop": cop})


@login_required
@require_POST
def member_leave(request: HttpRequest, uuid: Any) -> HttpResponse:
    member = queries.member_for(request.user, uuid)
    try:
        services.member_leave(actor=user(request), member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cop:members", uuid=member.cop.uuid)
    if member.user_id == request.user.pk:
        messages.success(request, _("You left the Community of Practice."))
        return redirect("cop:list")
    messages.success(request, _("The member was removed."))
    return redirect("cop:members", uuid=member.cop.uuid)


@login_required
@require_POST
def member_role(request: HttpRequest, uuid: Any) -> HttpResponse:
    member = queries.member_for(request.user, uuid)
    permissions.require_on(request.user, "cop.facilitate", member.cop)
    form = forms.RoleForm(request.POST)
    if form.is_valid():
        try:
            services.member_set_role(actor=user(request), member=member, **form.cleaned_data)
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("cop:members", uuid=member.cop.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = queries.cop_for(request.user, uuid)
    can = flags(request.user, cop)
    form = forms.MemberInviteForm(request.POST or None)
    if request.method == "POST":
        permissions.require_on(request.user, "cop.facilitate", cop)
        if form.is_valid():
            # The same answer for every address: nobody learns whether it has an account.
            account_services.invitation_to(
                actor=user(request),
                email=form.cleaned_data["email"],
                organisation=cop.host,
                kind=InvitationKind.COP,
                target=cop.uuid,
                target_label=cop.name,
            )
            messages.success(
                request, _("An invitation was e-mailed. The person joins when they accept it.")
            )
            return redirect("cop:members", uuid=cop.uuid)
    return render(
        request,
        "cop/members.html",
        {
            "cop": cop,
            "can": can,
            "members": queries.members_of(cop),
            "form": form,
            "role_form": forms.RoleForm(),
        },
    )


@login_required
@require_http_methods(["GET"])
def meetings(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = queries.cop_for(request.user, uuid)
    page = Paginator(queries.meetings_of(cop, upcoming=False).order_by("-starts_at"), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cop/meetings.html",
        {
            "cop": cop,
            "can": flags(request.user, cop),
            "page": page,
            "upcoming": queries.meetings_of(cop, upcoming=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = queries.cop_for(request.user, uuid, "cop.supervise")
    form = forms.MeetingForm(
        request.POST or None, initial={"kind": request.GET.get("kind", "peer_learning")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(actor=user(request), cop=cop, **form.cleaned_data)
            messages.success(request, _("The meeting was scheduled."))
            return redirect("cop:meeting", uuid=meeting.uuid)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "cop/meeting_form.html", {"form": form, "cop": cop})


@login_required
@require_http_methods(["GET"])
def meeting_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    meeting = queries.meeting_for(request.user, uuid)
    can = flags(request.user, meeting.cop)
    present = queries.attendance_of(meeting)
    people = queries.roster(meeting) if can["supervise"] else []
    return render(
        request,
        "cop/meeting_detail.html",
        {
            "meeting": meeting,
            "cop": meeting.cop,
            "can": can,
            "attendance": [(m, present.get(m.pk)) for m in people],
            "present_count": sum(1 for v in present.values() if v),
            "expected": len(present),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, uuid: Any) -> HttpResponse:
    meeting = queries.meeting_to_change(request.user, uuid)
    form = forms.MeetingEditForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        meeting.refresh_from_db()  # the ModelForm changed the instance while validating
        try:
            services.meeting_update(actor=user(request), meeting=meeting, **fields)
            messages.success(request, _("Saved."))
            return redirect("cop:meeting", uuid=meeting.uuid)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request, "cop/meeting_form.html", {"form": form, "cop": meeting.cop, "meeting": meeting}
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request: HttpRequest, uuid: Any) -> HttpResponse:
    meeting = queries.meeting_to_change(request.user, uuid)
    people = queries.roster(meeting)
    present = queries.attendance_of(meeting)
    form = forms.AttendanceForm(
        request.POST or None,
        members=people,
        initial={"present": [str(k) for k, v in present.items() if v], "minutes": meeting.minutes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(
                actor=user(request),
                meeting=meeting,
                present=form.present_ids(),
                minutes=form.cleaned_data["minutes"],
            )
            messages.success(request, _("Attendance was recorded."))
            return redirect("cop:meeting", uuid=meeting.uuid)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request, "cop/attendance.html", {"form": form, "meeting": meeting, "cop": meeting.cop}
    )
