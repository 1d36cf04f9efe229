from __future__ import annotations

import time

import pytest
from django.db.models import Sum

from carenet.geo import loaders
from carenet.geo.loaders import AreaRow, GazetteerFileError, load_poland, load_ukraine
from carenet.geo.models import AdminArea, BoundarySet


def count(**filters: object) -> int:
    return AdminArea.objects.filter(**filters).count()


def snapshot() -> list[tuple]:
    fields = [
        "pcode",
        "level",
        "parent_id",
        "path",
        "name_en",
        "name_uk",
        "name_pl",
        "kind",
        "population",
        "population_year",
        "population_source",
        "lat",
        "lon",
        "boundary",
        "flags",
        "attributes",
        "search_text",
        "boundary_set_id",
    ]
    return list(AdminArea.objects.order_by("pcode").values_list(*fields))


def test_it_loads_every_ukrainian_unit_that_source_md_lists(db: None) -> None:
    report = load_ukraine()

    assert (count(country="UA", level=1), count(country="UA", level=2)) == (27, 139)
    assert count(country="UA", level=3) == 1769
    assert {k: c.created for k, c in report.levels.items()} == {1: 27, 2: 139, 3: 1769}
    hromadas = AdminArea.objects.filter(country="UA", level=3)
    assert hromadas.flagged("reform_2020").count() == 1469
    assert hromadas.flagged("crimea").count() == 297
    assert sorted(hromadas.flagged("pseudo_unit").values_list("pcode", flat=True)) == [
        "UA3200000",
        "UA8000000",
        "UA8500000",
    ]
    # 31 hromadas marked by KSE, the 297 of Crimea and Sevastopol
    assert hromadas.flagged("occupied_before_2022").count() == 31 + 297 + 1
    assert {k: hromadas.filter(kind=k).count() for k in ("rural", "settlement", "urban")} == {
        "rural": 625,
        "settlement": 435,
        "urban": 409,
    }
    assert hromadas.aggregate(s=Sum("population"))["s"] == 38_215_034
    assert count(level=4) == 0  # settlements only when asked


def test_it_loads_every_polish_unit_with_pl_plus_teryt_codes(db: None) -> None:
    load_poland()

    assert [count(country="PL", level=lv) for lv in (1, 2, 3)] == [16, 380, 2477]
    gmina = AdminArea.objects.get(pcode="PL0201011")
    assert (gmina.parent.pcode, gmina.parent.parent.pcode) == ("PL0201", "PL02")
    assert gmina.path == "PL02/PL0201/PL0201011/"
    assert (gmina.name_pl, gmina.name_en, gmina.name_uk) == ("Bolesławiec", "Bolesławiec", "")
    assert gmina.kind == "gmina miejska"
    assert AdminArea.objects.get(pcode="PL0201022").kind == "gmina wiejska"
    gminas = AdminArea.objects.filter(country="PL", level=3)
    assert gminas.filter(kind="gmina miejsko-wiejska").count() == 711
    assert gminas.aggregate(s=Sum("population"))["s"] == 37_907_704
    assert AdminArea.objects.get(pcode="PL02").attributes["teryt"] == "02"  # leading zero kept


def test_loading_twice_changes_nothing(db: None) -> None:
    load_ukraine()
    load_poland()
    before = snapshot()

    again = [load_ukraine(), load_poland()]

    assert [(r.created, r.updated) for r in again] == [(0, 0), (0, 0)]
    assert [r.unchanged for r in again] == [27 + 139 + 1769, 16 + 380 + 2477]
    assert snapshot() == before
    assert BoundarySet.objects.count() == 2


def test_it_sets_parent_and_materialised_path_of_a_hromada(db: None) -> None:
    load_ukraine()

    hromada = AdminArea.objects.select_related("parent__parent").get(pcode="UA0502001")

    assert hromada.parent.pcode == "UA0502"
    assert hromada.parent.parent.pcode == "UA05"
    assert hromada.parent.parent.parent is None
    assert hromada.path == "UA05/UA0502/UA0502001/"
    assert hromada.level == 3
    oblast = AdminArea.objects.get(pcode="UA05")
    assert AdminArea.objects.within(oblast).filter(level=3).count() == 63
    assert hromada.boundary_set.version == "cod-ab-2026-02"


def test_it_keeps_names_population_centroids_and_centres(db: None) -> None:
    load_ukraine()

    hromada = AdminArea.objects.get(pcode="UA0502001")
    assert (hromada.name_en, hromada.name_uk) == ("Ahronomichna", "Агрономічна")
    assert hromada.population_year == 2022 and hromada.population > 0
    assert hromada.lat == pytest.approx(49.2, abs=0.2)
    assert hromada.attributes["centre"] == [49.1927696, 28.3720314]
    assert hromada.reference_point == (49.1927696, 28.3720314)
    crimean = AdminArea.objects.get(pcode="UA0102003")
    assert crimean.population is None and crimean.reference_point == (crimean.lat, crimean.lon)
    assert "crimea" in crimean.flags and "reform_2020" not in crimean.flags


