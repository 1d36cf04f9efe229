"""Rollups and the gap analysis: per area x layer, per activity, suppression, needs."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from carenet.conftest import People, client_for
from carenet.reporting import gaps, rollups, services
from carenet.reporting.models import ActivityRollup, AreaRollup, NeedsFigure
from carenet.reporting.tests.conftest import MONTH
from carenet.reporting.tests.factories import add_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(people: People, codes: dict[str, str]) -> People:
    """ALPHA and BETA both counsel in Irpin (8.1); ALPHA also does PFA (7.1) there and
    reaches 3 people with psychiatric care (10.1) in Lviv."""
    from carenet.taxonomy import queries as taxonomy

    sectors = taxonomy.terms_by_code("sector")
    people.org_a.sectors.set([sectors[c] for c in sorted(sectors)[:2]])
    people.org_b.sectors.set([sectors[sorted(sectors)[2]]])
    add_row(people.focal_point, people.org_a, activity="8.1", reached_total=40)
    add_row(people.focal_point, people.org_a, activity="7.1", reached_total=25)
    add_row(people.focal_point, people.org_a, activity="10.1", pcode="UA4606025", reached_total=3)
    add_row(people.outsider, people.org_b, activity="8.1", reached_total=60)
    return people


def _rollup(pcode: str) -> AreaRollup:
    return AreaRollup.objects.get(month=MONTH, area__pcode=pcode)


def test_rollups_follow_every_edit(network: People) -> None:
    irpin, raion, oblast = _rollup("UA3208015"), _rollup("UA3208"), _rollup("UA32")
    assert (irpin.level, raion.level, oblast.level) == (3, 2, 1)
    for r in (irpin, raion, oblast):
        assert (r.organisations, r.reached_total) == (2, 125)
        assert r.activity_org_counts() == {"8.1": 2, "7.1": 1}
        assert r.max_orgs_per_activity == 2
    assert (irpin.l3_orgs, irpin.l3_activities, irpin.l3_reached) == (2, 2, 125)
    assert irpin.l2_orgs == 0 and _rollup("UA4606025").l4_reached == 3
    assert irpin.sector_count == 3 and len(irpin.sectors.split(", ")) == 3


def test_incremental_refresh_equals_a_full_rebuild(network: People) -> None:
    def snapshot() -> tuple[list[Any], list[Any]]:
        acts = sorted(
            ActivityRollup.objects.values_list(
                "area_id", "activity_id", "organisation_id", "row_count", "reached_total"
            )
        )
        areas = sorted(
            AreaRollup.objects.values_list(
                "area_id", "organisations", "reached_total", "l3_reached", "activity_orgs"
            ),
            key=lambda r: r[0],
        )
        return acts, areas

    incremental = snapshot()
    rollups.rebuild_month(MONTH)
    assert snapshot() == incremental
    row = add_row(
        network.focal_point, network.org_a, activity="1.2", pcode="UA32", reached_total=500
    )
    assert _rollup("UA32").reached_total == 625
    raion = AreaRollup.objects.get(month=MONTH, area__pcode="UA3208")
    assert "1.2" not in raion.activity_org_counts()
    services.row_delete(actor=network.focal_point, row=row)
    assert _rollup("UA32").reached_total == 125


def test_the_area_analysis_finds_gaps_duplication_and_integration(
    network: People, settings: Any
) -> None:
    settings.CARENET_DUPLICATION_THRESHOLD = 2
    analysis = gaps.area_analysis(network.coordinator, MONTH, 3, "UA")
    rows = {r["pcode"]: r for r in analysis.rows}
    irpin, lviv = rows["UA3208015"], rows["UA4606025"]
    assert irpin["orgs"] == 2 and irpin["reached"] == 125
    assert irpin["per_10k"] == round(125 * 10_000 / 110_000, 1)
    assert irpin["l3_orgs"] == 2 and irpin["l3_gap"] is False
    assert irpin["gap_layers"] == [1, 2, 4] and irpin["gaps"] == 3
    assert irpin["layers_2_4"] == 1 and irpin["sector_count"] == 3
    assert irpin["duplicated"] == "8.1"
    assert lviv["gap_layers"] == [1, 2, 3]
    assert lviv["l4_reached"] is None and lviv["reached"] is None  # 3 people: suppressed
    assert lviv["per_10k"] is None
    assert analysis.layer_reached[4] is None and analysis.layer_reached[3] == 125
    settings.CARENET_DUPLICATION_THRESHOLD = 3
    again = gaps.area_analysis(network.coordinator, MONTH, 3, "UA")
    assert not any(r["duplicated"] for r in again.rows)


def test_an_oblast_coordinator_analyses_only_their_oblast(network: People) -> None:
    analysis = gaps.area_analysis(network.oblast_coordinator, MONTH, 3, "UA")
    assert [r["pcode"] for r in analysis.rows] == ["UA3208015"]
    activities = gaps.activity_analysis(network.oblast_coordinator, MONTH, 3, "UA")
    assert sorted(r["code"] for r in activities) == ["7.1", "8.1"]


def test_the_activity_analysis(network: People, settings: Any) -> None:
    settings.CARENET_DUPLICATION_THRESHOLD = 2
    rows = {r["code"]: r for r in gaps.activity_analysis(network.coordinator, MONTH, 3, "UA")}
    assert (rows["8.1"]["orgs"], rows["8.1"]["areas"], rows["8.1"]["reached"]) == (2, 1, 100)
    assert rows["8.1"]["duplicated_areas"] == 1
    assert rows["10.1"]["reached"] is None


def test_needs_figures_give_coverage(network: People, tmp_path: Path) -> None:
    path = tmp_path / "needs.csv"
    path.write_text("pcode,people_in_need\nUA3208015,500\nUA4606025,1000\n")
    outcome = services.needs_import(
        actor=network.coordinator,
        path=path,
        source="MSNA",
        may_cover=lambda area: True,
        as_of=MONTH,
    )
    assert outcome.saved == 2 and not outcome.errors
    rows = {r["pcode"]: r for r in gaps.area_analysis(network.coordinator, MONTH, 3, "UA").rows}
    assert rows["UA3208015"]["coverage"] == 25.0
    assert rows["UA4606025"]["coverage"] is None  # suppressed with its count


def test_a_bad_needs_file_saves_nothing(network: People, tmp_path: Path) -> None:
    path = tmp_path / "needs.csv"
    path.write_text("#adm3+code,#inneed\nUA3208015,500\nUA9999999,10\nUA4606025,-4\n")
    url = reverse("reporting:needs")
    with path.open("rb") as f:
        page = client_for(network.oblast_coordinator).post(url, {"file": f}).content.decode()
    assert "Unknown P-code “UA9999999”." in page
    assert "outside the areas you coordinate" in page  # Lviv, for a Kyiv coordinator
    assert NeedsFigure.objects.count() == 0
    with path.open("rb") as f:
        client_for(network.coordinator).post(url, {"file": f})
    assert NeedsFigure.objects.count() == 0


def test_the_gap_page_renders_map_charts_and_a_sortable_table(
    network: People, django_assert_max_num_queries: Any
) -> None:
    url = reverse("reporting:gaps") + "?month=2026-03&country=UA&level=3&sort=-reached"
    client = client_for(network.coordinator)
    client.get(url)
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="map geo-map"' in page
    assert 'class="chart"' in page
    assert page.index("UA3208015") < page.index("UA4606025")  # sorted by people reached
    assert 'aria-sort="descending"' in page
    level1 = client.get(reverse("reporting:gaps") + "?month=2026-03&level=1").content.decode()
    assert 'class="map geo-map"' in level1  # the test slice has no boundaries or centroids


def test_the_gap_page_costs_the_same_queries_for_many_areas_and_rows(
    network: People, tmp_path: Path
) -> None:
    """No query per area, row, layer or organisation: a country has thousands of areas."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carenet.geo.models import AdminArea

    url = reverse("reporting:gaps") + "?month=2026-03&country=UA&level=3&sort=-l3_reached"
    client = client_for(network.coordinator)

    def queries() -> tuple[int, str]:
        client.get(url)  # areas and directory listings are kept between views
        with CaptureQueriesContext(connection) as seen:
            page = client.get(url).content.decode()
        return len(seen.captured_queries), page

    few, _page = queries()
    bucha = AdminArea.objects.get(pcode="UA3208")
    for i in range(60):
        AdminArea.objects.create(
            pcode=f"UA32080{50 + i}",
            level=3,
            parent=bucha,
            path=f"{bucha.path}UA32080{50 + i}/",
            country="UA",
            boundary_set=bucha.boundary_set,
            name_en=f"Hromada {i}",
            population=1000 + i,
        )
    for i in range(0, 60, 3):
        add_row(network.outsider, network.org_b, pcode=f"UA32080{50 + i}", reached_total=9 + i)
    add_row(network.focal_point, network.org_a, activity="1.2", pcode="UA32", reached_total=50)
    path = tmp_path / "needs.csv"
    path.write_text("pcode,people_in_need\nUA3208050,500\nUA3208053,80\n")
    services.needs_import(
        actor=network.coordinator, path=path, source="MSNA", may_cover=lambda area: True
    )
    many, page = queries()
    assert many == few <= 12, (many, few)
    assert page.count('<td class="layer">') == 50 * 4  # a full page of areas, 4 layers each
    assert "Hromada 57" in page  # the most people reached in layer 3 lead


