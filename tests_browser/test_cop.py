"""A facilitator opens a Community of Practice, schedules a group supervision meeting and
records attendance; the practitioner then finds it on their own page. Phone-sized screen."""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from carenet.accounts import services as account_services
from carenet.accounts.models import Role, User
from carenet.cop.reference import load_reference
from tests_browser.conftest import axe_violations, screenshot, sign_in

PASSWORD = "cop-browser-test-2026"


@pytest.fixture
def people(transactional_db: None, settings: Any) -> dict[str, User]:
    settings.CARENET_REQUIRE_2FA = False
    load_reference()
    org = account_services.organisation_create(
        actor=None, name="Rozrada Psychosocial Centre", acronym="RPC", kind="nngo", country="UA"
    )
    facilitator = User.objects.create_user(
        "facilitator@rpc.org", PASSWORD, full_name="Iryna Facilitator"
    )
    practitioner = User.objects.create_user(
        "practitioner@rpc.org", PASSWORD, full_name="Olena Practitioner"
    )
    account_services.membership_set(
        actor=None, user=facilitator, organisation=org, role=Role.FOCAL_POINT
    )
    account_services.membership_set(
        actor=None, user=practitioner, organisation=org, role=Role.PRACTITIONER
    )
    return {"facilitator": facilitator, "practitioner": practitioner}


def _fits_phone(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_facilitator_runs_a_supervision_meeting_the_practitioner_sees_it(
    page: Any, people: dict[str, User]
) -> None:
    sign_in(page, "facilitator@rpc.org", PASSWORD)
    page.goto(page.base + "/cop/")
    page.get_by_role("link", name="Start a Community of Practice").click()
    page.get_by_label("Name").fill("Irpin case supervision group")
    page.get_by_label("Topic").fill("Group supervision of counsellors")
    page.get_by_label("Scope").select_option("local")
    page.get_by_label("Private: members only").check()
    page.get_by_label("Your profession").select_option(label="Psychologist")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The Community of Practice was created").wait_for()
    page.reload()
    assert axe_violations(page) == []
    _fits_phone(page)

    cop_url = page.url
    page.locator("nav.cop-nav").get_by_role("link", name="Members").click()
    members_url = page.url
    page.get_by_label("E-mail address of the person").fill("practitioner@rpc.org")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("An invitation was e-mailed").wait_for()
    # the practitioner accepts the e-mailed invitation
    link = re.search(r"https?://\S+/invitations?/\S+", mail.outbox[-1].body)
    assert link is not None, mail.outbox[-1].body
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "practitioner@rpc.org", PASSWORD)
    page.goto(page.base + urlsplit(link.group(0)).path)
    page.get_by_role("button", name="Accept the invitation").click()
    page.get_by_text("the invitation is accepted").wait_for()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "facilitator@rpc.org", PASSWORD)
    page.goto(members_url)
    assert "Olena Practitioner" in page.locator("table").inner_text()

    page.goto(cop_url)
    page.get_by_role("link", name="Schedule a meeting").click()
    starts = timezone.localtime(timezone.now() - datetime.timedelta(hours=1))
    page.get_by_label("Kind").select_option("group_supervision")
    page.get_by_label("Title").fill("Monthly group supervision")
    page.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Duration (minutes)").fill("90")
    page.get_by_label("Agenda").fill("Boundaries; self-care after long shifts")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The meeting was scheduled").wait_for()
    page.reload()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Record attendance").click()
    page.get_by_label("Olena Practitioner · RPC").check()
    page.get_by_label("Iryna Facilitator · RPC").check()
    page.get_by_label("Short minutes").fill("Themes: boundaries and self-care.")
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Attendance was recorded").wait_for()
    assert "2 of 2 present" in page.locator("dl.facts").inner_text()
    _fits_phone(page)
    screenshot(page, "cop-meeting")

    page.locator("nav.cop-nav").get_by_role("link", name="Health").click()
    assert "Retention over time" in page.content()
    assert axe_violations(page) == []
    _fits_phone(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "practitioner@rpc.org", PASSWORD)
    page.goto(page.base + "/cop/me/")
    assert "Monthly group supervision" in page.locator("ul.attended").inner_text()
    hours = page.locator("dl.supervision-hours").inner_text()
    assert "1.5" in hours
    assert axe_violations(page) == []
    _fits_phone(page)
    screenshot(page, "cop-practitioner-page")
    page.get_by_role("link", name="My supervision logs").click()
    assert "Group supervision" in page.locator("table").inner_text()
    for path in ("/cop/wellbeing/new/", "/cop/library/", "/cop/trainings/"):
        page.goto(page.base + path)
        assert axe_violations(page) == [], path
        _fits_phone(page)


def test_a_well_being_check_in_works_without_javascript(
    no_js_page: Any, people: dict[str, User]
) -> None:
    page = no_js_page
    sign_in(page, "practitioner@rpc.org", PASSWORD)
    page.goto(page.base + "/cop/wellbeing/new/")
    for number in range(1, 6):
        page.locator(f"input[name=item_{number}][value='4']").check()
    page.get_by_role("button", name="Save my check-in").click()
    page.wait_for_load_state()
    assert "80" in page.locator("dl.facts").inner_text()
    _fits_phone(page)
