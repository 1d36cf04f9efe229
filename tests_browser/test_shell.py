"""The web shell in a real browser: sign in, switch language, phone width, accessibility."""

from __future__ import annotations

import pytest

from carenet.accounts import services
from carenet.accounts.models import User
from tests_browser.conftest import axe_violations, screenshot, sign_in

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def coordinator(transactional_db: None) -> User:
    user = User.objects.create_user(
        "coordinator@carenet.demo", PASSWORD, full_name="Olena Coordinator"
    )
    services.coordinator_grant(actor=None, user=user)
    return user


def test_coordinator_signs_in_and_sees_the_home_page_in_ukrainian(page, coordinator, settings):
    settings.CARENET_REQUIRE_2FA = False
    sign_in(page, coordinator.email, PASSWORD)
    assert "Olena Coordinator" in page.inner_text("h1")
    page.select_option("#lang-select", "uk")
    page.click("form.lang button[type=submit]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "uk"
    assert "Що ви можете зробити" in page.inner_text("main")
    screenshot(page, "home-uk-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_public_home_and_sign_in_pass_axe(page, transactional_db):
    for path in ("/", "/accounts/sign-in/", "/about/"):
        page.goto(page.base + path)
        assert axe_violations(page) == [], path
