"""Supervision logs, the resource library and discussion threads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carenet.cop import forms, services
from carenet.cop.models import ResourceKind
from carenet.cop.queries import community as queries
from carenet.cop.views.common import apply_errors, flags, require_network, user
from carenet.core import audit, private_files, uploads
from carenet.core.models import AuditAction


@login_required
@require_http_methods(["GET"])
def supervision_list(request: HttpRequest) -> HttpResponse:
    require_network(request)
    page = Paginator(queries.supervision_logs_for(request.user), 30).get_page(
        request.GET.get("page")
    )
    with transaction.atomic():
        audit.record(AuditAction.VIEW, actor=user(request), detail="own supervision logs")
    return render(request, "cop/supervision_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def supervision_new(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = queries.cop_for(request.user, uuid, "cop.supervise")
    form = forms.SupervisionLogForm(request.POST or None, cop=cop, actor=user(request))
    if request.method == "POST" and form.is_valid():
        try:
            log = services.supervision_log_create(actor=user(request), cop=cop, **form.cleaned_data)
            messages.success(request, _("The supervision session was logged."))
            return redirect("cop:supervision", uuid=log.uuid)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "cop/supervision_form.html", {"form": form, "cop": cop})


@login_required
@require_http_methods(["GET"])
def supervision_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    log = queries.supervision_log_for(request.user, uuid)
    with transaction.atomic():
        services.supervision_log_viewed(actor=user(request), log=log)
    return render(request, "cop/supervision_detail.html", {"log": log})


def _search(request: HttpRequest) -> forms.LibrarySearchForm:
    form = forms.LibrarySearchForm(request.GET or None)
    form.is_valid()
    return form


def _query(form: forms.LibrarySearchForm) -> str:
    data = getattr(form, "cleaned_data", {})
    return urlencode({k: v for k, v in data.items() if v})


def _filters(form: forms.LibrarySearchForm) -> dict[str, str]:
    data = getattr(form, "cleaned_data", {})
    return {
        "text": data.get("q", ""),
        "tag": data.get("tag", ""),
        "language": data.get("language", ""),
    }


@login_required
@require_http_methods(["GET"])
def library(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = queries.cop_for(request.user, uuid)
    form = _search(request)
    page = Paginator(queries.library_for(request.user, cop, **_filters(form)), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cop/library.html",
        {
            "cop": cop,
            "can": flags(request.user, cop),
            "form": form,
            "page": page,
            "query": _query(form),
        },
    )


@login_required
@require_http_methods(["GET"])
def network_library(request: HttpRequest) -> HttpResponse:
    require_network(request)
    form = _search(request)
    page = Paginator(queries.library_for(request.user, None, **_filters(form)), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "cop/library.html", {"form": form, "page": page, "query": _query(form)})


@login_required
@require_http_methods(["GET", "POST"])
def resource_new(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = queries.cop_for(request.user, uuid, "cop.contribute")
    form = forms.ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.resource_add(actor=user(request), cop=cop, upload=data.pop("file"), **data)
            messages.success(request, _("The resource was shared."))
            return redirect("cop:library", uuid=cop.uuid)
        except ValidationError as exc:
            form.add_error("file" if exc.code in uploads.CODES else None, exc.messages)
    return render(request, "cop/resource_form.html", {"form": form, "cop": cop})


@login_required
@require_http_methods(["GET"])
def resource_download(request: HttpRequest, uuid: Any) -> HttpResponseBase:
    resource = queries.resource_for(request.user, uuid)
    if resource.kind != ResourceKind.FILE or not resource.file:
        raise Http404
    with transaction.atomic():
        services.resource_viewed(actor=user(request), resource=resource)
    return private_files.file_response(
        resource.file,
        filename=resource.original_name or "document",
        content_type=resource.content_type or "application/octet-stream",
    )


@login_required
@require_POST
def resource_remove(request: HttpRequest, uuid: Any) -> HttpResponse:
    resource = queries.resource_for(request.user, uuid)
    cop_uuid = resource.cop.uuid
    services.resource_remove(actor=user(request), resource=resource)
    messages.success(request, _("The resource was removed."))
    return redirect("cop:library", uuid=cop_uuid)


@login_required
@require_http_methods(["GET"])
def threads(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = queries.cop_for(request.user, uuid)
    page = Paginator(queries.threads_of(cop), 20).get_page(request.GET.get("page"))
    return render(
        request, "cop/threads.html", {"cop": cop, "can": flags(request.user, cop), "page": page}
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_new(request: HttpRequest, uuid: Any) -> HttpResponse:
    cop = queries.cop_for(request.user, uuid, "cop.contribute")
    form = forms.ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_start(actor=user(request), cop=cop, **form.cleaned_data)
            return redirect("cop:thread", uuid=thread.uuid)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "cop/thread_form.html", {"form": form, "cop": cop})


@login_required
@require_http_methods(["GET", "POST"])
def thread_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    thread = queries.thread_for(request.user, uuid)
    can = flags(request.user, thread.cop)
    form = forms.PostForm(request.POST or None)
    if request.method == "POST":
        if not can["contribute"]:
            raise Http404
        if form.is_valid():
            try:
                services.post_reply(actor=user(request), thread=thread, **form.cleaned_data)
                return redirect("cop:thread", uuid=thread.uuid)
            except ValidationError as exc:
                apply_errors(form, exc)
    posts = thread.posts.select_related("author")
    return render(
        request,
        "cop/thread_detail.html",
        {"thread": thread, "cop": thread.cop, "can": can, "posts": posts, "form": form},
    )
