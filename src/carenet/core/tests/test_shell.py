"""The web shell: languages, error pages, security headers, settings that fail loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

import carenet
from carenet.conftest import client_for


def test_home_switches_to_ukrainian(people):
    client = client_for(people.coordinator)
    client.post(reverse("set_language"), {"language": "uk", "next": "/"})
    page = client.get("/")
    assert page.context["LANGUAGE_CODE"] == "uk"
    assert 'lang="uk"' in page.content.decode()
    assert "Знайти послугу" in page.content.decode()


def test_home_in_polish_for_anonymous(client):
    client.post(reverse("set_language"), {"language": "pl", "next": "/"})
    assert "Znajdź usługę" in client.get("/").content.decode()


def test_error_pages_are_translated(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 404
    assert "Не знайдено" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/services/?q=a%00b", "/services/api/search?q=%00", "/hsds/services?search=x%00", "/%00/"],
)
def test_nul_character_is_a_translated_bad_request(client, db, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 400
    assert "Неправильний запит" in response.content.decode()


def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_home_shows_what_a_signed_in_person_can_do(people):
    admin_page = client_for(people.org_admin).get("/").content.decode()
    viewer_page = client_for(people.viewer).get("/").content.decode()
    assert reverse("core:audit") in admin_page
    assert reverse("core:audit") not in viewer_page


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def _settings_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "CARENET_FIELD_KEYS", "DEBUG", "CARENET_ENV"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import carenet.settings"],
        env={**clean, **env, "PYTHONPATH": str(Path(carenet.__file__).parent.parent)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _settings_in_subprocess(
        {"CARENET_ENV": "production", "CARENET_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not list(tmp_path.iterdir())  # no key file was made


def test_production_refuses_debug_and_bad_keys(tmp_path):
    result = _settings_in_subprocess(
        {
            "CARENET_ENV": "production",
            "DEBUG": "1",
            "SECRET_KEY": "x" * 50,
            "CARENET_DATA_DIR": str(tmp_path),
        }
    )
    assert "DEBUG must be off" in result.stderr
    result = _settings_in_subprocess(
        {
            "CARENET_ENV": "production",
            "SECRET_KEY": "x" * 50,
            "CARENET_FIELD_KEYS": "not-a-key",
            "CARENET_DATA_DIR": str(tmp_path),
        }
    )
    assert "not a Fernet key" in result.stderr


def test_development_generates_and_keeps_a_local_secret(tmp_path):
    env = {"CARENET_ENV": "development", "CARENET_DATA_DIR": str(tmp_path)}
    assert _settings_in_subprocess(env).returncode == 0
    key_file = tmp_path / ".secret_key"
    first = key_file.read_text()
    assert _settings_in_subprocess(env).returncode == 0
    assert key_file.read_text() == first
    assert oct(key_file.stat().st_mode)[-3:] == "600"
