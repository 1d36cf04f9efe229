"""Support spaces: what they offer and their readiness checklist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from carenet.community import queries, services
from carenet.community.forms import ChecklistForm, SpaceForm
from carenet.community.views.common import (
    actor,
    can_record,
    community_initial,
    form_error,
    new_page,
    require_app,
    require_edit_somewhere,
    saved,
    today,
)
from carenet.core import versions


@require_GET
@login_required
def space_list(request: HttpRequest) -> HttpResponse:
    require_app(request)
    qs = queries.spaces_for(request.user).prefetch_related("offers", "checklist")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [(s, queries.readiness_of(s)) for s in page]
    return render(
        request,
        "community/space_list.html",
        {"page": page, "rows": rows, "can_edit": can_record(request)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def space_new(request: HttpRequest) -> HttpResponse:
    require_edit_somewhere(request)
    form = SpaceForm(request.POST or None, user=request.user, initial=community_initial(request))
    return new_page(
        request,
        form,
        lambda: services.space_create(
            actor=actor(request),
            community=form.cleaned_data["community"],
            organisation=form.cleaned_data["organisation"],
            offers=list(form.cleaned_data["offers"]),
            **form.space_fields(),
        ),
        done=_("The support space was recorded. Fill in its readiness checklist."),
        detail="community:space",
        template="community/space_form.html",
    )


@require_GET
@login_required
def space_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    space = queries.space_for(request.user, uuid)
    context = {
        "space": space,
        "offers": list(space.offers.all()),
        "readiness": queries.readiness_of(space),
        "can_edit": queries.editable(request.user, space),
    }
    return render(request, "community/space.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def space_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    space = queries.space_for(request.user, uuid, queries.EDIT)
    initial = {
        "name": space.name,
        "opened_on": space.opened_on,
        "notes": space.notes,
        "site": space.site_id,
        "implementation": space.implementation_id,
        "offers": [o.pk for o in space.offers.all()],
    }
    form = SpaceForm(request.POST or None, user=request.user, space=space, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.space_update(
                actor=actor(request),
                space=space,
                offers=list(form.cleaned_data["offers"]),
                **form.space_fields(),
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            saved(request, _("Saved."))
            return redirect("community:space", uuid=space.uuid)
    return render(request, "community/space_form.html", {"form": form, "space": space})


@require_http_methods(["GET", "POST"])
@login_required
def checklist(request: HttpRequest, uuid: str) -> HttpResponse:
    space = queries.space_for(request.user, uuid, queries.EDIT)
    readiness = queries.readiness_of(space)
    initial = {}
    for item, answer in readiness.items:
        if answer is not None:
            initial[f"done_{item.code}"] = answer.done
            initial[f"note_{item.code}"] = answer.note
    form = ChecklistForm(
        request.POST or None, items=[i for i, _a in readiness.items], initial=initial
    )
    version = versions.version_of(sorted(initial.items()))
    if request.method == "POST" and form.is_valid():
        versions.check_version(request, version)  # sent late from a device: never overwrite
        services.checklist_save(
            actor=actor(request), space=space, answers=form.answers(), today=today()
        )
        saved(request, _("Checklist saved."))
        return redirect("community:space", uuid=space.uuid)
    return render(
        request,
        "community/checklist_form.html",
        {"form": form, "space": space, "version": version},
    )
