"""Receipts of entries sent from a device's offline queue.

Each entry carries an idempotency key chosen on the device. The first time a key arrives, the
view runs and, if it saved something (answered with a redirect), a receipt is written in the
same transaction. A retry of the same key (the response was lost on the way back) gets the
receipt's answer again and saves nothing twice.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class SyncReceipt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sync_receipts"
    )
    key = models.UUIDField()
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField()
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="offline_receipt_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.path} {self.status_code}"

    @staticmethod
    def new_key() -> uuid.UUID:
        return uuid.uuid4()
