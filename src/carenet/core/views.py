from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from carenet.core import nav, permissions, queries
from carenet.core.models import AuditAction


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    items = nav.items_for(request)
    notices = nav.notices_for(request)
    return render(request, "core/home.html", {"items": items, "notices": notices})


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


@require_GET
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "audit.view", hide=False)
    action = request.GET.get("action", "")
    if action not in AuditAction.values:
        action = ""
    page = Paginator(queries.audit_entries_for(request.user, action), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "action": action, "actions": AuditAction.choices},
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
