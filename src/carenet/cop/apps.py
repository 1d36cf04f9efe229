from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopConfig(AppConfig):
    name = "carenet.cop"
    verbose_name = _("Communities of Practice")

    def ready(self) -> None:
        from carenet.cop import permissions

        permissions.register()
