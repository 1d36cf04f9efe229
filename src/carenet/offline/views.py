from __future__ import annotations

import base64
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from carenet.core import nav
from carenet.offline import pages


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: CareNet installs on a phone's home screen."""
    data = {
        "name": "CareNet",
        "short_name": "CareNet",
        "description": _("Record sessions, attendance and questionnaires, also offline."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("offline:start"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5cad",
        "icons": [
            {"src": static("carenet/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the root so that it may serve the field pages."""
    assets = [
        static("carenet/carenet.css"),
        static("carenet/vendor/htmx/htmx.min.js"),
        static("offline/offline.js"),
        static("carenet/favicon.svg"),
    ]
    response = render(
        request,
        "offline/sw.js",
        {
            "assets_json": json.dumps(assets),
            "prefixes_json": json.dumps(list(pages.FIELD_PREFIXES)),
            "static_json": json.dumps(static("")),
            "fallback_json": json.dumps(reverse("offline:start")),
        },
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    return response


@never_cache
@require_GET
def entry_key(request: HttpRequest) -> JsonResponse:
    """The signed-in person's entry key and a fresh CSRF token, for the device's queue."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in again to send the waiting entries.")}, status=401)
    key = base64.b64encode(pages.entry_key(request.user.pk)).decode()
    return JsonResponse(
        {"device": pages.device_tag(request.user.pk), "key": key, "csrf": get_token(request)}
    )


@require_GET
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """The installed app's start page, and the page shown offline for a page not kept."""
    items = [item for item in nav.items_for(request) if pages.is_field_page(item.url)]
    return render(request, "offline/start.html", {"items": items})
