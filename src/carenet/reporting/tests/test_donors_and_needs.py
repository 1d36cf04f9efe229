"""The donor code list (aliases map free text to one donor) and dated needs figures."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from carenet.conftest import People, client_for
from carenet.reporting import donors, needs
from carenet.reporting.models import ActivityReport, Donor, ImportStatus, NeedsFigure
from carenet.reporting.tests.conftest import MONTH, good_row, write_xlsx
from carenet.reporting.tests.factories import add_row

pytestmark = pytest.mark.django_db


def test_it_maps_every_spelling_of_a_donor_to_it(people: People, codes: dict[str, str]) -> None:
    echo = Donor.objects.get(code="echo")
    spellings = ["DG ECHO", "  echo ", "European Commission (ECHO)", "ЄС ECHO"]
    rows = [add_row(people.focal_point, people.org_a, donor=text) for text in spellings]
    assert {r.funder_id for r in rows} == {echo.pk}
    assert rows[1].donor == "echo"  # the text is kept as written (trimmed)
    unknown = add_row(people.focal_point, people.org_a, donor="Acme Relief Fund")
    assert unknown.funder_id is None
    blank = add_row(people.focal_point, people.org_a, activity="7.1")
    assert blank.funder_id is None


def test_an_imported_file_maps_donors_too(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Callable[..., Any]
) -> None:
    path = write_xlsx(
        tmp_path / "4w.xlsx",
        [
            good_row(donor="USAID/BHA"),
            good_row(donor="Sida", activity="7.1"),
            good_row(donor="x", activity="8.2"),
        ],
    )
    job = run_import(path)
    assert job.status == ImportStatus.DONE, job.errors
    funders = dict(ActivityReport.objects.values_list("donor", "funder__code"))
    assert funders == {"USAID/BHA": "bha", "Sida": "sida", "x": None}


def test_a_new_alias_maps_rows_already_reported(
    people: People, codes: dict[str, str], tmp_path: Path
) -> None:
    row = add_row(people.focal_point, people.org_a, donor="Acme Relief Fund")
    path = tmp_path / "donors.csv"
    path.write_text(
        "code,name,aliases\nacme,Acme Foundation,Acme Relief Fund|ACME\n", encoding="utf-8"
    )
    result = donors.load(path)
    assert (result.created, result.mapped) == (1, 1)
    row.refresh_from_db()
    assert row.funder is not None and row.funder.code == "acme"
    assert donors.load(path).mapped == 0  # loading again changes nothing
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,aliases\n,No code,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        donors.load(bad)


def _figure(area: Any, day: datetime.date, number: int, group: str = "") -> NeedsFigure:
    return NeedsFigure.objects.create(
        area=area, as_of=day, people_in_need=number, population_group=group
    )


def test_dated_needs_pick_the_latest_figure_up_to_the_month(areas: dict[str, Any]) -> None:
    irpin, lviv = areas["irpin"], areas["lviv"]
    _figure(irpin, datetime.date(2026, 1, 15), 1000)
    _figure(irpin, datetime.date(2026, 3, 31), 1500)  # the last day of March counts for March
    _figure(irpin, datetime.date(2026, 4, 1), 2000)
    _figure(irpin, datetime.date(2026, 2, 1), 90, group="children")  # not the everyone figure
    _figure(lviv, datetime.date(2026, 5, 2), 700)
    ids = [irpin.pk, lviv.pk]
    assert needs.latest_by_area(ids, datetime.date(2025, 12, 1)) == {}
    assert needs.latest_by_area(ids, datetime.date(2026, 2, 1)) == {irpin.pk: 1000}
    assert needs.latest_by_area(ids, datetime.date(2026, 3, 1)) == {irpin.pk: 1500}
    assert needs.latest_by_area(ids, datetime.date(2026, 5, 1)) == {irpin.pk: 2000, lviv.pk: 700}
    assert needs.latest_by_area(ids, None) == {irpin.pk: 2000, lviv.pk: 700}
    assert [f.people_in_need for f in needs.history(irpin)] == [2000, 1500, 90, 1000]


def test_a_needs_import_keeps_history_and_reports_row_errors(
    people: People, codes: dict[str, str], tmp_path: Path
) -> None:
    def load(text: str, **kw: Any) -> needs.NeedsOutcome:
        path = tmp_path / "needs.csv"
        path.write_text(text, encoding="utf-8")
        return needs.needs_import(
            actor=people.coordinator, path=path, source="MSNA", may_cover=lambda a: True, **kw
        )

    first = load("pcode,people_in_need,date\nUA3208015,500,2026-01-10\n")
    assert first.saved == 1 and not first.errors
    group = codes["group"]
    second = load(
        f"pcode,people_in_need,date,population_group,source\n"
        f"UA3208015,800,2026-03-05,,REACH\nUA3208015,120,2026-03-05,{group},REACH\n"
    )
    assert second.saved == 2 and not second.errors
    assert NeedsFigure.objects.filter(area__pcode="UA3208015").count() == 3  # history kept
    undated = load("pcode,people_in_need\nUA4606025,300\n", as_of=datetime.date(2026, 2, 1))
    assert undated.saved == 1
    assert NeedsFigure.objects.get(area__pcode="UA4606025").as_of == datetime.date(2026, 2, 1)
    bad = load(
        "pcode,people_in_need,date,population_group\n"
        "UA3208015,10,31/02/2026x,\nUA3208015,-3,2026-03-01,\nUA3208015,5,2026-03-01,martians\n"
        "UA9999999,5,2026-03-01,\n"
    )
    found = {(e.line, e.column, e.code) for e in bad.errors}
    assert found == {
        (2, "date", "bad_date"),
        (3, "people_in_need", "negative"),
        (4, "population_group", "unknown_target_group"),
        (5, "pcode", "unknown_pcode"),
    }
    assert bad.saved == 0 and NeedsFigure.objects.count() == 4  # all or nothing


def test_the_needs_page_dates_figures_by_the_form(people: People, tmp_path: Path) -> None:
    path = tmp_path / "needs.csv"
    path.write_text("pcode,people_in_need\nUA3208015,640\n", encoding="utf-8")
    with path.open("rb") as f:
        response = client_for(people.coordinator).post(
            reverse("reporting:needs"), {"file": f, "source": "MSNA", "as_of": "2026-03-01"}
        )
    assert response.status_code == 302
    figure = NeedsFigure.objects.get()
    assert (figure.as_of, figure.people_in_need) == (datetime.date(2026, 3, 1), 640)


def test_the_gap_pages_and_the_export_filter_by_donor(
    people: People, codes: dict[str, str]
) -> None:
    from carenet.reporting import gaps

    add_row(people.focal_point, people.org_a, donor="DG ECHO", reached_total=30)
    add_row(people.focal_point, people.org_a, activity="7.1", donor="Sida", reached_total=12)
    add_row(people.focal_point, people.org_a, pcode="UA4606025", donor="ECHO", reached_total=8)
    echo = Donor.objects.get(code="echo")
    every = {r["pcode"]: r for r in gaps.area_analysis(people.coordinator, MONTH, 3, "UA").rows}
    only = {
        r["pcode"]: r
        for r in gaps.area_analysis(people.coordinator, MONTH, 3, "UA", donor=echo).rows
    }
    assert (every["UA3208015"]["reached"], only["UA3208015"]["reached"]) == (42, 30)
    assert only["UA4606025"]["reached"] == 8 and only["UA3208015"]["activities"] == 1
    activities = gaps.activity_analysis(people.coordinator, MONTH, 3, "UA", donor=echo)
    assert [(r["code"], r["reached"], r["areas"]) for r in activities] == [("8.1", 38, 2)]
    mine = gaps.activity_analysis(people.oblast_coordinator, MONTH, 3, "UA", donor=echo)
    assert [(r["code"], r["reached"]) for r in mine] == [("8.1", 30)]  # Kyiv oblast only
    client = client_for(people.coordinator)
    page = client.get(reverse("reporting:gaps") + "?month=2026-03&level=3&donor=echo")
    assert page.status_code == 200 and '<option value="echo" selected>' in page.content.decode()
    export = client.get(reverse("reporting:export") + "?month=2026-03&format=csv&donor=sida")
    body = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Sida" in body and "ECHO" not in body


def test_the_month_page_exports_one_donors_rows(people: People, codes: dict[str, str]) -> None:
    add_row(people.focal_point, people.org_a, donor="UNICEF", reached_total=30)
    page = client_for(people.coordinator).get(reverse("reporting:month", args=[MONTH]))
    html = page.content.decode()
    assert 'name="donor"' in html and '<option value="unicef">UNICEF</option>' in html


def test_the_month_page_filters_by_donor(people: People, codes: dict[str, str]) -> None:
    add_row(people.focal_point, people.org_a, donor="UNICEF")
    add_row(people.focal_point, people.org_a, donor="ECHO", activity="7.1")
    add_row(people.outsider, people.org_b, donor="ECHO")
    url = reverse("reporting:month", args=[MONTH])
    client = client_for(people.coordinator)

    def table(query: str) -> list[tuple[str, int]]:
        html = client.get(f"{url}?show=all&{query}").content.decode()
        rows = html[html.index('id="month-table"') : html.index("</table>")]
        return [
            (acronym, int(n))
            for acronym, n in re.findall(r">(ALPHA|BETA)</a>.*?<td>(\d+)</td></tr>", rows, re.S)
        ]

    assert table("") == [("ALPHA", 2), ("BETA", 1)]
    assert table("donor=echo") == [("ALPHA", 1), ("BETA", 1)]
    assert table("donor=unicef") == [("ALPHA", 1)]  # BETA reported no UNICEF row
    assert table("donor=no-such-donor") == [("ALPHA", 2), ("BETA", 1)]
    html = client.get(f"{url}?donor=unicef", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert '<option value="unicef" selected>' in html
    assert "format=xlsx&amp;donor=unicef" in html and "?show=all&amp;donor=unicef" in html
    export = client.get(f"{url}?show=all&donor=unicef&format=csv")
    assert export.status_code == 200 and "BETA" not in export.content.decode()
