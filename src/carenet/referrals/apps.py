from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "carenet.referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from carenet.accounts.models import Role
        from carenet.core import permissions

        permissions.register(
            org_actions={
                # people seeking help: their records are for those who handle them
                "referral.view": {Role.ORG_ADMIN, Role.PRACTITIONER},
                "referral.handle": {Role.ORG_ADMIN, Role.PRACTITIONER},
                "referral.manage": {Role.ORG_ADMIN},
                "referral.export": {Role.ORG_ADMIN},
                "consent.override": {Role.ORG_ADMIN},
            },
            network_actions={"referral.metrics"},
        )
