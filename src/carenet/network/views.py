"""Thin views of the network app: parse, authorise (queries/services ask core.permissions),
call, render."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carenet.accounts import queries as account_queries
from carenet.accounts import services as account_services
from carenet.accounts.models import Role, User
from carenet.core import audit, permissions
from carenet.core.models import AuditAction
from carenet.network import exports, forms, queries, services
from carenet.network.models import ApplicationStatus


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _require_coordinator(request: HttpRequest) -> None:
    if not permissions.can(request.user, "network.coordinate"):
        raise PermissionDenied


# --- roster ---------------------------------------------------------------------------------


def _roster(request: HttpRequest) -> tuple[forms.RosterFilterForm, list[Any]]:
    form = forms.RosterFilterForm(request.GET or None)
    filters = queries.RosterFilters()
    if form.is_valid():
        filters = queries.RosterFilters(**form.cleaned_data)
    return form, list(queries.roster(filters))


@require_http_methods(["GET"])
def roster(request: HttpRequest) -> HttpResponse:
    """Member organisations: public part for everyone, focal points for members."""
    form, organisations = _roster(request)
    members_view = queries.may_see_focal_points(request.user)
    points = queries.focal_points(organisations) if members_view else {}
    context = {
        "form": form,
        "rows": [(org, points.get(org.pk, [])) for org in organisations],
        "members_view": members_view,
        "coordinator": permissions.can(request.user, "network.coordinate"),
        "query": request.GET.urlencode(),
    }
    return render(request, "network/roster.html", context)


@require_http_methods(["GET"])
def roster_export(request: HttpRequest) -> HttpResponse:
    _form, organisations = _roster(request)
    members_view = queries.may_see_focal_points(request.user)
    points = queries.focal_points(organisations) if members_view else {}
    if members_view:
        audit.record(AuditAction.EXPORT, actor=request.user, detail="network roster")
    return exports.roster_xlsx(organisations, points)


# --- joining --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    form = forms.ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.application_submit(**form.cleaned_data)
        return redirect("network:applied")
    return render(request, "network/apply.html", {"form": form})


@require_http_methods(["GET"])
def applied(request: HttpRequest) -> HttpResponse:
    return render(request, "network/applied.html")


@login_required
@require_http_methods(["GET"])
def applications(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    status = request.GET.get("status", ApplicationStatus.PENDING)
    if status not in ApplicationStatus.values:
        status = ApplicationStatus.PENDING
    context = {
        "applications": queries.applications(status),
        "status": status,
        "statuses": ApplicationStatus.choices,
    }
    return render(request, "network/applications.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application(request: HttpRequest, uuid: Any) -> HttpResponse:
    found = queries.application_for(request.user, uuid)
    decline_form = forms.DeclineForm(request.POST if "decline" in request.POST else None)
    if request.method == "POST":
        try:
            if "approve" in request.POST:
                services.application_approve(actor=_user(request), application=found)
                messages.success(
                    request, _("The organisation is a member now; its contact person is invited.")
                )
                return redirect("network:applications")
            if decline_form.is_valid():
                services.application_decline(
                    actor=_user(request), application=found, **decline_form.cleaned_data
                )
                messages.success(request, _("The application was declined."))
                return redirect("network:applications")
        except ValidationError as exc:
            _errors(decline_form, exc)
    return render(
        request, "network/application.html", {"application": found, "decline_form": decline_form}
    )


# --- an organisation's people ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, uuid: Any) -> HttpResponse:
    organisation = queries.organisation_to_staff(request.user, uuid)
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.invitation_create(
                actor=_user(request), organisation=organisation, **form.cleaned_data
            )
            messages.success(request, _("The invitation was sent."))
            return redirect("network:people", uuid=organisation.uuid)
        except PermissionDenied:
            form.add_error("role", _("You cannot give this role."))
    return _people_page(request, organisation, form, forms.BulkInviteForm())


def _people_page(
    request: HttpRequest,
    organisation: Any,
    form: forms.InviteForm,
    bulk_form: forms.BulkInviteForm,
    row_errors: list[Any] | None = None,
) -> HttpResponse:
    manage = permissions.can(request.user, "members.manage", organisation)
    context = {
        "organisation": organisation,
        "form": form,
        "bulk_form": bulk_form,
        "row_errors": row_errors or [],
        "manage": manage,
        "staff": account_queries.staff_of(organisation),
        "invitations": Paginator(account_queries.invitations_of(organisation), 30).get_page(
            request.GET.get("page")
        ),
        "role_form": forms.RoleForm(),
        "roles": Role.choices,
    }
    return render(request, "network/people.html", context)


@login_required
@require_POST
def people_bulk(request: HttpRequest, uuid: Any) -> HttpResponse:
    organisation = queries.organisation_to_staff(request.user, uuid)
    bulk_form = forms.BulkInviteForm(request.POST, request.FILES)
    row_errors = []
    if bulk_form.is_valid():
        upload = bulk_form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "invitations"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            result = services.invitations_from_file(
                actor=_user(request), organisation=organisation, path=path
            )
        if not result.errors:
            messages.success(request, _("%(n)s invitations were sent.") % {"n": result.invited})
            return redirect("network:people", uuid=organisation.uuid)
        row_errors = result.errors
    return _people_page(request, organisation, forms.InviteForm(), bulk_form, row_errors)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, uuid: Any) -> HttpResponse:
    invitation = account_queries.invitation_for(request.user, uuid)
    try:
        account_services.invitation_revoke(actor=_user(request), invitation=invitation)
        messages.success(request, _("The invitation was withdrawn."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("network:people", uuid=invitation.organisation.uuid)


@login_required
@require_POST
def member_role(request: HttpRequest, uuid: Any) -> HttpResponse:
    membership = account_queries.membership_for(request.user, uuid)
    form = forms.RoleForm(request.POST)
    if form.is_valid():
        try:
            account_services.membership_change_role(
                actor=_user(request), membership=membership, role=Role(form.cleaned_data["role"])
            )
            messages.success(request, _("The role was changed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("network:people", uuid=membership.organisation.uuid)


@login_required
@require_POST
def member_leave(request: HttpRequest, uuid: Any) -> HttpResponse:
    membership = account_queries.membership_for(request.user, uuid)
    try:
        account_services.person_leave(actor=_user(request), membership=membership)
        messages.success(request, _("The person no longer works for the organisation here."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("network:people", uuid=membership.organisation.uuid)


# --- groups, meetings, decisions, action points --------------------------------------------


@login_required
@require_http_methods(["GET"])
def groups(request: HttpRequest) -> HttpResponse:
    if not permissions.can_somewhere(request.user, "network.view"):
        raise PermissionDenied
    context = {
        "groups": queries.groups(request.user),
        "coordinator": permissions.can(request.user, "network.coordinate"),
        "mine": queries.actions_owned(request.user).open()[:50],
    }
    return render(request, "network/groups.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    form = forms.GroupForm(request.POST or None, groups=queries.groups(request.user))
    if request.method == "POST" and form.is_valid():
        group = services.group_create(actor=_user(request), **form.cleaned_data)
        return redirect("network:group", uuid=group.uuid)
    return render(request, "network/form.html", {"form": form, "title": _("New group")})


@login_required
@require_http_methods(["GET"])
def group(request: HttpRequest, uuid: Any) -> HttpResponse:
    found = queries.group_for(request.user, uuid)
    context = {
        "group": found,
        "meetings": queries.meetings_of(found),
        "coordinator": permissions.can(request.user, "network.coordinate"),
    }
    return render(request, "network/group.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, uuid: Any) -> HttpResponse:
    found = queries.group_for(request.user, uuid)
    _require_coordinator(request)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_create(actor=_user(request), group=found, **form.cleaned_data)
        return redirect("network:meeting", uuid=meeting.uuid)
    title = _("New meeting of %(group)s") % {"group": found.name}
    return render(request, "network/form.html", {"form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request: HttpRequest, uuid: Any) -> HttpResponse:
    found = queries.meeting_for(request.user, uuid)
    coordinator = permissions.can(request.user, "network.coordinate")
    record_form = forms.RecordForm(
        initial={
            "status": found.status,
            "attending": list(found.attending.all()),
            "agenda": found.agenda,
            "minutes": found.minutes,
        }
    )
    decision_form = forms.DecisionForm()
    action_form = forms.ActionForm(meeting=found)
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        posted = request.POST.get("form")
        try:
            if posted == "record":
                record_form = forms.RecordForm(request.POST)
                if record_form.is_valid():
                    services.meeting_record(
                        actor=_user(request), meeting=found, **record_form.cleaned_data
                    )
                    messages.success(request, _("Saved."))
                    return redirect("network:meeting", uuid=found.uuid)
            elif posted == "decision":
                decision_form = forms.DecisionForm(request.POST)
                if decision_form.is_valid():
                    services.decision_add(
                        actor=_user(request), meeting=found, **decision_form.cleaned_data
                    )
                    messages.success(request, _("The decision was logged."))
                    return redirect("network:meeting", uuid=found.uuid)
            elif posted == "action":
                action_form = forms.ActionForm(request.POST, meeting=found)
                if action_form.is_valid():
                    services.action_add(
                        actor=_user(request), meeting=found, **action_form.cleaned_data
                    )
                    messages.success(request, _("The action point was added."))
                    return redirect("network:meeting", uuid=found.uuid)
        except ValidationError as exc:
            _errors(action_form if posted == "action" else decision_form, exc)
    context = {
        "meeting": found,
        "coordinator": coordinator,
        "record_form": record_form,
        "decision_form": decision_form,
        "action_form": action_form,
        "status_form": forms.ActionStatusForm(),
    }
    return render(request, "network/meeting.html", context)


@login_required
@require_http_methods(["GET"])
def actions(request: HttpRequest) -> HttpResponse:
    coordinator = permissions.can(request.user, "network.coordinate")
    if not permissions.can_somewhere(request.user, "network.view"):
        raise PermissionDenied
    show = request.GET.get("show", "overdue")
    rows = queries.all_actions(request.user) if coordinator else queries.actions_owned(request.user)
    rows = rows.overdue() if show == "overdue" else rows.open() if show == "open" else rows
    page = Paginator(rows.order_by("due_on"), 50).get_page(request.GET.get("page"))
    context = {"page": page, "show": show, "status_form": forms.ActionStatusForm()}
    return render(request, "network/actions.html", context)


@login_required
@require_POST
def action_status(request: HttpRequest, uuid: Any) -> HttpResponse:
    action = queries.action_for(request.user, uuid)
    form = forms.ActionStatusForm(request.POST)
    if form.is_valid():
        services.action_update(actor=_user(request), action=action, **form.cleaned_data)
        messages.success(request, _("Saved."))
    back = request.POST.get("back", "")
    if back == "actions":
        return redirect("network:actions")
    return redirect("network:meeting", uuid=action.meeting.uuid)


@require_http_methods(["GET"])
def decisions(request: HttpRequest) -> HttpResponse:
    """The key decisions the coordinator made public: for anyone."""
    page = Paginator(queries.public_decisions(), 30).get_page(request.GET.get("page"))
    return render(request, "network/decisions.html", {"page": page})


@login_required
@require_http_methods(["GET"])
def reminders(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    page = Paginator(queries.reminders_sent(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "network/reminders.html", {"page": page})


# --- advocacy -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def advocacy(request: HttpRequest) -> HttpResponse:
    if not permissions.can_somewhere(request.user, "network.view"):
        raise PermissionDenied
    coordinator = permissions.can(request.user, "network.coordinate")
    form = forms.GoalForm(request.POST or None)
    if request.method == "POST":
        _require_coordinator(request)
        if form.is_valid():
            goal = services.goal_create(actor=_user(request), **form.cleaned_data)
            return redirect("network:goal", uuid=goal.uuid)
    context = {"goals": queries.goals(request.user), "form": form, "coordinator": coordinator}
    return render(request, "network/advocacy.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def goal(request: HttpRequest, uuid: Any) -> HttpResponse:
    found = queries.goal_for(request.user, uuid)
    coordinator = permissions.can(request.user, "network.coordinate")
    form = forms.MilestoneForm(request.POST if "milestone" in request.POST else None)
    if request.method == "POST":
        _require_coordinator(request)
        try:
            if "status" in request.POST:
                status_form = forms.GoalStatusForm(request.POST)
                if status_form.is_valid():
                    services.goal_update(
                        actor=_user(request), goal=found, **status_form.cleaned_data
                    )
                    return redirect("network:goal", uuid=found.uuid)
            elif form.is_valid():
                services.milestone_add(actor=_user(request), goal=found, **form.cleaned_data)
                return redirect("network:goal", uuid=found.uuid)
        except ValidationError as exc:
            _errors(form, exc)
    context = {
        "goal": found,
        "form": form,
        "coordinator": coordinator,
        "status_form": forms.GoalStatusForm(initial={"status": found.status}),
    }
    return render(request, "network/goal.html", context)
