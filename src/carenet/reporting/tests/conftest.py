"""4W test data: real code lists (the `taxonomies` fixture), the personas' areas, and small
spreadsheets written with xlsxwriter or csv into tmp_path."""

from __future__ import annotations

import csv
import datetime
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from carenet.conftest import People
from carenet.reporting import services
from carenet.reporting.columns import BY_KEY, TEMPLATE_COLUMNS
from carenet.reporting.models import ImportJob

MONTH = datetime.date(2026, 3, 1)
KEYS = [c.key for c in TEMPLATE_COLUMNS]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: the gap pages are kept there, and a test that
    writes figures without the services (and so without a version bump) must not be shown
    the page of the test before it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """The personas' passwords are hashed with Argon2 on purpose (slow); these tests never
    sign in with a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def codes(taxonomies: None) -> dict[str, str]:
    """Codes of the real lists the tests use."""
    from carenet.taxonomy import queries as taxonomy

    groups = sorted(taxonomy.terms_by_code("target-group"))
    return {"group": groups[0], "group2": groups[1]}


def good_row(**overrides: Any) -> dict[str, Any]:
    """A valid row for ALPHA in Irpin, March 2026 (counts add up)."""
    row: dict[str, Any] = {
        "org": "ALPHA",
        "activity": "8.1",
        "pcode": "UA3208015",
        "status": "ongoing",
        "start_date": datetime.date(2026, 3, 4),
        "reached_f_0_17": 3,
        "reached_m_0_17": 2,
        "reached_f_18_59": 10,
        "reached_m_18_59": 6,
        "reached_f_60": 2,
        "reached_m_60": 1,
        "reached_total": 24,
        "sessions": 6,
        "trained": 0,
        "comments": "",
    }
    row.update(overrides)
    return row


def write_xlsx(
    path: Path, rows: Sequence[dict[str, Any]], *, hxl: bool = True, keys: Sequence[str] = KEYS
) -> Path:
    """A filled-in template: titles, hashtags, then the rows (dates as real dates)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("4W")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for i, key in enumerate(keys):
        sheet.write_string(0, i, str(BY_KEY[key].label))
        if hxl:
            sheet.write_string(1, i, BY_KEY[key].hxl)
    start = 2 if hxl else 1
    for r, row in enumerate(rows, start=start):
        for i, key in enumerate(keys):
            value = row.get(key)
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, i, datetime.datetime.combine(value, datetime.time()), date)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, i, value)
            elif value not in (None, ""):
                sheet.write_string(r, i, str(value))
    book.close()
    return path


def write_csv(
    path: Path,
    rows: Sequence[dict[str, Any]],
    *,
    hxl: bool = False,
    labels: bool = True,
    keys: Sequence[str] = KEYS,
    delimiter: str = ",",
) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        if labels:
            writer.writerow([str(BY_KEY[k].label) for k in keys])
        if hxl:
            writer.writerow([BY_KEY[k].hxl for k in keys])
        for row in rows:
            writer.writerow([_text(row.get(k)) for k in keys])
    return path


def write_ods(path: Path, rows: Sequence[dict[str, Any]], keys: Sequence[str] = KEYS) -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice saves), written by hand."""

    def cell(value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{_text(value)}'
            "</text:p></table:table-cell>"
        )

    body = [
        "<table:table-row>"
        + "".join(cell(str(BY_KEY[k].label)) for k in keys)
        + "</table:table-row>",
        "<table:table-row>" + "".join(cell(BY_KEY[k].hxl) for k in keys) + "</table:table-row>",
    ]
    body += [
        "<table:table-row>" + "".join(cell(r.get(k)) for k in keys) + "</table:table-row>"
        for r in rows
    ]
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="4W">'
        + "".join(body)
        + "</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return path


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@pytest.fixture
def run_import(people: People) -> Callable[..., ImportJob]:
    """Import a file for ALPHA as its focal point, the way the upload page does."""

    def _run(
        path: Path, *, month: datetime.date | None = MONTH, org: Any = None, **options: Any
    ) -> ImportJob:
        with path.open("rb") as f:
            return services.import_start(
                actor=people.focal_point,
                organisation=org or people.org_a,
                month=month,
                upload=f,
                file_name=path.name,
                **options,
            )

    return _run


def error_codes(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(e["line"], e["column"], e["code"]) for e in job.errors]
