"""The one check every uploaded file passes before it is stored or read.

A file is accepted when it is not empty, within the caller's size limit, has one of the
caller's allowed extensions, and its bytes are what the extension says:

* PDF, PNG, JPEG, MP3 and legacy Excel files start with their format's signature;
* Office Open XML files (docx, xlsx, pptx) are readable zip containers holding
  `[Content_Types].xml` and the format's main part (`word/document.xml`, ...);
  OpenDocument files (odt, ods, odp) hold a `mimetype` entry naming their format;
  either way the unzipped size (and, for spreadsheets, the declared rows) stay within the
  limits of `core.spreadsheets`, so a small zip that expands to gigabytes is refused;
* text (txt, csv) is UTF-8 without NUL bytes.

The name the user gave is kept only for the download; on disk the file gets a random name.
The project depends on no file-sniffing library: the signatures above are all it needs.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from carenet.core import spreadsheets

# The codes of the ValidationErrors `check_upload` raises: a form puts them on its file field.
CODES = frozenset({"file_type", "file_empty", "file_size", "file_content", "file_unzipped_size"})

_ZIP = (b"PK\x03\x04",)
_NAME_LENGTH = 150


@dataclass(frozen=True)
class FileType:
    content_type: str
    signatures: tuple[bytes, ...] = ()
    members: tuple[str, ...] = ()  # entries a genuine Office Open XML file holds
    odf: bool = False  # an OpenDocument zip whose `mimetype` entry is `content_type`
    text: bool = False


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."

TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", (b"%PDF-",)),
    "png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "mp3": FileType("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    "docx": FileType(
        f"{_OOXML}wordprocessingml.document", _ZIP, ("[Content_Types].xml", "word/document.xml")
    ),
    "xlsx": FileType(
        f"{_OOXML}spreadsheetml.sheet", _ZIP, ("[Content_Types].xml", "xl/workbook.xml")
    ),
    "pptx": FileType(
        f"{_OOXML}presentationml.presentation",
        _ZIP,
        ("[Content_Types].xml", "ppt/presentation.xml"),
    ),
    "odt": FileType(f"{_ODF}text", _ZIP, odf=True),
    "ods": FileType(f"{_ODF}spreadsheet", _ZIP, odf=True),
    "odp": FileType(f"{_ODF}presentation", _ZIP, odf=True),
    "xls": FileType("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "txt": FileType("text/plain; charset=utf-8", text=True),
    "csv": FileType("text/csv; charset=utf-8", text=True),
}


@dataclass(frozen=True)
class CheckedFile:
    original_name: str  # the user's name, without folders, for the download
    storage_name: str  # a random name with the extension, for the disk
    extension: str
    content_type: str
    size: int


def check_upload(
    upload: UploadedFile,
    *,
    allowed: Iterable[str],
    max_bytes: int,
    encodings: tuple[str, ...] = ("utf-8",),
) -> CheckedFile:
    """Accept `upload` or raise ValidationError saying, in the user's language, what is wrong.

    `allowed` are extensions without the dot (each one of `TYPES`); `max_bytes` the size limit;
    `encodings` those a text file may be in (a reader that also reads "cp1251", what Excel in
    Ukrainian writes as CSV, says so).
    """
    allowed = sorted(allowed)
    name = PurePath((upload.name or "").replace("\\", "/")).name.strip()[-_NAME_LENGTH:]
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext not in allowed:
        raise ValidationError(
            _("Files of this type are not accepted. Accepted: %(types)s.")
            % {"types": ", ".join(allowed)},
            code="file_type",
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(max_bytes)},
            code="file_size",
        )
    kind = TYPES[ext]
    try:
        matches = _content_matches(upload, kind, encodings)
    finally:
        upload.seek(0)
    if not matches:
        raise ValidationError(
            _("This is not a real %(ext)s file: it may be damaged, or another kind renamed.")
            % {"ext": ext.upper()},
            code="file_content",
        )
    return CheckedFile(name, f"{uuid.uuid4().hex}.{ext}", ext, kind.content_type, size)


def _content_matches(upload: UploadedFile, kind: FileType, encodings: tuple[str, ...]) -> bool:
    upload.seek(0)
    if kind.text:
        data = upload.read()
        return b"\x00" not in data and any(_decodes(data, e) for e in encodings)
    if not upload.read(16).startswith(kind.signatures):
        return False
    if kind.members or kind.odf:
        upload.seek(0)
        return _container_matches(upload, kind)
    return True


def _container_matches(upload: UploadedFile, kind: FileType) -> bool:
    """A readable zip with the format's entries, within the unzipped-size and row limits."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if kind.odf:
                if "mimetype" not in names or archive.getinfo("mimetype").file_size > 100:
                    return False
                declared = archive.read("mimetype").strip().decode("ascii", "replace")
                if declared != kind.content_type:
                    return False
            elif not set(kind.members) <= names:
                return False
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError):
        return False  # truncated, corrupt or encrypted
    upload.seek(0)
    try:
        spreadsheets.check_xlsx_limits(upload)
    except spreadsheets.TooLarge as exc:
        raise ValidationError(_too_large_message(exc), code="file_unzipped_size") from exc
    return True


def _too_large_message(exc: spreadsheets.TooLarge) -> str:
    if exc.code == "too_many_rows":
        return _("The sheet declares %(rows)s rows: at most %(limit)s can be read.") % exc.params
    return _("The file expands to %(size_mb)s MB when unpacked: at most %(limit_mb)s MB.") % (
        exc.params
    )


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
