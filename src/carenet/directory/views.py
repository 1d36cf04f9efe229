"""Directory pages: thin views over `forms`, `queries` and `services`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carenet.core import permissions
from carenet.directory import presentation, queries, reference, services
from carenet.directory.forms import (
    DraftPublishForm,
    SearchForm,
    ServiceForm,
    SiteForm,
    resolve_place,
)

PAGE_SIZE = 20
# Public pages are compressed here (the project has no GZipMiddleware): a results page with
# its map is ~30 KB of HTML, ~7 KB gzipped. CSRF tokens are masked per response (BREACH).


def _search_query(params: Any) -> str:
    """The search's own parameters of a query string, URL-encoded ("" when none): result
    links carry them so that the service page leads back to the same search."""
    return urlencode(
        [(k, v) for k in SearchForm.base_fields if k != "page" for v in params.getlist(k) if v]
    )


@require_GET
@gzip_page
def search(request: HttpRequest) -> HttpResponse:
    """The public search: works without JavaScript; htmx swaps in only the results."""
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "matches": None, "terms": reference.version()}
    if form.is_bound and form.is_valid() and not form.is_empty() and not form.place_choices:
        page = form.cleaned_data.get("page") or 1
        found = queries.search_rows(
            form.filters(), limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
        )
        matches = found[:PAGE_SIZE]
        params = request.GET.copy()
        params["page"] = str(page + 1)
        query = _search_query(request.GET)
        results_map = presentation.results_map(matches, form.area, query)
        context |= {
            "matches": matches,
            "results": presentation.result_list(matches, query),
            "area": form.area,
            "next_url": "?" + params.urlencode() if len(found) > PAGE_SIZE else "",
            "shown_to": (page - 1) * PAGE_SIZE + len(matches),
            "print_url": (reverse("directory:print") + "?" + urlencode({"place": form.area.pcode}))
            if form.area
            else "",
        }
        if results_map is not None:
            context |= {
                "map": results_map.svg,
                "located": results_map.located,
                "map_regions": results_map.regions,
                "remote": results_map.remote,
            }
    elif form.is_bound and form.is_valid():
        context["place_choices"] = form.place_choices
        # Search pressed with nothing in it: say what to do rather than show nothing.
        context["empty_search"] = form.is_empty()
    htmx = bool(getattr(request, "htmx", False))  # django-htmx sets it on every request
    template = "directory/_results.html" if htmx else "directory/search.html"
    return render(request, template, context)


@require_GET
@gzip_page
def service_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    """Everything a person needs to go there or call: public, no sign-in. The search that
    led here (its parameters ride along in the query string) is where "back" goes."""
    service = queries.public_service(uuid)
    query = _search_query(request.GET)
    return render(
        request,
        "directory/service.html",
        {
            "service": service,
            "facts": presentation.service_facts(service),
            "schedule": presentation.schedule_rows(service.schedule),
            "map": presentation.sites_map(service),
            "can_edit": permissions.can(request.user, "directory.edit", service.organisation),
            "back_url": reverse("directory:search")
            + (f"?{query}#s-{service.uuid}" if query else ""),
        },
    )


@require_GET
@gzip_page
def print_list(request: HttpRequest) -> HttpResponse:
    """A printable one-page referral list of the services in an area."""
    area, choices = resolve_place(request.GET.get("place", ""))
    matches = queries.referral_list(area) if area is not None else []
    return render(
        request,
        "directory/print.html",
        {
            "area": area,
            "place_choices": choices,
            "matches": matches,
            "place": request.GET.get("place", ""),
        },
    )


# --- signed-in: the organisation's own listings --------------------------------------------


@require_GET
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The acting organisation's services and sites, with their stale flags."""
    org = getattr(request, "acting_organisation", None)
    if org is None or not permissions.can(request.user, "directory.view", org):
        if permissions.is_coordinator(request.user):
            return redirect("directory:stale")
        permissions.require(request.user, "directory.view", org, hide=False)
    listings = (
        queries.services_for_user(request.user, "directory.view")
        .filter(organisation=org)
        .order_by("name_en")
    )
    sites = queries.sites_for_user(request.user, "directory.view").filter(organisation=org)
    return render(
        request,
        "directory/manage.html",
        {
            "organisation": org,
            "listings": listings,
            "sites": sites,
            "can_edit": permissions.can(request.user, "directory.edit", org),
            "stale_days": presentation.stale_days(),
        },
    )


def _acting_for_edit(request: HttpRequest) -> Any:
    """New listings belong to the organisation the user acts for, and only there."""
    org = getattr(request, "acting_organisation", None)
    if org is None:
        raise PermissionDenied
    permissions.require(request.user, "directory.edit", org, hide=False)
    return org


