"""Private files leave only through an access-checked view, in every mode; the 404 page says
nothing about whether a private community's object exists, in development too."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from carenet.conftest import People, client_for
from carenet.cop import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def notes(people: People, private_cop: Any) -> Any:
    return services.resource_add(
        actor=people.practitioner,
        cop=private_cop,
        title="Notes",
        language="en",
        upload=SimpleUploadedFile("notes.txt", b"supervision topics"),
    )


@pytest.mark.parametrize("debug", [True, False])
def test_no_url_serves_the_media_directory(
    people: People, notes: Any, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug
    for client in (Client(), client_for(people.focal_point)):  # anonymous, a member
        response = client.get(f"/media/{notes.file.name}")
        assert response.status_code == 404
        assert b"supervision topics" not in response.content


@pytest.mark.parametrize("mode", ["x-accel-redirect", "x-sendfile"])
def test_production_hands_the_checked_file_to_the_web_server(
    people: People, notes: Any, settings: Any, mode: str
) -> None:
    settings.CARENET_SENDFILE = mode
    url = reverse("cop:resource_download", args=[notes.uuid])
    assert client_for(people.outsider).get(url).status_code == 404  # still checked first
    response = client_for(people.focal_point).get(url)
    assert response.status_code == 200 and response.content == b""
    if mode == "x-accel-redirect":
        assert response["X-Accel-Redirect"] == f"/protected-media/{notes.file.name}"
    else:
        assert response["X-Sendfile"] == str(Path(settings.MEDIA_ROOT) / notes.file.name)
    assert 'filename="notes.txt"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def _bare(page: bytes) -> str:
    """The page without its CSRF tokens and the asked URL (the language switcher's)."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.decode())
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID", text)


def test_in_development_a_private_object_and_a_missing_one_look_the_same(
    people: People, notes: Any, settings: Any
) -> None:
    settings.DEBUG = True
    outsider = client_for(people.outsider)
    hidden = outsider.get(reverse("cop:resource_download", args=[notes.uuid]))
    missing = outsider.get(reverse("cop:resource_download", args=[uuid.uuid4()]))
    assert hidden.status_code == missing.status_code == 404
    assert _bare(hidden.content) == _bare(missing.content)
    assert "Traceback" not in hidden.content.decode() and "Raised by" not in _bare(hidden.content)
