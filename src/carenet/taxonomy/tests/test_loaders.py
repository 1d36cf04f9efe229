"""The shipped code lists load completely, idempotently, and malformed files change nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from carenet.taxonomy.loaders import DATA_DIR, TaxonomyFileError, load_all, load_scheme
from carenet.taxonomy.models import Scheme, Term

EXPECTED = {
    "pyramid-layer": ("IASC-2007", 4),
    "iasc-4w": ("2012", 30),
    "msp-activity": ("2022-unverified", 20),
    "target-group": ("carenet-1", 18),
    "intervention": ("carenet-1", 11),
    "sector": ("carenet-1", 6),
    "language": ("carenet-1", 11),
    "delivery-mode": ("carenet-1", 4),
}
VERIFIED_4W = {"1.1", "1.2", "3.5", "4.1", "6.1", "7.1", "7.2", "8.1", "8.2", "8.4", "8.6",
               "9.1", "9.2", "9.3", "10.1", "10.2", "11.1", "11.3", "11.5"}  # fmt: skip


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A writable copy of the shipped data folder."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def snapshot() -> list[tuple]:
    return list(Term.objects.order_by("pk").values_list(
        "scheme__code", "scheme__version", "code", "parent__code", "label_en", "label_uk",
        "label_pl", "attributes", "verified", "sort_order", "is_active"))  # fmt: skip


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_it_loads_every_scheme_with_the_expected_counts(db: None) -> None:
    report = load_all()
    assert {k: (c.version, c.created) for k, c in report.items()} == EXPECTED
    for code, (version, count) in EXPECTED.items():
        scheme = Scheme.objects.get(code=code)
        assert (scheme.version, scheme.is_current) == (version, True)
        assert scheme.terms.count() == count


def test_loading_twice_changes_nothing(db: None) -> None:
    load_all()
    before = snapshot()
    report = load_all()
    assert snapshot() == before
    assert all(c.created == c.updated == 0 and not c.scheme_changed for c in report.values())
    assert sum(c.unchanged for c in report.values()) == sum(n for _, n in EXPECTED.values())


def test_every_term_has_ukrainian_and_polish_labels(taxonomies: None) -> None:
    missing = Term.objects.filter(label_uk="") | Term.objects.filter(label_pl="")
    assert not missing.exists()
    for scheme in Scheme.objects.all():
        assert scheme.name_uk and scheme.name_pl


def test_4w_holds_the_top_codes_recalled_and_the_subcodes_verified(taxonomies: None) -> None:
    terms = {t.code: t for t in Term.objects.filter(scheme__code="iasc-4w")}
    top = {str(n) for n in range(1, 12)}
    assert set(terms) == top | VERIFIED_4W
    assert {c for c, t in terms.items() if t.verified} == VERIFIED_4W
    for code in VERIFIED_4W:
        assert terms[code].parent == terms[code.split(".")[0]]
        assert set(terms[code].attributes) == {"family", "layer", "counts_people"}
    assert terms["7.1"].attributes["family"] == "person"
    assert terms["11.5"].attributes["family"] == "general"


def test_msp_activities_are_unverified_and_grouped(taxonomies: None) -> None:
    terms = Term.objects.filter(scheme__code="msp-activity")
    assert not terms.filter(verified=True).exists()
    assert terms.filter(parent__isnull=True).count() == 4
    assert all(t.parent is not None for t in terms.exclude(parent__isnull=True))


def test_a_file_edit_updates_only_what_changed(db: None, data: Path) -> None:
    load_all(data)
    rewrite(data / "sector.csv", "Livelihoods,", "Livelihoods and economic recovery,")
    report = load_all(data)
    assert (report["sector"].updated, report["sector"].unchanged) == (1, 5)
    assert report["iasc-4w"].updated == 0
    assert Term.objects.get(scheme__code="sector", code="livelihoods").label_en.startswith(
        "Livelihoods and economic"
    )


def test_terms_added_outside_the_files_are_kept(taxonomies: None) -> None:
    scheme = Scheme.objects.get(code="iasc-4w")
    Term.objects.create(scheme=scheme, code="8.3", parent=scheme.terms.get(code="8"),
                        label_en="Added in the admin")  # fmt: skip
    report = load_all()
    assert report["iasc-4w"].not_in_file == 1
    assert scheme.terms.filter(code="8.3", is_active=True).exists()


def test_a_new_current_version_retires_the_old_one(db: None, data: Path) -> None:
    load_all(data)
    shutil.copy(data / "sector.csv", data / "sector-2027.csv")
    schemes = (data / "schemes.csv").read_text(encoding="utf-8")
    schemes = schemes.replace("Sektory,,true,sector.csv", "Sektory,,false,sector.csv")
    schemes += "sector,2027,Sectors,Сектори,Sektory,,true,sector-2027.csv\n"
    (data / "schemes.csv").write_text(schemes, encoding="utf-8")
    report = load_all(data)
    assert report["sector"].version == "2027" and report["sector"].created == 6
    assert report["sector@carenet-1"].unchanged == 6
    assert list(Scheme.objects.filter(code="sector", is_current=True).values_list(
        "version", flat=True)) == ["2027"]  # fmt: skip


def test_load_scheme_loads_one_scheme(db: None) -> None:
    counts = load_scheme("sector")
    assert (counts.version, counts.created) == ("carenet-1", 6)
    assert list(Scheme.objects.values_list("code", flat=True)) == ["sector"]
    with pytest.raises(TaxonomyFileError, match="no-such"):
        load_scheme("no-such")


BAD_FILES = [
    ("iasc-4w.csv", "8.1,8,", "8.1,88,", "iasc-4w.csv, line 17: unknown parent 88 of 8.1"),
    ("sector.csv", "education,,", "health,,", "sector.csv, line 3: duplicate code health"),
    (
        "intervention.csv",
        '{""layer"": ""4""}',
        '{""layer"": ""4""',
        "intervention.csv, line 6: attributes are not valid JSON",
    ),
    ("target-group.csv", "{}", "[1]", "target-group.csv, line 2: attributes must be a JSON object"),
    (
        "delivery-mode.csv",
        ",true,20",
        ",maybe,20",
        "delivery-mode.csv, line 3: verified must be true or false, not maybe",
    ),
    ("language.csv", "ukraiński,", ",", "language.csv, line 2: label_pl is empty"),
    (
        "pyramid-layer.csv",
        "https://www.mhpss.net/toolkit/emergency/category/mhpss-interventions,false,20",
        "not a url,false,20",
        "pyramid-layer.csv, line 3: source_url not a url is not a web address",
    ),
    (
        "schemes.csv",
        "Sektory,,true",
        "Sektory,,true\nsector,carenet-1,S,S,S,,false,sector.csv\nx",
        "schemes.csv, line 8: duplicate scheme sector@carenet-1",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "message"), BAD_FILES)
def test_a_malformed_file_is_a_clear_error_and_changes_nothing(
    db: None, data: Path, name: str, old: str, new: str, message: str
) -> None:
    load_all(data)
    before = snapshot()
    rewrite(data / name, old, new)
    with pytest.raises(TaxonomyFileError) as caught:
        load_all(data)
    assert message in str(caught.value)
    assert snapshot() == before


def test_a_malformed_file_changes_nothing_even_on_first_load(db: None, data: Path) -> None:
    rewrite(data / "sector.csv", "health,,", "health,nowhere,")
    with pytest.raises(TaxonomyFileError, match=r"sector.csv, line 2: unknown parent nowhere"):
        load_all(data)
    assert not Scheme.objects.exists() and not Term.objects.exists()


def test_parents_in_a_loop_are_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "loop.csv"
    path.write_text(
        "code,parent,label_en,label_uk,label_pl,description_en,attributes,source_url,verified,"
        "sort_order\na,b,A,А,A,,{},,true,1\nb,a,B,Б,B,,{},,true,2\n",  # noqa: RUF001
        encoding="utf-8",
    )
    (tmp_path / "schemes.csv").write_text(
        "code,version,name_en,name_uk,name_pl,source_url,is_current,file\n"
        "loop,1,Loop,Петля,Pętla,,true,loop.csv\n",
        encoding="utf-8",
    )
    with pytest.raises(
        TaxonomyFileError, match=re.escape("loop.csv, line 2: the parents of a form a loop")
    ):
        load_all(tmp_path)


def test_other_structural_errors_name_the_file(db: None, data: Path) -> None:
    (data / "sector.csv").write_bytes(b"code,parent\nhealth,\n")
    with pytest.raises(
        TaxonomyFileError, match=re.escape("sector.csv, line 1: missing columns: label_en")
    ):
        load_all(data)
    (data / "sector.csv").write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(
        TaxonomyFileError, match=re.escape("sector.csv, line 1: the file is not UTF-8")
    ):
        load_all(data)
    (data / "sector.csv").unlink()
    with pytest.raises(
        TaxonomyFileError, match=re.escape("schemes.csv, line 7: file sector.csv not found")
    ):
        load_all(data)


def test_two_current_versions_are_refused(db: None, data: Path) -> None:
    with (data / "schemes.csv").open("a", encoding="utf-8") as f:
        f.write("sector,2027,Sectors,Сектори,Sektory,,true,sector.csv\n")
    with pytest.raises(TaxonomyFileError, match="line 10: two current versions of sector"):
        load_all(data)


def test_the_command_prints_counts(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_taxonomies")
    out = capsys.readouterr().out
    assert "iasc-4w 2012: 30 terms (created 30, updated 0, unchanged 0)" in out
    assert "8 schemes, 104 terms loaded." in out
    call_command("load_taxonomies", "--scheme", "sector")
    assert (
        "sector carenet-1: 6 terms (created 0, updated 0, unchanged 6)" in capsys.readouterr().out
    )


def test_the_command_reports_a_malformed_file(db: None, data: Path) -> None:
    rewrite(data / "sector.csv", "health,,", "health,nowhere,")
    with pytest.raises(CommandError, match=re.escape("sector.csv, line 2: unknown parent nowhere")):
        call_command("load_taxonomies", "--data-dir", str(data))