@require_http_methods(["GET", "POST"])
@login_required
def service_new(request: HttpRequest) -> HttpResponse:
    org = _acting_for_edit(request)
    form = ServiceForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        service = services.service_create(
            actor=request.user,
            organisation=org,
            data=form.service_data(),
            m2m=form.m2m(),
            sites=form.sites(),
            areas=form.areas(),
            request=request,
        )
        messages.success(request, _("The service was added."))
        return redirect("directory:service", uuid=service.uuid)
    return render(request, "directory/service_form.html", {"form": form, "organisation": org})


@require_http_methods(["GET", "POST"])
@login_required
def service_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    service = queries.service_for_user(request.user, uuid, "directory.edit")
    form = ServiceForm(request.POST or None, instance=service, organisation=service.organisation)
    if request.method == "POST" and form.is_valid():
        changed = services.service_update(
            actor=request.user,
            service=service,
            data=form.service_data(),
            m2m=form.m2m(),
            sites=form.sites(),
            areas=form.areas(),
            request=request,
        )
        messages.success(request, _("Saved.") if changed else _("Nothing changed."))
        return redirect("directory:manage")
    return render(
        request,
        "directory/service_form.html",
        {"form": form, "service": service, "organisation": service.organisation},
    )


@require_POST
@login_required
def service_verify(request: HttpRequest, uuid: str) -> HttpResponse:
    service = queries.service_for_user(request.user, uuid, "directory.edit")
    services.service_verify(actor=request.user, service=service, request=request)
    messages.success(request, _("Marked as verified today."))
    return redirect("directory:manage")


@require_http_methods(["GET", "POST"])
@login_required
def site_new(request: HttpRequest) -> HttpResponse:
    org = _acting_for_edit(request)
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.site_create(
            actor=request.user, organisation=org, data=form.site_data(), request=request
        )
        messages.success(request, _("The site was added."))
        return redirect("directory:manage")
    return render(request, "directory/site_form.html", {"form": form, "organisation": org})


@require_http_methods(["GET", "POST"])
@login_required
def site_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    site = queries.site_for_user(request.user, uuid, "directory.edit")
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(
                actor=request.user, site=site, data=form.site_data(), request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("directory:manage")
    return render(
        request,
        "directory/site_form.html",
        {"form": form, "site": site, "organisation": site.organisation},
    )


@require_GET
@login_required
def stale(request: HttpRequest) -> HttpResponse:
    """Coordinators: listings nobody has verified for CARENET_STALE_AFTER_DAYS."""
    if not permissions.is_coordinator(request.user):
        raise PermissionDenied
    page = Paginator(queries.stale_services(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request, "directory/stale.html", {"page": page, "stale_days": presentation.stale_days()}
    )


# --- drafts an import kept for review -------------------------------------------------------

DRAFTS_PAGE_SIZE = 25


def _require_reviewer(request: HttpRequest) -> None:
    if not permissions.can_somewhere(request.user, "directory.publish"):
        raise PermissionDenied


@require_GET
@login_required
def drafts(request: HttpRequest) -> HttpResponse:
    """The drafts the user reviews: why each is a draft, the import that kept it, actions."""
    _require_reviewer(request)
    page = Paginator(queries.drafts_for_user(request.user), DRAFTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory/drafts.html",
        {"page": page, "rows": queries.draft_rows(list(page.object_list))},
    )


@require_http_methods(["GET", "POST"])
@login_required
def draft_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    """One draft: what it says, why it is a draft; place it and publish it."""
    service = queries.draft_for_user(request.user, uuid)
    row = queries.draft_rows([service])[0]
    form = DraftPublishForm(request.POST or None, placed=row.placed)
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_publish(
                actor=request.user,
                service=service,
                area=form.cleaned_data.get("area"),
                request=request,
            )
        except ValidationError as exc:
            form.add_error("area", exc)
        else:
            messages.success(request, _("The service is published."))
            return redirect("directory:drafts")
    return render(
        request,
        "directory/draft.html",
        {
            "service": service,
            "row": row,
            "form": form,
            "facts": presentation.service_facts(service),
            "can_edit": permissions.can(request.user, "directory.edit", service.organisation),
        },
    )


@require_POST
@login_required
def draft_reject(request: HttpRequest, uuid: str) -> HttpResponse:
    service = queries.draft_for_user(request.user, uuid)
    services.draft_reject(actor=request.user, service=service, request=request)
    messages.success(request, _("The draft was deleted."))
    return redirect("directory:drafts")
