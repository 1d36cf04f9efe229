"""The one upload check: type by extension and by content, size, and unzipped size."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from carenet.core import uploads

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The start of a Windows program: DOS header, stub and PE signature.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + b"\x0e\x1f\xba\x0e\x00\xb4\t\xcd!\xb8\x01L\xcd!This program cannot be run in DOS mode.\r\n$"
    + b"\x00" * 7
    + b"PE\x00\x00L\x01"
    + b"\x00" * 300
)
ALL = tuple(uploads.TYPES)
MB = 1024 * 1024


def _zip(entries: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document><w:body><w:p>Plan " + "x" * 4000 + "</w:p>"
            "</w:body></w:document>",
        }
    )


def _xlsx(tmp_path: Path, rows: int = 3) -> bytes:
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for row in range(rows):
        sheet.write_row(row, 0, ["email", "role"] if row == 0 else [f"p{row}@a.org", "viewer"])
    book.close()
    return path.read_bytes()


def _check(name: str, content: bytes, *, max_bytes: int = MB, allowed: Any = ALL) -> Any:
    return uploads.check_upload(
        SimpleUploadedFile(name, content), allowed=allowed, max_bytes=max_bytes
    )


def _refusal(name: str, content: bytes, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        _check(name, content, **kwargs)
    assert caught.value.code in uploads.CODES
    return caught.value


def test_it_accepts_genuine_files_and_gives_them_a_random_name(tmp_path: Path) -> None:
    for name, content in [
        ("report.pdf", PDF),
        ("plan.docx", _docx()),
        ("people.xlsx", _xlsx(tmp_path)),
        ("notes.odt", _zip({"mimetype": "application/vnd.oasis.opendocument.text"})),
        ("list.csv", "email,role\nолена@a.org,viewer\n".encode()),
    ]:
        checked = _check(name, content)
        assert checked.original_name == name
        assert checked.size == len(content)
        assert checked.storage_name.endswith("." + checked.extension)
        assert name.split(".")[0] not in checked.storage_name


def test_it_keeps_only_the_last_part_of_a_name_with_folders() -> None:
    checked = _check("..\\..\\windows/../etc/Report.PDF", PDF)
    assert checked.original_name == "Report.PDF"
    assert checked.extension == "pdf"
    assert checked.content_type == "application/pdf"


def test_it_refuses_a_program_renamed_as_a_pdf() -> None:
    assert _refusal("guide.pdf", EXE).code == "file_content"


def test_it_refuses_a_program_by_its_extension() -> None:
    assert _refusal("setup.exe", EXE).code == "file_type"


def test_it_refuses_a_truncated_docx() -> None:
    whole = _docx()
    assert _check("plan.docx", whole)
    assert _refusal("plan.docx", whole[: len(whole) // 2]).code == "file_content"


def test_it_refuses_an_office_file_of_another_kind_or_a_bare_zip(tmp_path: Path) -> None:
    assert _refusal("book.xlsx", _docx()).code == "file_content"
    assert _refusal("plan.docx", _xlsx(tmp_path)).code == "file_content"
    assert _refusal("plan.docx", _zip({"word/document.xml": "<w/>"})).code == "file_content"
    spreadsheet = _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"})
    assert _refusal("notes.odt", spreadsheet).code == "file_content"


def test_it_refuses_an_oversize_file() -> None:
    error = _refusal("big.pdf", PDF + b"0" * MB, max_bytes=MB)
    assert error.code == "file_size"
    assert "1.0\xa0MB" in error.messages[0]  # filesizeformat keeps the number and unit together


def test_it_refuses_an_empty_file() -> None:
    assert _refusal("empty.pdf", b"").code == "file_empty"
    assert _refusal("empty.csv", b"").code == "file_empty"


def test_it_refuses_a_zip_that_expands_past_the_limit(settings: Any) -> None:
    settings.CARENET_IMPORT_MAX_UNZIPPED_BYTES = MB
    bomb = _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": "<w:document/>",
            "word/media/zeros.bin": b"\x00" * (4 * MB),
        }
    )
    assert len(bomb) < 10_000
    error = _refusal("plan.docx", bomb)
    assert error.code == "file_unzipped_size"
    assert "4 MB" in error.messages[0]


def test_it_refuses_a_sheet_that_declares_too_many_rows(tmp_path: Path, settings: Any) -> None:
    settings.CARENET_IMPORT_MAX_ROWS = 5
    assert _refusal("people.xlsx", _xlsx(tmp_path, rows=40)).code == "file_unzipped_size"


def test_it_refuses_text_that_is_not_utf8_or_holds_nul_bytes() -> None:
    assert _refusal("list.csv", "email\nолена@a.org\n".encode("cp1251")).code == "file_content"
    assert _refusal("notes.txt", b"a\x00b").code == "file_content"


def test_it_accepts_text_in_an_encoding_the_caller_reads() -> None:
    excel_csv = "email,role\nолена@a.org,viewer\n".encode("cp1251")
    checked = uploads.check_upload(
        SimpleUploadedFile("list.csv", excel_csv),
        allowed=("csv",),
        max_bytes=MB,
        encodings=("utf-8", "cp1251"),
    )
    assert checked.extension == "csv"
    assert _refusal("list.csv", b"email\x00role", allowed=("csv",)).code == "file_content"


def test_it_refuses_an_extension_the_caller_does_not_allow() -> None:
    error = _refusal("report.pdf", PDF, allowed=("csv", "xlsx"))
    assert error.code == "file_type"
    assert "csv, xlsx" in error.messages[0]
    assert _refusal("noextension", PDF).code == "file_type"


def test_it_explains_a_refusal_in_the_users_language() -> None:
    with translation.override("uk"):
        ukrainian = _refusal("guide.pdf", EXE).messages[0]
    with translation.override("pl"):
        polish = _refusal("empty.pdf", b"").messages[0]
    assert "PDF" in ukrainian and "This is not" not in ukrainian
    assert polish == "Plik jest pusty."


def test_it_leaves_the_upload_readable_from_the_start() -> None:
    upload = SimpleUploadedFile("plan.docx", _docx())
    uploads.check_upload(upload, allowed=ALL, max_bytes=MB)
    assert upload.read(2) == b"PK"
