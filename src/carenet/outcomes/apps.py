from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "carenet.outcomes"
    verbose_name = _("Service delivery and outcomes")

    def ready(self) -> None:
        from carenet.accounts.models import Role
        from carenet.core import permissions

        clinical = {Role.ORG_ADMIN, Role.PRACTITIONER}
        permissions.register(
            org_actions={
                # a participant's records: delivery records, attendance, answers, flags
                "outcomes.view": clinical,
                "outcomes.record": clinical,
                # suppressed aggregates of the organisation's own deliveries
                "outcomes.dashboard": set(Role),
                "outcomes.export": {Role.ORG_ADMIN, Role.FOCAL_POINT},
                "outcomes.report": {Role.ORG_ADMIN, Role.FOCAL_POINT},
                # what practitioners are shown when a safety flag is raised
                "outcomes.protocol": {Role.ORG_ADMIN},
            },
            # coordinators see suppressed aggregates only, never a participant
            network_actions={"outcomes.dashboard", "outcomes.export"},
        )
