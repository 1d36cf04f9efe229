"""The Content-Security-Policy header: django-csp's policy, built once."""

from __future__ import annotations

from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from carenet.core.middleware import ContentSecurityPolicyMiddleware


def _through(response: HttpResponse) -> HttpResponse:
    middleware = ContentSecurityPolicyMiddleware(lambda request: response)
    return middleware(RequestFactory().get("/"))


def test_every_page_gets_the_settings_policy(client, db):
    first, second = client.get("/"), client.get("/services/")
    assert first["Content-Security-Policy"] == build_policy()
    assert second["Content-Security-Policy"] == build_policy()
    assert "default-src 'self'" in first["Content-Security-Policy"]


def test_a_changed_setting_changes_the_header():
    assert "script-src 'self'" in _through(HttpResponse())["Content-Security-Policy"]
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        assert _through(HttpResponse())["Content-Security-Policy"] == "default-src 'none'"
    assert "script-src 'self'" in _through(HttpResponse())["Content-Security-Policy"]


def test_a_customised_response_goes_through_django_csp():
    updated = HttpResponse()
    updated._csp_update = {"img-src": ["https://tiles.example.org"]}
    header = _through(updated)["Content-Security-Policy"]
    assert "https://tiles.example.org" in header and "'self'" in header
    exempt = HttpResponse()
    exempt._csp_exempt = True
    assert "Content-Security-Policy" not in _through(exempt)


def test_a_header_set_by_the_view_is_kept():
    own = HttpResponse()
    own["Content-Security-Policy"] = "default-src 'none'"
    assert _through(own)["Content-Security-Policy"] == "default-src 'none'"
