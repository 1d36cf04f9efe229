"""Checks on uploaded documents: size, extension, and that the bytes match the extension."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class FileKind:
    content_type: str
    signatures: tuple[bytes, ...] = ()
    zip_member: str = ""  # a file that must be inside the zip container
    text: bool = False


KINDS: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", (b"%PDF-",)),
    "docx": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (_ZIP,),
        "[Content_Types].xml",
    ),
    "xlsx": FileKind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (_ZIP,),
        "[Content_Types].xml",
    ),
    "pptx": FileKind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (_ZIP,),
        "[Content_Types].xml",
    ),
    "odt": FileKind("application/vnd.oasis.opendocument.text", (_ZIP,), "mimetype"),
    "ods": FileKind("application/vnd.oasis.opendocument.spreadsheet", (_ZIP,), "mimetype"),
    "odp": FileKind("application/vnd.oasis.opendocument.presentation", (_ZIP,), "mimetype"),
    "txt": FileKind("text/plain; charset=utf-8", text=True),
    "png": FileKind("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileKind("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileKind("image/jpeg", (b"\xff\xd8\xff",)),
    "mp3": FileKind("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
}


def max_bytes() -> int:
    return int(getattr(settings, "CARENET_COP_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(upload: UploadedFile) -> FileKind:
    """The kind of an acceptable upload, or ValidationError saying what is wrong."""
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_bytes():
        raise ValidationError(
            _("The file is larger than %(mb)s MB."),
            code="too_big",
            params={"mb": max_bytes() // (1024 * 1024)},
        )
    kind = KINDS.get(extension(upload.name or ""))
    if kind is None:
        raise ValidationError(
            _("Files of this type are not accepted. Accepted: %(types)s."),
            code="type",
            params={"types": ", ".join(sorted(KINDS))},
        )
    data = _read(upload)
    if not _matches(kind, data):
        raise ValidationError(_("The file's content does not match its type."), code="content")
    return kind


def _read(upload: UploadedFile) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _matches(kind: FileKind, data: bytes) -> bool:
    if kind.text:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in data
    if not data.startswith(kind.signatures):
        return False
    if kind.zip_member:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return kind.zip_member in archive.namelist()
        except zipfile.BadZipFile:
            return False
    return True
