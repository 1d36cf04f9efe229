from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "carenet.directory"
    verbose_name = _("Service directory")

    def ready(self) -> None:
        from carenet.accounts.models import Role
        from carenet.core import permissions
        from carenet.core.permissions import ANY_MEMBER

        permissions.register(
            org_actions={
                "directory.view": ANY_MEMBER,
                "directory.edit": {Role.ORG_ADMIN, Role.FOCAL_POINT},
                # place, publish or reject the drafts an import kept for review: the
                # organisation's editors theirs, coordinators those of their network or area
                "directory.publish": {Role.ORG_ADMIN, Role.FOCAL_POINT},
            },
            network_actions={"directory.view", "directory.review", "directory.publish"},
        )
        # The search keeps code lists in the cache (`reference.py`): a change made here
        # (admin, services) is seen at once, not after the cache's lifetime.
        from carenet.directory import reference
        from carenet.taxonomy.models import Scheme, Term

        for model in (Term, Scheme):
            for signal in (post_save, post_delete):
                signal.connect(reference.forget, sender=model, dispatch_uid=f"directory-{model}")
