"""What a new user ran into on the gap and month pages: headline counts that contradicted each
other, Kyiv city (no population figure) never flagged, a bad month shown silently, no
validation queue, unchanged resubmissions, a site listed twice in the row form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from carenet.conftest import People, client_for
from carenet.geo.models import AdminArea
from carenet.reporting import gaps, services
from carenet.reporting.tests.conftest import MONTH
from carenet.reporting.tests.factories import add_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def kyiv_city(people: People, codes: dict[str, str], areas: dict[str, AdminArea]) -> AdminArea:
    """A city with special status and no population figure (as UA80 in the gazetteer), and
    an empty oblast with neither population nor needs (not assessed)."""
    ua = areas["kyiv_obl"].boundary_set
    city = AdminArea.objects.create(
        pcode="UA80", level=1, path="UA80/", country="UA", boundary_set=ua, name_en="Kyiv"
    )
    add_row(people.focal_point, people.org_a, activity="8.1", reached_total=40)
    return city


def _needs(people: People, tmp_path: Path, text: str) -> None:
    path = tmp_path / "needs.csv"
    path.write_text(text)
    outcome = services.needs_import(
        actor=people.coordinator, path=path, source="MSNA", may_cover=lambda area: True
    )
    assert not outcome.errors


def test_kyiv_city_with_people_in_need_and_nothing_delivered_is_the_loudest_gap(
    people: People, kyiv_city: AdminArea, tmp_path: Path
) -> None:
    before = gaps.area_analysis(people.coordinator, MONTH, 1, "UA")
    kyiv = next(f for f in before.facts if f.area.pcode == "UA80")
    assert not kyiv.assessed and kyiv.gap_layers == ()  # no figure: not assessed, counted
    assert before.unassessed_areas == 3  # Kyiv, and the test oblasts carry no population
    _needs(
        people, tmp_path, "pcode,people_in_need,date\nUA80,500000,2026-03-01\nUA32,9,2026-03-01\n"
    )
    analysis = gaps.area_analysis(people.coordinator, MONTH, 1, "UA")
    rows = {r["pcode"]: r for r in analysis.rows}
    assert rows["UA80"]["gap_layers"] == [1, 2, 3, 4] and rows["UA80"]["need_unmet"] is True
    assert rows["UA32"]["need_unmet"] is False  # Irpin's counselling is reported there
    assert [analysis.facts[i].area.pcode for i in analysis.need_unmet] == ["UA80"]
    order, _sort = gaps.area_order(analysis, "-gaps", gaps.area_columns(), "-gaps")
    assert analysis.facts[order[0]].area.pcode == "UA80"  # first among equal gaps
    assert analysis.unassessed_areas == 1  # Lviv oblast: neither figure

    url = reverse("reporting:gaps") + "?month=2026-03&country=UA&level=1"
    page = client_for(people.coordinator).get(url).content.decode()
    assert 'id="need-unmet"' in page and "Kyiv</strong> (UA80)" in page
    assert page.index('id="need-unmet"') < page.index('id="gap-summary"')
    uk = client_for(people.coordinator).get(url, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Люди в потребі, а допомоги немає" in uk


def test_the_headline_counts_cannot_contradict_each_other(
    people: People, kyiv_city: AdminArea, tmp_path: Path
) -> None:
    """The areas with nothing at all are a part of the areas with a gap: before, areas without
    people were counted as empty but not as gaps (1,639 "empty" against 1,454 "with a gap")."""
    bucha = AdminArea.objects.get(pcode="UA3208")
    for i in range(3):  # hromadas with no population figure and nothing done
        AdminArea.objects.create(
            pcode=f"UA320809{i}",
            level=3,
            parent=bucha,
            path=f"{bucha.path}UA320809{i}/",
            country="UA",
            boundary_set=bucha.boundary_set,
            name_en=f"Hromada {i}",
        )
    for level in (1, 2, 3):
        analysis = gaps.area_analysis(people.coordinator, MONTH, level, "UA")
        assert analysis.empty_areas <= analysis.gap_areas
        assert analysis.gap_areas + analysis.unassessed_areas <= len(analysis.facts)
    hromadas = gaps.area_analysis(people.coordinator, MONTH, 3, "UA")
    assert (hromadas.gap_areas, hromadas.empty_areas, hromadas.unassessed_areas) == (2, 1, 3)
    page = client_for(people.coordinator).get(
        reverse("reporting:gaps") + "?month=2026-03&country=UA&level=3"
    )
    text = page.content.decode()
    assert "of them with a gap in every layer" in text
    assert "areas not assessed: no population and no needs figure" in text
    assert "organisations · people reached" in text  # the layer cells are explained


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "is not a month written YYYY-MM"), ("uk", "не є місяцем у форматі РРРР-ММ")],
)
def test_a_month_that_does_not_exist_is_said_not_silently_replaced(
    people: People, kyiv_city: AdminArea, language: str, words: str
) -> None:
    client = client_for(people.coordinator)
    url = reverse("reporting:gaps")
    page = client.get(f"{url}?month=2026-13", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert words in page and "2026-13" in page
    good = client.get(f"{url}?month=2026-03", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert words not in good


def test_the_month_page_has_a_validation_queue(people: People, codes: dict[str, str]) -> None:
    add_row(people.focal_point, people.org_a)
    url = reverse("reporting:month", args=[MONTH])
    page = client_for(people.coordinator).get(url).content.decode()
    assert "No report is waiting for validation." in page
    services.period_submit(
        actor=people.focal_point, period=services.period_for(people.org_a, MONTH)
    )
    page = client_for(people.coordinator).get(url).content.decode()
    start = page.index('id="validation-queue"')
    queue = page[start : page.index("</section>", start)]
    assert "ALPHA" in queue and "1 row" in queue
    # still listed among those who have submitted, not among the missing
    assert "No report is waiting" not in page
    uk = client_for(people.coordinator).get(url, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Чекають на перевірку" in uk


def test_a_returned_report_cannot_come_back_unchanged(
    people: People, codes: dict[str, str]
) -> None:
    row = add_row(people.focal_point, people.org_a)
    period = services.period_submit(
        actor=people.focal_point, period=services.period_for(people.org_a, MONTH)
    )
    period = services.period_return(actor=people.coordinator, period=period, comment="Ages?")
    with pytest.raises(services.WorkflowError, match="Nothing has changed"):
        services.period_submit(actor=people.focal_point, period=period)
    response = client_for(people.focal_point).post(
        reverse("reporting:submit", args=[people.org_a.uuid, MONTH]), follow=True
    )
    assert "Nothing has changed since the report was returned" in response.content.decode()
    saved, errors = services.row_save(
        actor=people.focal_point,
        organisation=people.org_a,
        month=MONTH,
        row=row,
        cells={
            "activity": "8.1",
            "pcode": "UA3208015",
            "status": "completed",
            "start_date": MONTH,
            "reached_total": 21,
        },
    )
    assert saved is not None, errors
    period.refresh_from_db()
    assert services.period_submit(actor=people.focal_point, period=period).status == "submitted"


def test_two_sites_of_one_name_in_one_area_are_told_apart(
    people: People, codes: dict[str, str], monkeypatch: Any
) -> None:
    from carenet.reporting import views

    class Site:
        def __init__(self, uuid: str, address: str) -> None:
            self.uuid, self.name_en, self.address, self.city = (
                uuid,
                "Zolochivska Centre",
                address,
                "",
            )
            self.area = AdminArea(pcode="UA3204009")

    sites = [Site("a" * 32, "1 Main St"), Site("b" * 32, "2 Side St"), Site("a" * 32, "1 Main St")]

    class Found(list[Any]):
        def filter(self, **kw: Any) -> Found:
            return self

        def order_by(self, *a: Any) -> Found:
            return self

    from carenet.directory import queries as directory

    monkeypatch.setattr(directory, "sites_for_user", lambda user, action: Found(sites))
    request = type("R", (), {"user": people.focal_point})()
    labels = [label for _uuid, label in views._sites(request, people.org_a)]  # type: ignore[arg-type]
    assert len(labels) == 2 and len(set(labels)) == 2
    assert labels[0] == "Zolochivska Centre, 1 Main St (UA3204009)"
