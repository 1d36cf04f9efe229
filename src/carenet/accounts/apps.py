from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "carenet.accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from carenet.accounts import signals  # noqa: F401
        from carenet.accounts.models import Role
        from carenet.accounts.scope import AccountsScope
        from carenet.core import permissions

        permissions.register_scope(AccountsScope())
        permissions.register(
            org_actions={
                # core's own actions, in the roles of the network
                "org.view": permissions.ANY_MEMBER,
                "org.manage": {Role.ORG_ADMIN},
                "audit.view": {Role.ORG_ADMIN},
            },
            # a coordinator sees the organisations of the network (or of their area)
            network_actions={"org.view"},
        )
        permissions.register(
            org_actions={
                # invite colleagues (never with a role above one's own)
                "members.invite": {Role.ORG_ADMIN, Role.FOCAL_POINT},
                # change roles, remove a person who leaves
                "members.manage": {Role.ORG_ADMIN},
            },
            # a coordinator invites the first admin of an organisation that joins
            network_actions={"members.first_admin"},
        )
