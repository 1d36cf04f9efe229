"""The Content-Security-Policy header: django-csp's middleware with the settings' policy."""

from __future__ import annotations

from csp.utils import build_policy
from django.test import override_settings


def test_every_page_gets_the_settings_policy(client, db):
    first, second = client.get("/"), client.get("/services/")
    assert first["Content-Security-Policy"] == build_policy()
    assert second["Content-Security-Policy"] == build_policy()
    assert "default-src 'self'" in first["Content-Security-Policy"]
    assert "script-src 'self'" in first["Content-Security-Policy"]


def test_a_changed_setting_changes_the_header(client, db):
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        assert client.get("/services/")["Content-Security-Policy"] == "default-src 'none'"
    assert "script-src 'self'" in client.get("/services/")["Content-Security-Policy"]
