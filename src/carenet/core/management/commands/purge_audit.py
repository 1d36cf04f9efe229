from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from carenet.core.tasks import purge_audit_log


class Command(BaseCommand):
    help = "Delete audit entries older than CARENET_AUDIT_RETENTION_DAYS (run daily from cron)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queue", action="store_true", help="Queue it for a worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["queue"]:
            result = purge_audit_log.enqueue()
            self.stdout.write(f"Queued as {result.id}.")
            return
        deleted = purge_audit_log.call()
        self.stdout.write(
            f"Deleted {deleted} audit entries older than "
            f"{settings.CARENET_AUDIT_RETENTION_DAYS} days."
        )