@pytest.mark.parametrize("name", ["gaps", "gaps_activities"])
def test_every_gap_view_exports(network: People, name: str) -> None:
    base = reverse(f"reporting:{name}") + "?month=2026-03&country=UA&level=3"
    response = client_for(network.coordinator).get(base + "&format=csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(table) >= 3 and "<5" in {cell for row in table for cell in row}
    xlsx = client_for(network.coordinator).get(base + "&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.active.max_row == len(table)


def test_a_service_listed_in_the_directory_closes_a_gap(network: People) -> None:
    from carenet.directory import services as directory
    from carenet.taxonomy import queries as taxonomy

    irpin = _rollup("UA3208015").area
    site = directory.site_create(
        actor=None,
        organisation=network.org_b,
        data={"name_en": "Beta clinic", "kind": "clinic", "area": irpin},
    )
    directory.service_create(
        actor=None,
        organisation=network.org_b,
        sites=[site],
        data={"name_en": "Psychiatric care", "layer": taxonomy.term("pyramid-layer", "4")},
    )
    rows = {r["pcode"]: r for r in gaps.area_analysis(network.coordinator, MONTH, 3, "UA").rows}
    assert rows["UA3208015"]["l4_services"] == 1 and rows["UA3208015"]["l4_gap"] is False
    assert rows["UA3208015"]["gap_layers"] == [1, 2]
    assert rows["UA4606025"]["services"] == 0


def test_rows_at_a_higher_level_are_listed_apart_not_spread_over_hromadas(
    network: People,
) -> None:
    oblast_row = add_row(
        network.focal_point, network.org_a, activity="1.2", pcode="UA32", reached_total=500
    )
    add_row(network.outsider, network.org_b, activity="7.1", pcode="UA4606", reached_total=3)
    oblast, raion = _rollup("UA32"), _rollup("UA4606")
    assert (oblast.direct_orgs, oblast.direct_reached) == (1, 500)
    assert oblast.direct_activity_org_counts() == {"1.2": 1}
    assert oblast.reached_total == 625  # the hromada rows below it as well
    assert (raion.direct_orgs, raion.direct_reached) == (1, 3)
    assert _rollup("UA3208").direct_orgs == 0  # Irpin's rows are Irpin's, not the raion's

    analysis = gaps.area_analysis(network.coordinator, MONTH, 3, "UA")
    higher = {r["pcode"]: r for r in analysis.higher}
    assert sorted(higher) == ["UA32", "UA4606"]
    assert (higher["UA32"]["orgs"], higher["UA32"]["activities"]) == (1, "1.2")
    assert higher["UA32"]["reached"] == 500 and higher["UA4606"]["reached"] is None  # <5
    rows = {r["pcode"]: r for r in analysis.rows}
    assert rows["UA3208015"]["reached"] == 125  # not spread into the hromada
    assert rows["UA3208015"]["l2_gap"] is True  # 1.2 is layer 2, reported for the oblast
    assert (rows["UA3208015"]["higher"], rows["UA4606025"]["higher"]) == ("UA32", "UA4606")
    level2 = gaps.area_analysis(network.coordinator, MONTH, 2, "UA")
    assert [r["pcode"] for r in level2.higher] == ["UA32"]  # a raion's own rows are level 2's
    assert gaps.area_analysis(network.coordinator, MONTH, 1, "UA").higher == []
    # an oblast coordinator sees only their oblast's
    mine = gaps.area_analysis(network.oblast_coordinator, MONTH, 3, "UA")
    assert [r["pcode"] for r in mine.higher] == ["UA32"]

    page = client_for(network.coordinator).get(
        reverse("reporting:gaps") + "?month=2026-03&country=UA&level=3"
    )
    assert "Reported at a higher level" in page.content.decode()
    services.row_delete(actor=network.focal_point, row=oblast_row)
    assert _rollup("UA32").direct_orgs == 0 and _rollup("UA32").direct_activity_orgs == ""
    assert [r["pcode"] for r in gaps.area_analysis(network.coordinator, MONTH, 3, "UA").higher] == [
        "UA4606"
    ]


def test_a_full_rebuild_keeps_the_rows_reported_at_a_higher_level(network: People) -> None:
    add_row(network.focal_point, network.org_a, activity="1.2", pcode="UA32", reached_total=500)
    before = AreaRollup.objects.values_list("area_id", "direct_orgs", "direct_reached")
    incremental = sorted(before)
    rollups.rebuild_month(MONTH)
    assert sorted(before.all()) == incremental


def test_the_page_orders_and_maps_areas_as_the_full_rows_would(network: People) -> None:
    """Sorting and the map read one column; it must agree with the full rows exports use."""
    add_row(network.focal_point, network.org_a, activity="1.2", pcode="UA32", reached_total=500)
    analysis = gaps.area_analysis(network.coordinator, MONTH, 3, "UA")
    rows = analysis.rows
    for key in gaps._COLUMNS:
        assert analysis.column(key) == [r[key] for r in rows], key
    columns = gaps.area_columns()
    for col in columns:
        for sort in (col.key, f"-{col.key}"):
            order, used = gaps.area_order(analysis, sort, columns, "-gaps")
            expected, same = gaps.sort_rows(rows, sort, columns, "-gaps")
            assert (used, [rows[i]["pcode"] for i in order]) == (
                same,
                [r["pcode"] for r in expected],
            )
    values = gaps.map_values(analysis, "per_10k")
    assert values == {r["pcode"]: r["per_10k"] for r in rows}


@pytest.mark.parametrize("language", ["en", "uk", "pl"])
def test_table_numbers_read_as_django_formats_them(language: str) -> None:
    from django.utils import translation
    from django.utils.formats import number_format

    from carenet.reporting.templatetags.reporting_tags import Numbers, figure, people

    with translation.override(language):
        numbers = Numbers()
        for value in (0, 7, 999, 1000, 12345, 1234567, 12.5, 1234.5, None, "", "UA32", True):
            assert numbers.figure(value) == figure(value), value
        for value in (0, 4, 1000, 2_000_000, None):
            assert numbers.people(value) == people(value), value
        assert numbers.whole(1234567) == number_format(1234567, force_grouping=True)
        assert numbers.whole(1234567) != "1234567"
