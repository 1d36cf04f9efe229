"""Encrypted model fields for personal data (keys from CARENET_FIELD_KEYS).

MultiFernet: the first key encrypts, every key decrypts, so keys can be rotated by putting a
new key first and re-saving rows (`carenet rotate-field-keys`). The database holds only
ciphertext; the values are never searchable or logged.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.CARENET_FIELD_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("An encrypted field could not be read with the configured keys.") from exc


def rotate(token: str) -> str:
    return fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """A text value stored encrypted; empty stays empty."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        return decrypt(value)

    def to_python(self, value: Any) -> str:
        return "" if value is None else str(value)

    def get_prep_value(self, value: Any) -> str:
        if not value:
            return ""
        return encrypt(str(value))
