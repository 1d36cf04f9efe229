"""Checks on evidence files before they are stored.

A file is accepted when its size is within `CARENET_COMMUNITY_EVIDENCE_MAX_BYTES` and its
content matches its extension: PDF, PNG, JPEG, the Office Open XML and OpenDocument formats
(a real zip holding the format's own entry), or UTF-8 text. The name the user gave is kept
only for the download; on disk the file gets a random name.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileType:
    content_type: str
    magic: bytes = b""
    zip_member: str = ""  # an entry a genuine file of this type holds
    text: bool = False


TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", b"%PDF-"),
    ".png": FileType("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": FileType("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": FileType("image/jpeg", b"\xff\xd8\xff"),
    ".docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
        "word/document.xml",
    ),
    ".xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
        "xl/workbook.xml",
    ),
    ".odt": FileType("application/vnd.oasis.opendocument.text", b"PK\x03\x04", "mimetype"),
    ".ods": FileType("application/vnd.oasis.opendocument.spreadsheet", b"PK\x03\x04", "mimetype"),
    ".txt": FileType("text/plain; charset=utf-8", text=True),
    ".csv": FileType("text/csv; charset=utf-8", text=True),
}


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    storage_name: str
    content_type: str
    size: int


def max_bytes() -> int:
    return int(settings.CARENET_COMMUNITY_EVIDENCE_MAX_BYTES)


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Accept or refuse an uploaded evidence file (ValidationError says why)."""
    name = PurePath((upload.name or "").replace("\\", "/")).name.strip()[:150]
    ext = PurePath(name).suffix.lower()
    kind = TYPES.get(ext)
    if kind is None:
        allowed = ", ".join(sorted(TYPES))
        raise ValidationError(
            _("Files of this type are not accepted. Accepted: %(types)s.") % {"types": allowed},
            code="file_type",
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    if size > max_bytes():
        raise ValidationError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": max_bytes() // 2**20},
            code="file_size",
        )
    if not _content_matches(upload, kind):
        raise ValidationError(
            _("The file's content does not match its type (%(ext)s).") % {"ext": ext},
            code="file_content",
        )
    return CheckedFile(name, f"{uuid.uuid4().hex}{ext}", kind.content_type, size)


def _content_matches(upload: UploadedFile, kind: FileType) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if kind.text:
        return _is_text(upload)
    if not head.startswith(kind.magic):
        return False
    if kind.zip_member:
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return False
        finally:
            upload.seek(0)
        return kind.zip_member in names
    return True


def _is_text(upload: UploadedFile) -> bool:
    data = upload.read()
    upload.seek(0)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
