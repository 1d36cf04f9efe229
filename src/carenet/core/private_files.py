"""Sending uploaded files, which are private: only from a view that has checked access.

`MEDIA_ROOT` is never served as a directory, in any mode (no `/media/` URL): an evidence
file or a private community's document is reached only through its app's download view,
which asks `core.permissions` and audits, then calls `file_response`. By default Django
streams the file; in production the web server can send it instead, with the view still
deciding who may have it (setting `CARENET_SENDFILE`, see docs/configuration.md):

* `x-accel-redirect` (nginx): the response carries `X-Accel-Redirect: /protected-media/<name>`
  and nginx serves that location, which must be `internal;` (unreachable from outside);
* `x-sendfile` (Apache mod_xsendfile, lighttpd): `X-Sendfile: <absolute path>`.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.files.base import File
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

ACCEL_PREFIX = "/protected-media/"


def file_response(
    stored: File, *, filename: str, content_type: str = "application/octet-stream"
) -> HttpResponseBase:
    """The response that hands `stored` (a FileField's file) to the user as a download."""
    mode = str(getattr(settings, "CARENET_SENDFILE", "") or "").lower()
    response: HttpResponseBase
    if mode in ("x-accel-redirect", "x-sendfile"):
        response = HttpResponse(content_type=content_type)
        if mode == "x-accel-redirect":
            response["X-Accel-Redirect"] = ACCEL_PREFIX + quote(str(stored.name))
        else:
            response["X-Sendfile"] = str(stored.path)  # type: ignore[attr-defined]
        response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    else:
        response = FileResponse(
            stored.open("rb"), as_attachment=True, filename=filename, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
