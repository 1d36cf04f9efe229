"""A practitioner runs a Self-Help Plus cycle: records the delivery, adds participants,
takes attendance, enters baseline and end WHO-5 and PHQ-9, and sees the reliable-change
summary; a coordinator sees only the suppressed dashboard. On a phone-sized screen, through
the pages only (the set-up is made through the services).
"""

from __future__ import annotations

from typing import Any

import pytest

from carenet.accounts import services as account_services
from carenet.accounts.models import Role, User
from carenet.directory import services as directory_services
from carenet.geo.models import AdminArea, BoundarySet
from carenet.outcomes.loaders import load_instruments
from carenet.referrals import services as referral_services
from carenet.taxonomy.loaders import load_all
from tests_browser.conftest import axe_violations, screenshot, sign_in

PASSWORD = "outcomes-browser-test-2026"


@pytest.fixture
def network(transactional_db: None, settings: Any) -> dict[str, Any]:
    settings.CARENET_REQUIRE_2FA = False
    load_all()
    load_instruments()
    ua = BoundarySet.objects.create(country="UA", version="browser-test")
    oblast = AdminArea.objects.create(
        pcode="UA32", level=1, path="UA32/", country="UA", boundary_set=ua, name_en="Kyivska"
    )
    irpin = AdminArea.objects.create(
        pcode="UA3208015",
        level=3,
        parent=oblast,
        path="UA32/UA3208015/",
        country="UA",
        boundary_set=ua,
        name_en="Irpinska",
    )
    alpha = account_services.organisation_create(
        actor=None, name="Alpha Support Space", acronym="ALPHA", kind="nngo", country="UA"
    )
    practitioner = User.objects.create_user("practitioner@alpha.test", PASSWORD)
    account_services.membership_set(
        actor=None, user=practitioner, organisation=alpha, role=Role.PRACTITIONER
    )
    coordinator = User.objects.create_user("coordinator@twg.test", PASSWORD)
    account_services.coordinator_grant(actor=None, user=coordinator)
    directory_services.site_create(
        actor=None,
        organisation=alpha,
        data={"name_en": "Irpin support space", "kind": "support_space", "area": irpin},
    )
    clients = [
        referral_services.client_register(
            actor=practitioner,
            organisation=alpha,
            details=referral_services.ClientDetails(age_band="18-59", sex="female"),
        )
        for _ in range(2)
    ]
    return {"clients": [c.code for c in clients]}


def answer(page: Any, timepoint: str, values: list[int]) -> None:
    page.get_by_label("Time point").select_option(timepoint)
    for n, value in enumerate(values, start=1):
        page.check(f"input[name=item_{n}][value='{value}']")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Questionnaire saved").wait_for()
    page.get_by_role("link", name="Back to the delivery").click()


def test_a_practitioner_runs_an_sh_plus_cycle(page: Any, network: dict[str, Any]) -> None:
    sign_in(page, "practitioner@alpha.test", PASSWORD)
    page.goto(page.base + "/outcomes/")
    page.get_by_role("link", name="Record a delivery").click()
    page.get_by_label("Kind").select_option("group")
    page.get_by_label("Intervention").select_option("shplus")
    page.get_by_label("Title (optional)").fill("SH+ spring group")
    page.get_by_label("Started on").fill("2026-03-02")
    page.get_by_label("Planned sessions").fill("5")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="SH+ spring group").wait_for()

    for code in network["clients"]:
        page.get_by_label("Client code").fill(code)
        page.get_by_role("button", name="Add participant").click()
    page.get_by_role("link", name="Record session 1").click()
    page.get_by_label("Held on").fill("2026-03-02")
    for code in network["clients"]:
        page.get_by_label(code).check()
    screenshot(page, "outcomes-attendance-phone")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("2 present").wait_for()

    rows = page.locator("tbody tr")
    for i in range(2):
        rows.nth(i).get_by_role("link", name="WHO-5").click()
        answer(page, "baseline", [1, 1, 2, 1, 2])  # 7
        rows.nth(i).get_by_role("link", name="WHO-5").click()
        answer(page, "end", [4, 3, 3, 3, 3])  # 16: +9, reliable
        rows.nth(i).get_by_role("link", name="PHQ-9").click()
        answer(page, "baseline", [2, 2, 2, 2, 2, 2, 2, 2, 0])  # 16
        rows.nth(i).get_by_role("link", name="PHQ-9").click()
        answer(page, "end", [1, 1, 1, 1, 1, 1, 1, 1, 0])  # 8: -8, reliable
    summary = page.locator("#change-summary")
    summary.wait_for()
    assert "PHQ-9" in summary.inner_text() and "WHO-5" in summary.inner_text()
    phq = summary.locator("tr", has_text="PHQ-9").inner_text()
    assert "-8" in phq and "2/2" in phq  # mean change; both recovered
    screenshot(page, "outcomes-delivery-phone")
    assert axe_violations(page) == []

    page.context.clear_cookies()
    sign_in(page, "coordinator@twg.test", PASSWORD)
    page.goto(page.base + "/outcomes/dashboard/")
    totals = page.locator("#totals")
    totals.wait_for()
    assert "<5" in totals.inner_text()
    assert "SH+ spring group" not in page.content()
    screenshot(page, "outcomes-dashboard-phone")
    assert axe_violations(page) == []


def test_an_admin_writes_the_safety_protocol_on_a_phone(page: Any, network: dict[str, Any]) -> None:
    from carenet.accounts.models import Organisation

    admin = User.objects.create_user("admin@alpha.test", PASSWORD)
    account_services.membership_set(
        actor=None,
        user=admin,
        organisation=Organisation.objects.get(acronym="ALPHA"),
        role=Role.ORG_ADMIN,
    )
    sign_in(page, "admin@alpha.test", PASSWORD)
    page.goto(page.base + "/outcomes/")
    page.get_by_role("link", name="Safety protocols").click()
    page.fill("textarea[name=text_en]", "Stay with the person. Call the duty psychologist.")
    page.get_by_role("button", name="Save the protocol").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").or_(page.locator(".messages")).first.is_visible()
    assert "Call the duty psychologist." in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "outcomes-protocols-phone")
    assert not axe_violations(page)
