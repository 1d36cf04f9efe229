from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "carenet.feedback"
    verbose_name = _("Feedback and complaints")

    def ready(self) -> None:
        from carenet.feedback import permissions

        permissions.register()
