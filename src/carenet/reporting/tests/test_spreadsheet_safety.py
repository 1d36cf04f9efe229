"""A spreadsheet that expands to hundreds of megabytes is refused before it is parsed: fast,
and in bounded memory (measured in a child process, the way a worker would run it)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from carenet.conftest import People
from carenet.reporting.models import ImportStatus

ROWS = 2_000_000
PEAK_LIMIT_MB = 300
_WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="4W" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def big_xlsx(path: Path, rows: int = ROWS, *, dimension: bool = True) -> Path:
    """An XLSX of `rows` rows of three cells, written straight into the zip (deflated)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/')
            f.write(b'spreadsheetml/2006/main">')
            if dimension:
                f.write(f'<dimension ref="A1:C{rows}"/>'.encode())
            f.write(b"<sheetData>")
            chunk = []
            for r in range(1, rows + 1):
                chunk.append(
                    f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"><v>2</v></c>'
                    f'<c r="C{r}"><v>3</v></c></row>'
                )
                if len(chunk) == 50_000:
                    f.write("".join(chunk).encode())
                    chunk = []
            f.write("".join(chunk).encode())
            f.write(b"</sheetData></worksheet>")
    return path


_CHILD = """
import json, resource, sys, time
import django
django.setup()
from pathlib import Path
from carenet.reporting import readers
start = time.perf_counter()
try:
    readers.open_table(Path(sys.argv[1]))
    code = "read"
except readers.UnreadableFile as exc:
    code = exc.code
seconds = time.perf_counter() - start
# VmHWM is this process's own peak; ru_maxrss would include the parent's size, which Linux
# carries across fork and exec
try:
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    peak_mb = int(line.split()[1]) / 1024
except (OSError, StopIteration):
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"code": code, "seconds": seconds, "peak_mb": peak_mb}))
"""


def _refuse_in_child(path: Path) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "carenet.settings", **_env()},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}


@pytest.fixture(scope="module")
def two_million_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return big_xlsx(tmp_path_factory.mktemp("big") / "big.xlsx")


def test_a_two_million_row_xlsx_is_refused_fast_in_bounded_memory(two_million_rows: Path) -> None:
    with zipfile.ZipFile(two_million_rows) as z:
        expanded = sum(i.file_size for i in z.infolist())
    assert expanded > 100 * 1024 * 1024  # a small file that expands to over 100 MB
    result = _refuse_in_child(two_million_rows)
    assert result["code"] == "too_many_rows"
    assert result["seconds"] < 5, result
    assert result["peak_mb"] <= PEAK_LIMIT_MB, result


def test_without_a_declared_size_the_expanded_size_limit_refuses_it(
    tmp_path: Path, settings: Any
) -> None:
    from carenet.reporting import readers

    settings.CARENET_IMPORT_MAX_UNZIPPED_BYTES = 10 * 1024 * 1024
    path = big_xlsx(tmp_path / "nodim.xlsx", rows=200_000, dimension=False)
    started = time.perf_counter()
    with pytest.raises(readers.UnreadableFile) as exc:
        readers.open_table(path)
    assert exc.value.code == "too_large_unzipped"
    assert time.perf_counter() - started < 1


@pytest.mark.django_db
def test_the_upload_says_why_the_file_was_refused(
    people: People, two_million_rows: Path, run_import: Any
) -> None:
    job = run_import(two_million_rows, background=False)
    assert job.status == ImportStatus.CRASHED
    assert job.errors[0]["code"] == "too_many_rows"
    assert job.errors[0]["params"]["rows"] == ROWS
