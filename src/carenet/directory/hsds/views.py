"""Downloads of the public directory in HSDS 3.0 formats (public, like the HSDS API)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from carenet.directory.hsds import exchange as hsds_exchange


@require_GET
def export_zip(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(hsds_exchange.export_zip(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="carenet-hsds-datapackage.zip"'
    return response


@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    body = json.dumps(hsds_exchange.export_json(), ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="carenet-hsds.json"'
    return response
