"""The referral state machine: every transition, who may make it, and what it needs.

    draft ─send→ sent ─acknowledge→ acknowledged ─accept→ accepted ─start→ in progress
                                                 └decline→ declined          └complete→ completed
                                     accepted ─no_show→ did not attend
    draft | sent | acknowledged | accepted ─cancel→ cancelled          (referring side)
    sent | acknowledged | accepted | in progress ─revoke→ revoked     (referring side's manager)

`services.referral_transition` is the only code that changes a referral's status; it asks
this table, and `core.permissions` for the role. Anything not in the table is an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from carenet.referrals.models import Side, Status


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    side: str  # Side.SENDER or Side.RECEIVER
    action: str  # the core.permissions action the actor needs in that side's organisation
    label: str | Promise
    needs_reason: bool = False
    needs_outcome: bool = False
    style: str = ""  # button class: "", "secondary" or "danger"


def _t(
    name: str,
    sources: set[Status],
    target: str,
    side: str,
    label: str | Promise,
    action: str = "referral.handle",
    **extra: object,
) -> Transition:
    return Transition(name, frozenset(sources), target, side, action, label, **extra)  # type: ignore[arg-type]


OPEN_SENT: set[Status] = {Status.SENT, Status.ACKNOWLEDGED, Status.ACCEPTED, Status.IN_PROGRESS}

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("send", {Status.DRAFT}, Status.SENT, Side.SENDER, _("Send")),
        _t("acknowledge", {Status.SENT}, Status.ACKNOWLEDGED, Side.RECEIVER, _("Acknowledge")),
        _t("accept", {Status.ACKNOWLEDGED}, Status.ACCEPTED, Side.RECEIVER, _("Accept")),
        _t(
            "decline",
            {Status.ACKNOWLEDGED},
            Status.DECLINED,
            Side.RECEIVER,
            _("Decline"),
            needs_reason=True,
            style="secondary",
        ),
        _t("start", {Status.ACCEPTED}, Status.IN_PROGRESS, Side.RECEIVER, _("Start the service")),
        _t(
            "no_show",
            {Status.ACCEPTED},
            Status.NO_SHOW,
            Side.RECEIVER,
            _("Did not attend"),
            needs_reason=True,
            style="secondary",
        ),
        _t(
            "complete",
            {Status.IN_PROGRESS},
            Status.COMPLETED,
            Side.RECEIVER,
            _("Complete and send feedback"),
            needs_outcome=True,
        ),
        _t(
            "cancel",
            {Status.DRAFT, Status.SENT, Status.ACKNOWLEDGED, Status.ACCEPTED},
            Status.CANCELLED,
            Side.SENDER,
            _("Cancel the referral"),
            needs_reason=True,
            style="secondary",
        ),
        _t(
            "revoke",
            OPEN_SENT,
            Status.REVOKED,
            Side.SENDER,
            _("Revoke (manager)"),
            action="referral.manage",
            needs_reason=True,
            style="danger",
        ),
    ]
}


def transitions_from(status: str) -> list[Transition]:
    """The transitions that may start from `status`, in the table's order."""
    return [t for t in TRANSITIONS.values() if status in t.sources]
