"""The CoP reference data and its loader."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from carenet.cop.models import (
    CompetencyFramework,
    CompetencyItem,
    Curriculum,
    Profession,
    WellbeingItem,
)
from carenet.cop.reference import DATA_DIR, load_reference, rows

pytestmark = pytest.mark.django_db


def test_it_loads_every_file_and_is_idempotent() -> None:
    first = load_reference()
    counts = (
        Curriculum.objects.count(),
        CompetencyItem.objects.count(),
        Profession.objects.count(),
        WellbeingItem.objects.count(),
    )
    second = load_reference()
    assert first["created"] > 40 and second == {"created": 0, "updated": 0}
    assert counts == (
        Curriculum.objects.count(),
        CompetencyItem.objects.count(),
        Profession.objects.count(),
        WellbeingItem.objects.count(),
    )
    assert {
        "psychologist",
        "social-worker",
        "teacher",
        "nurse",
        "doctor",
        "peer-supporter",
        "volunteer",
    } <= set(Profession.objects.values_list("code", flat=True))
    assert {"pfa", "shplus-facilitation", "pmplus", "mhgap-ig", "cbt-basics", "mind-body"} <= set(
        Curriculum.objects.values_list("code", flat=True)
    )
    assert CompetencyFramework.objects.filter(is_default=True).count() == 1


def test_admin_edits_survive_a_reload_unless_updating() -> None:
    load_reference()
    Profession.objects.filter(code="teacher").update(name_en="School teacher")
    load_reference()
    assert Profession.objects.get(code="teacher").name_en == "School teacher"
    out = StringIO()
    call_command("load_cop_reference", "--update", stdout=out)
    assert Profession.objects.get(code="teacher").name_en == "Teacher"
    assert "updated" in out.getvalue()


def test_every_row_is_translated() -> None:
    for name, stem in [
        ("professions.csv", "name"),
        ("curricula.csv", "name"),
        ("competency_items.csv", "name"),
        ("competency_levels.csv", "label"),
        ("supervision_themes.csv", "name"),
        ("wellbeing_items.csv", "text"),
        ("wellbeing_options.csv", "label"),
    ]:
        for row in rows(name):
            assert row[f"{stem}_uk"] and row[f"{stem}_pl"], (name, row[f"{stem}_en"])


def test_a_malformed_file_loads_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    text = (data / "curricula.csv").read_text().replace(",true,10", ",perhaps,10")
    (data / "curricula.csv").write_text(text)
    with pytest.raises(ValueError, match="boolean"):
        load_reference(data_dir=data)
    assert not Profession.objects.exists()  # one transaction
