"""Views of the peer app: thin (parse, authorise through queries, call a service, render)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carenet.accounts.models import Organisation, User
from carenet.core import antispam, permissions
from carenet.peer import forms, queries, services


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _acting(request: HttpRequest, action: str) -> Organisation:
    org = getattr(request, "acting_organisation", None)
    if org is None or not permissions.acts_for(request.user, action, org):
        raise Http404
    return cast("Organisation", org)


def _failed(form: Any, exc: ValidationError) -> None:
    form.add_error(None, _("This could not be saved: please check the values."))


# --- groups -------------------------------------------------------------------------------


@login_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_somewhere(request.user, "peer.view"):
        raise Http404
    org = getattr(request, "acting_organisation", None)
    return render(
        request,
        "peer/group_list.html",
        {
            "groups": queries.groups_for(request.user).order_by("organisation__acronym", "name")[
                :200
            ],
            "may_manage": org is not None
            and permissions.acts_for(request.user, "peer.manage", org),
            "may_volunteers": bool(queries.volunteer_orgs(request.user)),
        },
    )


def _group_form(request: HttpRequest, org: Organisation, instance: Any = None) -> forms.GroupForm:
    return forms.GroupForm(
        request.POST or None,
        instance=instance,
        sites=queries.sites_of(org),
        people=queries.members_of(org),
        cops=queries.supervision_cops(request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    org = _acting(request, "peer.manage")
    form = _group_form(request, org)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        group = services.group_create(
            actor=_user(request), organisation=org, data=data, request=request
        )
        messages.success(request, _("The group was created."))
        return redirect("peer:group", uuid=group.uuid)
    return render(request, "peer/form.html", {"form": form, "title": _("New peer group")})


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, uuid: Any) -> HttpResponse:
    group = queries.group_to_manage(request.user, uuid)
    form = _group_form(request, group.organisation, instance=group)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        group.refresh_from_db()  # the form set the values on the instance: compare to stored
        services.group_update(actor=_user(request), group=group, data=data, request=request)
        messages.success(request, _("Saved."))
        return redirect("peer:group", uuid=group.uuid)
    return render(request, "peer/form.html", {"form": form, "title": group.name})


@login_required
@require_GET
def group_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    group = queries.group_for(request.user, uuid)
    may_manage = permissions.acts_for(request.user, "peer.manage", group.organisation)
    context: dict[str, Any] = {
        "group": group,
        "facilitators": queries.facilitators_of(group),
        "meetings": queries.meetings_of(group)[:30],
        "may_manage": may_manage,
        "today": timezone.localdate(),
    }
    if may_manage:
        context["facilitator_form"] = forms.FacilitatorForm(
            volunteers=queries.active_volunteers(group.organisation)
        )
        context["plan_form"] = forms.PlanForm(initial={"start": timezone.localdate()})
        context["meeting_form"] = forms.MeetingForm()
    return render(request, "peer/group_detail.html", context)


@login_required
@require_POST
def facilitator_add(request: HttpRequest, uuid: Any) -> HttpResponse:
    group = queries.group_to_manage(request.user, uuid)
    form = forms.FacilitatorForm(
        request.POST, volunteers=queries.active_volunteers(group.organisation)
    )
    if form.is_valid():
        services.facilitator_add(
            actor=_user(request), group=group, volunteer=form.cleaned_data["volunteer"]
        )
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose an active volunteer of the organisation."))
    return redirect("peer:group", uuid=group.uuid)


@login_required
@require_POST
def meetings_plan(request: HttpRequest, uuid: Any) -> HttpResponse:
    group = queries.group_to_manage(request.user, uuid)
    form = forms.PlanForm(request.POST)
    if form.is_valid():
        made = services.meetings_plan(actor=_user(request), group=group, **form.cleaned_data)
        messages.success(request, _("%(n)d meetings planned.") % {"n": len(made)})
    else:
        messages.error(request, _("Check the dates and numbers of the plan."))
    return redirect("peer:group", uuid=group.uuid)


@login_required
@require_POST
def meeting_record(request: HttpRequest, uuid: Any) -> HttpResponse:
    meeting = queries.meeting_to_manage(request.user, uuid)
    form = forms.MeetingForm(request.POST)
    if form.is_valid():
        services.meeting_record(
            actor=_user(request),
            meeting=meeting,
            head_count=form.cleaned_data["head_count"],
            newcomers=form.cleaned_data["newcomers"],
        )
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("There cannot be more newcomers than people present."))
    return redirect("peer:group", uuid=meeting.group.uuid)


# --- volunteers ---------------------------------------------------------------------------


@login_required
@require_GET
def volunteer_list(request: HttpRequest) -> HttpResponse:
    org = _acting(request, "peer.volunteers")
    volunteers = list(queries.volunteers_for(request.user).filter(organisation=org))
    return render(
        request,
        "peer/volunteer_list.html",
        {
            "organisation": org,
            "volunteers": volunteers,
            "retention": queries.retention(volunteers),
            "succession": queries.succession(org),
            "form": forms.InviteForm(),
        },
    )


@login_required
@require_POST
def volunteer_invite(request: HttpRequest) -> HttpResponse:
    org = _acting(request, "peer.volunteers")
    form = forms.InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the volunteer's name (plain text)."))
        return redirect("peer:volunteers")
    volunteer = services.volunteer_invite(
        actor=_user(request),
        organisation=org,
        full_name=form.cleaned_data["full_name"],
        contact=form.cleaned_data["contact"],
        applied_on=form.cleaned_data["applied_on"],
    )
    return redirect("peer:volunteer", uuid=volunteer.uuid)


def _volunteer_forms(volunteer: Any, data: Any = None) -> dict[str, Any]:
    return {
        "screening": forms.ScreeningForm(data if data and "step" in data else None),
        "status": forms.StatusForm(data if data and "status" in data else None),
        "assignment": forms.AssignmentForm(
            data if data and "role" in data else None,
            sites=queries.sites_of(volunteer.organisation),
            groups=queries.groups_of(volunteer.organisation),
        ),
        "hours": forms.HoursForm(data if data and "hours" in data else None),
    }


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    volunteer = queries.volunteer_for(request.user, uuid)
    bound = _volunteer_forms(volunteer, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        actor = _user(request)
        try:
            for name, form in bound.items():
                if form.is_bound and form.is_valid():
                    _apply(name, actor, volunteer, form.cleaned_data)
                    messages.success(request, _("Saved."))
                    return redirect("peer:volunteer", uuid=volunteer.uuid)
        except ValidationError as exc:
            _failed(next(f for f in bound.values() if f.is_bound), exc)
    return render(
        request,
        "peer/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "forms": bound,
            "screenings": volunteer.screenings.all(),
            "assignments": volunteer.assignments.select_related("site", "group"),
            "hours": volunteer.hours.all()[:20],
            "total_hours": queries.hours_total(volunteer),
            "trainings": queries.trainings_of(volunteer),
        },
    )


def _apply(name: str, actor: User, volunteer: Any, data: dict[str, Any]) -> None:
    if name == "screening":
        services.screening_record(actor=actor, volunteer=volunteer, **data)
    elif name == "status":
        services.volunteer_set_status(actor=actor, volunteer=volunteer, **data)
    elif name == "assignment":
        services.assignment_add(actor=actor, volunteer=volunteer, **data)
    else:
        services.hours_log(actor=actor, volunteer=volunteer, **data)


@login_required
@require_GET
def certificate(request: HttpRequest, uuid: Any) -> HttpResponse:
    """A printable certificate of service: roles, period and hours served."""
    volunteer = queries.volunteer_for(request.user, uuid)
    if volunteer.started_on is None:
        raise Http404
    return render(
        request,
        "peer/certificate.html",
        {
            "volunteer": volunteer,
            "assignments": volunteer.assignments.select_related("site", "group"),
            "total_hours": queries.hours_total(volunteer),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The public application form of an organisation (no account needed)."""
    organisation = queries.public_organisation(uuid)
    form = forms.ApplyForm(request.POST or None, target=str(organisation.uuid))
    status = 200
    if request.method == "POST":
        if antispam.over_limit(request):
            form.add_error(
                None, _("Too many forms were sent from this connection. Please try again later.")
            )
            status = 429
        elif form.is_valid():
            services.volunteer_apply(
                organisation=organisation,
                full_name=form.cleaned_data["full_name"],
                contact=form.cleaned_data["contact"],
                motivation=form.cleaned_data["motivation"],
            )
            return render(request, "peer/applied.html", {"organisation": organisation})
        else:
            status = 400
        data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict when bound
        data["token"] = form.fresh_token()
        form.data = data
    return render(
        request, "peer/apply.html", {"form": form, "organisation": organisation}, status=status
    )
