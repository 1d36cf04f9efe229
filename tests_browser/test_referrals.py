"""A practitioner at a support space refers a client to a specialised service of another
organisation; the receiver accepts and completes it; the practitioner sees the outcome.

On a phone-sized screen, through the pages only (the set-up is made through the services).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from carenet.accounts import services as account_services
from carenet.accounts.models import Role, User
from carenet.directory import services as directory_services
from carenet.geo.models import AdminArea, BoundarySet
from carenet.referrals.models import Referral, Status
from carenet.taxonomy import queries as taxonomy
from carenet.taxonomy.loaders import load_all
from tests_browser.conftest import axe_violations, screenshot, sign_in

PASSWORD = "referrals-browser-test-2026"
FEEDBACK = "Eight CBT sessions; sleeping better. Please keep her in your support group."


@pytest.fixture
def network(transactional_db: None, settings: Any) -> dict[str, Any]:
    """A support space (ALPHA) in Irpin and a regional clinic (BETA) with a CBT service."""
    settings.CARENET_REQUIRE_2FA = False
    load_all()
    ua = BoundarySet.objects.create(country="UA", version="browser-test")
    oblast = AdminArea.objects.create(
        pcode="UA32", level=1, path="UA32/", country="UA", boundary_set=ua, name_en="Kyivska"
    )
    raion = AdminArea.objects.create(
        pcode="UA3208",
        level=2,
        parent=oblast,
        path="UA32/UA3208/",
        country="UA",
        boundary_set=ua,
        name_en="Buchanskyi",
    )
    irpin = AdminArea.objects.create(
        pcode="UA3208015",
        level=3,
        parent=raion,
        path="UA32/UA3208/UA3208015/",
        country="UA",
        boundary_set=ua,
        name_en="Irpinska",
        lat=50.52,
        lon=30.25,
    )
    alpha = account_services.organisation_create(
        actor=None, name="Alpha Support Space", acronym="ALPHA", kind="nngo", country="UA"
    )
    beta = account_services.organisation_create(
        actor=None, name="Beta Regional Clinic", acronym="BETA", kind="gov", country="UA"
    )
    users = {}
    for email, org in [("practitioner@alpha.test", alpha), ("psychologist@beta.test", beta)]:
        users[email] = User.objects.create_user(email, PASSWORD)
        account_services.membership_set(
            actor=None, user=users[email], organisation=org, role=Role.PRACTITIONER
        )
    site = directory_services.site_create(
        actor=None,
        organisation=beta,
        data={
            "name_en": "Beta Clinic, Irpin branch",
            "kind": "clinic",
            "area": irpin,
            "lat": 50.53,
            "lon": 30.24,
        },
    )
    directory_services.service_create(
        actor=None,
        organisation=beta,
        sites=[site],
        data={
            "name_en": "CBT for adults",
            "layer": taxonomy.term("pyramid-layer", "4"),
            "age_min": 18,
            "waiting_days": 7,
            "last_verified": timezone.localdate() - datetime.timedelta(days=3),
        },
        m2m={
            "activities": [taxonomy.term("iasc-4w", "10.1")],
            "languages": [taxonomy.term("language", "uk")],
        },
    )
    return {"alpha": alpha, "beta": beta}


def refer(page: Any) -> str:
    """The practitioner registers a client, finds the clinic, records consent and sends."""
    sign_in(page, "practitioner@alpha.test", PASSWORD)
    page.goto(page.base + "/referrals/clients/")
    page.get_by_role("link", name="Register a client").click()
    page.get_by_label("Age band").select_option("18-59")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Ukrainian", exact=True).check()
    page.get_by_label("Hromada / gmina").fill("UA3208015")
    page.get_by_label("Name (optional)").fill("Olena Browser-Test")
    page.get_by_role("button", name="Register").click()
    page.locator(".messages").get_by_text("registered").wait_for()

    page.get_by_role("link", name="Refer this client").click()
    page.get_by_label("Urgent").check()
    page.get_by_label("Layer of care needed").select_option("4")
    page.get_by_label("Activities needed").select_option(["10.1"])
    page.get_by_label("Layer of care you refer from").select_option("3")
    page.get_by_label("Reason for the referral").fill("Panic attacks since the evacuation.")
    page.get_by_role("button", name="Find services").click()

    page.get_by_role("heading", name="Suggested services").wait_for()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Refer to CBT for adults").click()
    page.get_by_text("No valid consent").wait_for()
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_text("has not given a valid consent").wait_for()  # refused without consent

    page.get_by_role("link", name="Record the person's consent").click()
    page.get_by_label("Share my information for a referral").check()
    page.get_by_label("Beta Regional Clinic (BETA)").check()
    page.get_by_label("Name", exact=True).check()
    page.get_by_role("button", name="Record consent").click()
    page.get_by_text("Consent covers this organisation").wait_for()
    page.get_by_role("button", name="Send the referral").click()
    page.locator("#status").get_by_text("Sent").wait_for()
    return page.locator("h1").inner_text().split()[-1]


def receive(page: Any, code: str) -> None:
    """The clinic's psychologist acknowledges, accepts, starts and completes it."""
    sign_in(page, "psychologist@beta.test", PASSWORD)
    page.goto(page.base + "/referrals/")
    assert axe_violations(page) == []
    page.get_by_role("link", name=code).click()
    assert "Olena Browser-Test" in page.content()  # consent shares the name
    for button, done in (
        ("Acknowledge", "You have acknowledged the referral."),
        ("Accept", "You have accepted the referral."),
        ("Start the service", "The service has started."),
    ):
        page.get_by_role("button", name=button, exact=True).click()
        page.get_by_text(done).wait_for()
    page.get_by_label("Outcome").select_option("service_completed")
    page.get_by_label("Feedback to the referrer").fill(FEEDBACK)
    page.get_by_role("button", name="Complete and send feedback").click()
    page.locator("#status").get_by_text("Completed").wait_for()


def test_a_practitioner_refers_the_receiver_completes_and_the_loop_closes(
    page: Any, browser: Any, network: dict[str, Any]
) -> None:
    code = refer(page)
    screenshot(page, "referral-sent")

    receiver = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-GB")
    receiver_page = receiver.new_page()
    receiver_page.set_default_timeout(15_000)
    receiver_page.base = page.base
    receive(receiver_page, code)
    screenshot(receiver_page, "referral-completed-by-receiver")
    receiver.close()

    referral = Referral.objects.get(code=code)
    assert referral.status == Status.COMPLETED and referral.loop_closed_at is None
    page.goto(page.base + "/referrals/sent/")
    page.get_by_text("New outcome").wait_for()
    page.get_by_role("link", name=code).click()
    assert page.locator("#outcome").inner_text() == "Service completed as planned"
    assert FEEDBACK in page.locator("#feedback").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "referral-outcome-seen")
    referral.refresh_from_db()
    assert referral.loop_closed_at is not None
    assert referral.loop_closed_by.email == "practitioner@alpha.test"
