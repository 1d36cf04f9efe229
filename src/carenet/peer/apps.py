from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeerConfig(AppConfig):
    name = "carenet.peer"
    verbose_name = _("Peer support and volunteers")

    def ready(self) -> None:
        from carenet.peer import permissions

        permissions.register()