def test_it_stores_boundaries_for_oblasts_voivodeships_and_powiats_only(db: None) -> None:
    load_ukraine()
    load_poland()

    with_boundary = AdminArea.objects.filter(boundary__isnull=False)
    assert with_boundary.filter(country="UA", level=1).count() == 27
    assert with_boundary.filter(country="PL", level=1).count() == 16
    assert with_boundary.filter(country="PL", level=2).count() == 380
    assert with_boundary.filter(level=3).count() == 0
    assert AdminArea.objects.get(pcode="UA05").boundary["type"] in {"Polygon", "MultiPolygon"}


def test_kinds_and_flags_of_the_special_units(db: None) -> None:
    load_ukraine()

    kinds = dict(AdminArea.objects.filter(level=1).values_list("pcode", "kind"))
    assert (kinds["UA01"], kinds["UA80"], kinds["UA85"], kinds["UA05"]) == (
        "autonomous_republic",
        "city_special_status",
        "city_special_status",
        "oblast",
    )
    assert AdminArea.objects.get(pcode="UA01").flags == ["crimea", "occupied_before_2022"]
    assert AdminArea.objects.get(pcode="UA3200").flags == ["pseudo_unit"]
    assert AdminArea.objects.get(pcode="UA0502").kind == "raion"


def test_polish_gminas_take_their_powiat_centroid(db: None) -> None:
    load_poland()

    gmina = AdminArea.objects.select_related("parent").get(pcode="PL0201022")

    assert (gmina.lat, gmina.lon) == (gmina.parent.lat, gmina.parent.lon)
    assert gmina.flags == ["centroid_from_powiat"]
    assert count(country="PL", level=3, lat__isnull=True) == 0


def test_it_takes_over_areas_made_before_and_counts_them_updated(
    areas: dict[str, AdminArea],
) -> None:
    report = load_ukraine()

    irpin = AdminArea.objects.get(pcode="UA3208015")
    assert irpin.boundary_set.version == "cod-ab-2026-02"
    assert irpin.pk == areas["irpin"].pk  # same row: references to it stay valid
    # the files decide: the test slice has no Ukrainian name, the gazetteer has
    assert (irpin.name_en, irpin.name_uk) == ("Irpinska", "Ірпінська")
    assert report.updated == 6  # the six Ukrainian areas of the test slice
    assert report.created == 1935 - 6


def test_it_counts_areas_no_longer_in_the_files_and_keeps_them(db: None) -> None:
    load_ukraine()
    bs = BoundarySet.objects.get(country="UA")
    AdminArea.objects.create(
        pcode="UA0599999",
        level=3,
        path="UA05/UA0599999/",
        country="UA",
        boundary_set=bs,
        name_en="Old",
    )

    report = load_ukraine()

    assert report.not_in_files == 1
    assert AdminArea.objects.filter(pcode="UA0599999").exists()


def test_settlements_load_under_their_hromada_when_asked(db: None) -> None:
    started = time.process_time()
    report = load_ukraine(settlements=True)
    assert time.process_time() - started < 8

    assert report.levels[4].created == 29_705
    settlement = AdminArea.objects.get(pcode="UA0102001001")  # hromada not a COD unit
    assert settlement.parent.pcode == "UA0102"
    assert settlement.flags == ["crimea", "occupied_before_2022", "hromada_not_in_cod"]
    assert settlement.attributes == {"adm3_pcode": "UA0102001"}
    assert AdminArea.objects.filter(level=4).flagged("hromada_not_in_cod").count() == 31
    ordinary = AdminArea.objects.filter(level=4, parent__pcode="UA0502001").first()
    assert ordinary is not None and ordinary.path.startswith("UA05/UA0502/UA0502001/")

    again = load_ukraine(settlements=True)
    assert (again.created, again.updated, again.levels[4].unchanged) == (0, 0, 29_705)


def test_loading_both_countries_is_fast(db: None) -> None:
    started = time.process_time()  # CPU time: other processes on the machine do not count
    load_ukraine()
    load_poland()

    assert time.process_time() - started < 3


def test_a_file_with_an_orphan_loads_nothing(db: None) -> None:
    rows = {
        1: [AreaRow("UA05", 1, None, "Vinnytska")],
        2: [AreaRow("UA0502", 2, "UA05", "Vinnytskyi"), AreaRow("UA9902", 2, "UA99", "X")],
    }

    with pytest.raises(GazetteerFileError, match="UA9902: parent UA99"):
        loaders.load_rows("UA", "broken", "", rows)

    assert count() == 0
    assert not BoundarySet.objects.filter(version="broken").exists()


def test_a_file_with_a_duplicate_code_is_refused(db: None) -> None:
    rows = {1: [AreaRow("UA05", 1, None, "A"), AreaRow("UA05", 1, None, "B")]}

    with pytest.raises(GazetteerFileError, match="UA05 appears twice"):
        loaders.load_rows("UA", "broken", "", rows)
    assert count() == 0


def test_search_text_folds_every_name(db: None) -> None:
    load_poland()

    assert AdminArea.objects.get(pcode="PL1061").search_text == "|lodz||lodz|pl1061|"
