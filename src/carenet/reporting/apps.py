from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "carenet.reporting"
    verbose_name = _("4W reporting and gap analysis")

    def ready(self) -> None:
        from carenet.accounts.models import Role
        from carenet.core import permissions
        from carenet.core.permissions import ANY_MEMBER

        permissions.register(
            org_actions={
                "reporting.view": ANY_MEMBER,
                "reporting.edit": {Role.ORG_ADMIN, Role.FOCAL_POINT},
            },
            network_actions={"reporting.view", "reporting.validate", "reporting.lock", "gaps.view"},
        )
