from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "carenet.reporting"
    verbose_name = _("4W reporting and gap analysis")
