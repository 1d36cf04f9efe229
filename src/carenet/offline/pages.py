"""Which pages work offline, and what the offline shell needs on them."""

from __future__ import annotations

import json

from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

# Field pages: opened once while online, they open again without a connection, and their
# forms marked `data-offline` keep entries on the device until the connection returns.
FIELD_PREFIXES = ("/outcomes/", "/communities/", "/offline/")


def is_field_page(path: str) -> bool:
    return path.startswith(FIELD_PREFIXES)


def device_tag(user_pk: int) -> str:
    """Names a person's entries on a device without naming the person."""
    return salted_hmac("carenet.offline.device-tag", str(user_pk)).hexdigest()[:20]


def entry_key(user_pk: int) -> bytes:
    """The AES key that encrypts a person's waiting entries on their device (256 bits).

    Derived from the server's secret, so it is the same after signing in again (entries made
    before a session expired can still be sent); the device keeps it only as a
    non-extractable key, and signing out clears it with the entries (Clear-Site-Data).
    """
    return salted_hmac("carenet.offline.entry-key", str(user_pk), algorithm="sha256").digest()


def context(request: HttpRequest) -> dict[str, object]:
    """Template context: whether this page carries the offline shell, and what it needs.

    Every signed-in page carries it (about 4 KB compressed), so that waiting entries are shown
    and sent wherever the person is, and signing out warns about entries not yet sent.
    """
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"offline_shell": False}
    return {
        "offline_shell": True,
        "offline_device": device_tag(user.pk),
        "offline_texts": json.dumps(_texts(), ensure_ascii=False),
    }


def _texts() -> dict[str, str]:
    return {
        "offline": _(
            "You are offline. Entries are kept on this device and sent when the connection returns."
        ),
        "online": _("You are online."),
        "waiting": _("Entries waiting to send: %(count)s"),
        "kept": _("Saved on this device. It will be sent when the connection returns."),
        "sent": _("All entries were sent."),
        "refused": _("Not saved: the form was refused."),
        "gone": _("Not saved: you no longer have access to this page, or it no longer exists."),
        "forbidden": _("Not saved: you may no longer do this."),
        "server": _("The server could not take the entries now; they stay on this device."),
        "signin": _("Sign in again to send the waiting entries."),
        "unreadable": _("This entry cannot be read on this device any more."),
        "discard": _("Discard"),
        "signout": _("Entries not sent yet will be deleted from this device. Sign out anyway?"),
        "files": _("Files cannot be kept offline; attach them when you are online."),
    }
