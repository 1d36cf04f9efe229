"""The access rules of peer groups and volunteers, registered with `core.permissions`.

Groups are seen by any member of their organisation and by coordinators; they are managed
by its admins and focal points. Volunteers' personal data (`peer.volunteers`) is read only
by their own organisation: no coordinator and no superuser exception (see `queries`).
"""

from __future__ import annotations

from carenet.accounts.models import Role
from carenet.core import permissions
from carenet.core.permissions import ANY_MEMBER

ORG_ACTIONS = {
    "peer.view": ANY_MEMBER,
    "peer.manage": {Role.ORG_ADMIN, Role.FOCAL_POINT},
    "peer.volunteers": {Role.ORG_ADMIN, Role.FOCAL_POINT},
}
NETWORK_ACTIONS = {"peer.view"}


def register() -> None:
    permissions.register(org_actions=ORG_ACTIONS, network_actions=NETWORK_ACTIONS)
