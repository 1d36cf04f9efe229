"""The exported HSDS data package validates against its own `datapackage.json`: required
fields, types, unique constraints, primary and foreign keys (checked by `frictionless`)."""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from pathlib import Path
from typing import Any

import frictionless
import pytest

from carenet.conftest import People
from carenet.core.demo import DemoContext
from carenet.directory import demo
from carenet.directory.hsds import exchange as hsds_exchange
from carenet.directory.hsds import out as hsds_out
from carenet.directory.tests.test_hsds_roundtrip import OFFICIAL, _import, _placed
from carenet.geo.models import AdminArea


def _problems(package: bytes, folder: Path) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        zf.extractall(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    with frictionless.system.use_context(trusted=True):
        report = frictionless.Package(descriptor, basepath=str(folder)).validate()  # type: ignore[misc]
    return [
        f"{task.name}: {error.type}: {error.message}"
        for task in report.tasks
        for error in task.errors
    ] + [f"package: {error.message}" for error in report.errors]


@pytest.fixture
def demo_directory(people: People, located_areas: dict[str, AdminArea], terms: dict) -> None:
    ctx = DemoContext(seed=3, scale="small", rng=random.Random(3), log=lambda m: None)
    ctx.organisations = [people.org_a, people.org_b]
    ctx.areas = [located_areas["irpin"], located_areas["lviv"]]
    demo.build(ctx)


def test_the_demo_directory_package_validates_against_its_descriptor(
    demo_directory: None, tmp_path: Path
) -> None:
    package = hsds_exchange.export_zip()
    assert _problems(package, tmp_path) == []
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        attributes = zf.read("attributes.csv").decode()
        terms = zf.read("taxonomy_terms.csv").decode()
    assert "carenet:name_en" in attributes  # CareNet's own facts, with a term each
    assert hsds_out.carenet_term("name_en")["id"] in terms


def test_a_package_with_imported_official_examples_validates(
    demo_directory: None, located_areas: dict[str, AdminArea], tmp_path: Path
) -> None:
    for name in ("service_full.json", "organization_full.json"):
        doc: Any = json.loads((OFFICIAL / name).read_text())
        _import(_placed(doc, located_areas["lviv"]))
    assert _problems(hsds_exchange.export_zip(), tmp_path) == []


def test_the_checker_finds_what_breaks_the_descriptor(demo_directory: None, tmp_path: Path) -> None:
    """A missing required value, a repeated id and a dangling foreign key are all found."""
    package = hsds_exchange.export_zip()
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.namelist():
            data = src.read(item).decode()
            if item == "services.csv":
                rows = list(csv.DictReader(io.StringIO(data)))
                stray = {**rows[0], "organization_id": "00000000-0000-0000-0000-000000000000"}
                out = io.StringIO()
                writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
                writer.writeheader()
                writer.writerows([*rows, stray])  # the same id twice, an unknown organization
                data = out.getvalue()
            dst.writestr(item, data)
    found = " ".join(_problems(broken.getvalue(), tmp_path))
    assert "primary-key" in found or "unique" in found
    assert "foreign-key" in found
