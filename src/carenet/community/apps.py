from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "carenet.community"
    verbose_name = _("Community readiness and implementation")

    def ready(self) -> None:
        from carenet.accounts.models import Role
        from carenet.core import permissions
        from carenet.core.permissions import ANY_MEMBER

        permissions.register(
            org_actions={
                "community.view": ANY_MEMBER,
                "community.edit": {Role.ORG_ADMIN, Role.FOCAL_POINT},
            },
            network_actions={"community.view", "community.edit"},
        )
