"""What a new user ran into, in a browser on a 360 px phone: the gap page's headline and its
loudest gap, the validation queue, the place picker, the consent form, the language switch
after a form error, the "you cannot change this" page."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from carenet import conftest as shared
from carenet.conftest import PASSWORD, People
from carenet.geo.models import AdminArea
from tests_browser.conftest import axe_violations, screenshot, sign_in

areas, people, taxonomies = shared.areas, shared.people, shared.taxonomies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONTH = datetime.date(2026, 3, 1)


@pytest.fixture
def network(
    people: People, taxonomies: None, areas: dict[str, AdminArea], tmp_path: Path
) -> People:
    """Counselling in Irpin; Kyiv city with half a million in need and nothing delivered."""
    from carenet.reporting import services
    from carenet.reporting.tests.factories import add_row

    AdminArea.objects.create(
        pcode="UA80",
        level=1,
        path="UA80/",
        country="UA",
        boundary_set=areas["kyiv_obl"].boundary_set,
        name_en="Kyiv",
        name_uk="Київ",
    )
    add_row(people.focal_point, people.org_a, activity="8.1", reached_total=40)
    path = tmp_path / "needs.csv"
    path.write_text("pcode,people_in_need,date\nUA80,500000,2026-03-01\n")
    services.needs_import(
        actor=people.coordinator, path=path, source="MSNA", may_cover=lambda area: True
    )
    return people


def test_the_gap_page_puts_kyiv_first_on_a_phone(page: Any, network: People) -> None:
    sign_in(page, network.coordinator.email, PASSWORD)
    page.goto(page.base + f"/4w/gaps/?month={MONTH:%Y-%m}&level=1&country=UA")
    loud = page.locator("#need-unmet")
    assert "Kyiv" in loud.inner_text() and "500,000" in loud.inner_text()
    box = loud.bounding_box()
    assert box is not None and box["width"] <= 360
    summary = page.inner_text("#gap-summary")
    assert "areas with a gap in at least one layer" in summary
    assert "organisations · people reached" in page.inner_text("#layer-cell-help")
    first_row = page.locator("table.sortable tbody tr").first.inner_text()
    assert "Kyiv" in first_row  # the loudest gap leads the table
    assert axe_violations(page) == []
    screenshot(page, "fixes-gap-page-phone-en")
    # Ukrainian, and a month that does not exist is said
    page.goto(page.base + "/4w/gaps/?month=2026-13&level=1&country=UA")
    page.select_option("#lang-select", "uk")
    page.click("form.lang button")
    assert "Люди в потребі, а допомоги немає" in page.inner_text("#need-unmet")
    assert page.locator("html").get_attribute("lang") == "uk"
    screenshot(page, "fixes-gap-page-phone-uk")


def test_the_month_page_lists_reports_waiting_for_validation(page: Any, network: People) -> None:
    from carenet.reporting import services

    services.period_submit(
        actor=network.focal_point, period=services.period_for(network.org_a, MONTH)
    )
    sign_in(page, network.coordinator.email, PASSWORD)
    page.goto(page.base + f"/4w/months/{MONTH:%Y-%m}/")
    queue = page.locator("#validation-queue")
    assert "Waiting for validation" in queue.inner_text() and "ALPHA" in queue.inner_text()
    queue.get_by_role("link", name="ALPHA").click()
    page.click("button:has-text('Return for changes')")  # no comment: refused
    page.fill("textarea[name=comment]", "Add the age bands.")
    page.click("button:has-text('Return for changes')")
    assert "Returned" in page.inner_text("#period-status")


def test_the_place_picker_asks_which_place_and_a_language_switch_keeps_the_page(
    page: Any, people: People, taxonomies: None, areas: dict[str, AdminArea]
) -> None:
    """On a client form, "Lvivska" names one place; a name of several asks which one. After
    the POST with errors, switching language returns to the form with GET (no 405)."""
    bucha = areas["bucha"]
    for pcode in ("UA3208021", "UA3208023"):
        AdminArea.objects.create(
            pcode=pcode,
            level=3,
            parent=bucha,
            path=f"{bucha.path}{pcode}/",
            country="UA",
            boundary_set=bucha.boundary_set,
            name_en="Hirska",
            population=1000,
        )
    sign_in(page, people.practitioner.email, PASSWORD)
    page.goto(page.base + "/referrals/clients/new/")
    page.select_option("select[name=age_band]", index=2)
    page.fill("input[name=area]", "Hirska")
    page.click("form.stack button[type=submit]")
    assert "Several places are called “Hirska”" in page.content()
    assert page.locator("text=Which place do you mean?").count() == 1
    screenshot(page, "fixes-place-picker-phone")
    page.select_option("#lang-select", "pl")
    page.click("form.lang button")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert "/referrals/clients/new/" in page.url and "405" not in page.title()
    page.select_option("select[name=age_band]", index=2)
    page.fill("input[name=area]", "Hirska")
    page.click("form.stack button[type=submit]")
    assert "O które miejsce chodzi?" in page.content()
    page.check("input[name=area__choice][value=UA3208023]")
    page.click("form.stack button[type=submit]")
    assert "/referrals/clients/new/" not in page.url  # registered


def test_a_viewer_opening_an_edit_url_is_told_they_cannot_change_it(
    page: Any, network: People
) -> None:
    from carenet.reporting.models import ActivityReport

    row = ActivityReport.objects.get(organisation=network.org_a)
    sign_in(page, network.viewer.email, PASSWORD)
    response = page.goto(page.base + f"/4w/rows/{row.uuid}/edit/")
    assert response is not None and response.status == 403
    assert "You cannot change this" in page.inner_text("h1")
