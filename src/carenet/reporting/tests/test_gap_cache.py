"""The areas gap page kept in the cache: drawn once per scope, filters, language and data
version; every write that feeds it shows at once; no scope is shown another's page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from carenet.conftest import People, client_for
from carenet.reporting import gaps, services
from carenet.reporting.models import ReportingPeriod
from carenet.reporting.tests.conftest import MONTH
from carenet.reporting.tests.factories import add_row

pytestmark = pytest.mark.django_db

URL = reverse("reporting:gaps") + "?month=2026-03&country=UA&level=3"


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the pages drawn (analyses made) rather than taken from the cache."""
    calls: list[int] = []
    real = gaps.area_analysis

    def counting(*args: Any, **kwargs: Any) -> gaps.AreaAnalysis:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(gaps, "area_analysis", counting)
    return calls


@pytest.fixture
def reported(people: People, codes: dict[str, str]) -> People:
    """ALPHA counsels 40 people in Irpin (Kyiv oblast) in March."""
    add_row(people.focal_point, people.org_a, activity="8.1", reached_total=40)
    return people


def _page(client: Client, url: str = URL, language: str = "en") -> str:
    """What the page shows below its filters (the frame around it carries a CSRF token and
    the address, different on every view)."""
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index("</form>", page.index('class="row filters')) : page.index("</main>")]


def test_it_draws_a_page_once_and_serves_it_whole_after(reported: People, drawn: list[int]) -> None:
    client = client_for(reported.coordinator)
    first = _page(client)
    second = _page(client)
    assert len(drawn) == 1
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in second  # kept as HTML, not escaped
    assert second.count("Irpinska") == first.count("Irpinska") >= 1
    assert _page(client, URL + "&sort=nonsense&page=x") == second  # read as the defaults
    assert len(drawn) == 1


def test_it_shows_a_new_row_an_edit_and_a_deletion_at_once(
    reported: People, drawn: list[int]
) -> None:
    client = client_for(reported.coordinator)
    specialised = "<title>4: specialised: %s</title>"  # the chart of people reached by layer
    assert specialised % 0 in _page(client)
    row = add_row(
        reported.focal_point, reported.org_a, activity="10.1", pcode="UA4606025", reached_total=7
    )
    assert specialised % 7 in _page(client)
    services.row_save(
        actor=reported.focal_point,
        organisation=reported.org_a,
        month=MONTH,
        cells={**_cells(row), "reached_total": 9},
        row=row,
    )
    assert specialised % 9 in _page(client)
    services.row_delete(actor=reported.focal_point, row=row)
    assert specialised % 0 in _page(client)
    assert len(drawn) == 4


def test_a_validated_period_shows_the_same_figures_without_drawing_again(
    reported: People, drawn: list[int]
) -> None:
    """Rows count from the moment they are saved; reviewing a period changes no figure."""
    client = client_for(reported.coordinator)
    before = _page(client)
    period = ReportingPeriod.objects.get(organisation=reported.org_a, month=MONTH)
    period = services.period_submit(actor=reported.focal_point, period=period)
    services.period_validate(actor=reported.coordinator, period=period)
    assert _page(client) == before and len(drawn) == 1


def test_a_needs_import_shows_once_it_is_committed(
    reported: People, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(reported.coordinator)
    assert 'id="need-unmet"' not in _page(client)
    path = tmp_path / "needs.csv"
    path.write_text("pcode,people_in_need,date\nUA4606025,900,2026-03-01\n")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.needs_import(
            actor=reported.coordinator, path=path, source="MSNA", may_cover=lambda area: True
        )
    assert not outcome.errors
    page = _page(client)
    assert 'id="need-unmet"' in page and "Lvivska</strong> (UA4606025)" in page


def test_languages_and_filters_are_kept_apart(reported: People, drawn: list[int]) -> None:
    client = client_for(reported.coordinator)
    english = _page(client)
    ukrainian = _page(client, language="uk")
    assert "Areas with a gap, by pyramid layer" in english
    assert "Areas with a gap, by pyramid layer" not in ukrainian
    assert _page(client) == english  # English again, not the Ukrainian page kept since
    oblasts = _page(client, URL.replace("level=3", "level=1"))
    assert "Kyivska" in oblasts and "Irpinska" not in oblasts
    by_name = _page(client, URL + "&sort=name")
    assert by_name.index("Irpinska") < by_name.index("Lvivska") and by_name != english
    assert len(drawn) == 4


def test_one_scope_is_never_shown_another_scopes_page(reported: People) -> None:
    add_row(reported.focal_point, reported.org_a, activity="10.1", pcode="UA4606025")
    oblast = client_for(reported.oblast_coordinator)
    network = client_for(reported.coordinator)
    kyiv_only = _page(oblast)  # drawn first, for the Kyiv oblast coordinator
    everywhere = _page(network)
    assert "UA4606025" not in kyiv_only and "UA3208015" in kyiv_only
    assert "UA4606025" in everywhere
    assert "UA4606025" not in _page(oblast)


def _cells(row: Any) -> dict[str, Any]:
    return {
        "activity": row.activity.code,
        "pcode": row.area.pcode,
        "status": row.status,
        "start_date": row.start_date,
        "reached_total": row.reached_total,
    }


def test_the_links_repeat_only_the_checked_filters(reported: People) -> None:
    page = _page(client_for(reported.coordinator), URL + "&level=3&x=%22%3E%3Cb%3E&donor=nobody")
    assert "month=2026-03&amp;level=3&amp;country=UA&amp;sort=" in page
    assert "&amp;x=" not in page and "donor=" not in page and "<b>" not in page


def test_the_areas_page_is_for_coordinators_only(people: People, split: Any) -> None:
    from carenet.conftest import assert_access

    allowed, denied = split(people, "coordinator", "oblast_coordinator", "superuser")
    assert_access(URL, allowed, denied)
