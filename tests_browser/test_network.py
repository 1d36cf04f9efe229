"""The network on a phone: an organisation applies, the coordinator approves, its admin
accepts the invitation, sets a password and invites a colleague from a spreadsheet; the
coordinator records a TWG meeting with a decision and an action point that shows as overdue
on the organisation admin's home page."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core import mail
from django.utils import timezone

from carenet.accounts import services as account_services
from carenet.accounts.models import Invitation, Organisation, User
from carenet.geo.models import AdminArea, BoundarySet
from tests_browser.conftest import axe_violations, screenshot, sign_in

PASSWORD = "network-browser-test-2026"
ADMIN_PASSWORD = "gamma-admin-passphrase-77"


@pytest.fixture
def network(transactional_db: None, settings: Any) -> dict[str, Any]:
    settings.CARENET_REQUIRE_2FA = False
    ua = BoundarySet.objects.create(country="UA", version="browser-test")
    AdminArea.objects.create(
        pcode="UA32", level=1, path="UA32/", country="UA", boundary_set=ua, name_en="Kyivska"
    )
    coordinator = User.objects.create_user("twg.coordinator@test.org", PASSWORD)
    account_services.coordinator_grant(actor=None, user=coordinator)
    return {"coordinator": coordinator}


def sign_out(page: Any) -> None:
    with page.expect_navigation():
        page.click("header form[action$='/sign-out/'] button")


def spreadsheet(folder: Path) -> Path:
    path = folder / "colleagues.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, row in enumerate([["email", "role"], ["colleague@gamma.org", "focal_point"]]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return path


def test_an_organisation_joins_and_its_admin_sees_an_overdue_action(
    page: Any, network: dict[str, Any], tmp_path: Path
) -> None:
    base = page.base
    # 1. the organisation applies through the public form
    page.goto(base + "/network/join/")
    page.fill("input[name=name]", "Gamma Support")
    page.fill("input[name=acronym]", "GAMMA")
    page.select_option("select[name=kind]", "nngo")
    page.fill("input[name=areas]", "UA32")
    page.fill("input[name=contact_name]", "Iryna Bondar")
    page.fill("input[name=contact_email]", "iryna@gamma.org")
    screenshot(page, "network-apply")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "Application received" in page.content()

    # 2. the coordinator approves it
    sign_in(page, "twg.coordinator@test.org", PASSWORD)
    page.goto(base + "/network/applications/")
    page.click("text=Gamma Support (GAMMA)")
    page.click("button[name=approve]")
    page.wait_for_load_state()
    gamma = Organisation.objects.get(acronym="GAMMA")
    assert gamma.coordination_member
    sign_out(page)

    # 3. its admin accepts the invitation and sets a password
    link = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", mail.outbox[-1].body)
    assert link is not None
    page.goto(base + link.group(1))
    page.fill("input[name=full_name]", "Iryna Bondar")
    page.fill("input[name=password1]", ADMIN_PASSWORD)
    page.fill("input[name=password2]", ADMIN_PASSWORD)
    screenshot(page, "network-accept")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "Welcome" in page.content()

    # 4. ... and invites a colleague from a spreadsheet
    page.click("text=People of GAMMA")
    page.set_input_files("input[name=file]", str(spreadsheet(tmp_path)))
    page.click("form[action$='/people/bulk/'] button[type=submit]")
    page.wait_for_load_state()
    assert "1 invitations were sent." in page.content()
    assert Invitation.objects.filter(email="colleague@gamma.org", role="focal_point").exists()
    screenshot(page, "network-people")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    assert axe_violations(page) == []
    sign_out(page)

    # 5. the coordinator records a TWG meeting with a decision and an action point
    sign_in(page, "twg.coordinator@test.org", PASSWORD)
    page.goto(base + "/network/groups/new/")
    page.fill("input[name=name]", "MHPSS TWG")
    page.select_option("select[name=kind]", "twg")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.click("text=New meeting")
    page.fill("input[name=title]", "November TWG meeting")
    page.fill(
        "input[name=held_on]", (timezone.localdate() - datetime.timedelta(days=14)).isoformat()
    )
    page.fill("textarea[name=agenda]", "1. Referral form")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.click("summary:has-text('Log a decision')")
    page.fill("textarea[name=text]", "Adopt one referral form for the network.")
    page.check("input[name=is_public]")
    page.click("text=Log the decision")
    page.wait_for_load_state()
    page.click("summary:has-text('Add an action point')")
    page.fill("input[name=title]", "Send the referral form to all GAMMA staff")
    page.fill("input[name=due_on]", (timezone.localdate() - datetime.timedelta(days=2)).isoformat())
    page.select_option("select[name=owner_organisation]", label="Gamma Support (GAMMA)")
    page.click("text=Add the action point")
    page.wait_for_load_state()
    assert "Overdue" in page.content()
    screenshot(page, "network-meeting")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    sign_out(page)

    # 6. the overdue action point is on the organisation admin's home page
    sign_in(page, "iryna@gamma.org", ADMIN_PASSWORD)
    page.goto(base + "/")
    assert "1 overdue action point" in page.content()
    screenshot(page, "network-home-overdue")
    page.goto(base + "/network/decisions/")
    assert "Adopt one referral form for the network." in page.content()


def test_the_roster_and_password_reset_answer_without_sign_in(
    page: Any, network: dict[str, Any]
) -> None:
    page.goto(page.base + "/network/")
    assert page.locator("h1").inner_text() == "Members of the network"
    screenshot(page, "network-roster")
    assert axe_violations(page) == []
    page.goto(page.base + "/accounts/password/reset/")
    page.fill("input[name=email]", "someone@example.org")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "Check your e-mail" in page.content()
