from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "carenet.accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from carenet.accounts import signals  # noqa: F401
