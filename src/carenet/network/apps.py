from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "carenet.network"
    verbose_name = _("The network")

    def ready(self) -> None:
        from carenet.accounts.models import Role
        from carenet.core import permissions
        from carenet.network import invitations
        from carenet.network.permissions import NetworkPolicy

        permissions.register(
            org_actions={
                # focal points of the roster, meetings, decisions, action points
                "network.view": set(Role),
                # update the action points of one's own organisation
                "network.act": {Role.ORG_ADMIN, Role.FOCAL_POINT},
            },
            # approve organisations, run the TWG, send reminders, track advocacy
            network_actions={"network.view", "network.coordinate"},
            policy=NetworkPolicy(),
        )
        invitations.register()
