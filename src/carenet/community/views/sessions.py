"""Strategic sessions and their action items."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carenet.community import queries, services
from carenet.community.forms import ActionItemForm, ActionStatusForm, SessionForm
from carenet.community.views.common import (
    actor,
    community_initial,
    list_page,
    new_page,
    require_app,
    require_edit_somewhere,
    saved,
    today,
)


@require_GET
@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    require_app(request)
    qs = queries.sessions_for(request.user).order_by("-held_on", "-id")
    return list_page(request, qs, "community/session_list.html")


@require_http_methods(["GET", "POST"])
@login_required
def session_new(request: HttpRequest) -> HttpResponse:
    require_edit_somewhere(request)
    form = SessionForm(request.POST or None, user=request.user, initial=community_initial(request))
    return new_page(
        request,
        form,
        lambda: services.session_create(
            actor=actor(request),
            community=form.cleaned_data["community"],
            organisation=form.cleaned_data["organisation"],
            participation=form.participation(),
            **form.session_fields(),
        ),
        done=_("The session was recorded. Add its action items."),
        detail="community:session",
        template="community/session_form.html",
    )


@require_GET
@login_required
def session_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    session = queries.session_for(request.user, uuid)
    can_edit = queries.editable(request.user, session)
    items = list(session.action_items.select_related("owner_organisation"))
    context = {
        "session": session,
        "participation": list(session.participation.select_related("sector")),
        "items": items,
        "today": today(),
        "can_edit": can_edit,
        "item_form": ActionItemForm() if can_edit else None,
        "status_form": ActionStatusForm(),
    }
    return render(request, "community/session.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def session_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    session = queries.session_for(request.user, uuid, queries.EDIT)
    initial = {f: getattr(session, f) for f in services.SESSION_FIELDS}
    initial.update(
        {f"p_{p.sector.code}": p.count for p in session.participation.select_related("sector")}
    )
    form = SessionForm(request.POST or None, user=request.user, new=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.session_update(
            actor=actor(request),
            session=session,
            participation=form.participation(),
            **form.session_fields(),
        )
        saved(request, _("Saved."))
        return redirect("community:session", uuid=session.uuid)
    return render(request, "community/session_form.html", {"form": form, "session": session})


@require_POST
@login_required
def action_item_new(request: HttpRequest, uuid: str) -> HttpResponse:
    session = queries.session_for(request.user, uuid, queries.EDIT)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        services.action_item_add(actor=actor(request), session=session, **form.cleaned_data)
        saved(request, _("Action item added."))
        return redirect("community:session", uuid=session.uuid)
    return render(
        request, "community/action_item_form.html", {"form": form, "session": session}, status=400
    )


@require_POST
@login_required
def action_item_status(request: HttpRequest, uuid: str) -> HttpResponse:
    item = queries.action_item_for(request.user, uuid, queries.EDIT)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.action_item_set_status(actor=actor(request), item=item, **form.cleaned_data)
        saved(request, _("Status saved."))
    nxt = request.POST.get("next", "")
    if nxt == "overdue":
        return redirect("community:overdue")
    return redirect("community:session", uuid=item.session.uuid)


@require_GET
@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """Open action items past due, for the coordinators and organisations who follow them."""
    require_app(request)
    qs = queries.overdue_action_items(request.user, today())
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    editable = set(
        queries.action_items_for(request.user, queries.EDIT)
        .filter(pk__in=[i.pk for i in page])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "community/overdue.html",
        {"page": page, "today": today(), "editable": editable, "status_form": ActionStatusForm()},
    )
