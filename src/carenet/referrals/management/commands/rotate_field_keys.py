"""`carenet rotate-field-keys`: re-encrypt every encrypted field with the newest key.

Rotation: put a new key first in CARENET_FIELD_KEYS (keep the old ones after it), run this
command, then drop the old keys. Every model of every app with an `EncryptedTextField` is
rewritten in batches; values are decrypted with any configured key and encrypted with the
first. Values are never printed.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from carenet.core.crypto import EncryptedTextField


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the first key of CARENET_FIELD_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the rows that would be rewritten."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            count = self._rotate(model, fields, options["batch_size"], options["dry_run"])
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows ({', '.join(fields)})")
        verb = "would be re-encrypted" if options["dry_run"] else "re-encrypted"
        self.stdout.write(self.style.SUCCESS(f"{total} rows {verb}."))

    def _rotate(
        self, model: type[models.Model], fields: list[str], size: int, dry_run: bool
    ) -> int:
        manager = model._base_manager
        done, last_pk = 0, None
        while True:
            qs = manager.order_by("pk").only("pk", *fields)
            if last_pk is not None:
                qs = qs.filter(pk__gt=last_pk)
            try:
                batch = list(qs[:size])
            except ValueError as exc:  # a value no configured key can read
                raise CommandError(
                    f"{model._meta.label}: a value cannot be decrypted with the configured "
                    f"keys (after pk {last_pk}). Keep the old key in CARENET_FIELD_KEYS."
                ) from exc
            if not batch:
                return done
            if not dry_run:
                with transaction.atomic():
                    # Saving encrypts again, with the first (newest) key.
                    manager.bulk_update(batch, fields)
            done += len(batch)
            last_pk = batch[-1].pk
