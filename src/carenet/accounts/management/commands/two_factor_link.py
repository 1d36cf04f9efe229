"""`carenet two-factor-link someone@example.org`: an administrator-issued set-up link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carenet.accounts import two_factor
from carenet.accounts.models import User
from carenet.core import audit
from carenet.core.models import AuditAction


class Command(BaseCommand):
    help = (
        "Print a two-factor set-up link for an account, to give to its owner (for example "
        "when they cannot receive e-mail). It works once, signed in as that account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None or not user.is_active:
            raise CommandError("No active account has this e-mail address.")
        audit.record(AuditAction.PERMISSION, obj=user, detail="two-factor enrolment link issued")
        self.stdout.write(two_factor.enrolment_url(user))
