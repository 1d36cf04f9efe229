from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "carenet.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from carenet.accounts.models import Role
        from carenet.core import permissions

        permissions.register(
            org_actions={
                # an organisation's own grants
                "reports.grants": {Role.ORG_ADMIN, Role.FOCAL_POINT},
            },
            network_actions={
                "reports.view",  # programmes, targets, trends, the report pack
                "reports.manage",  # programmes and targets
                "reports.grants",  # every organisation's grants
            },
        )
