"""Consent decisions: the one place that says whether a person's data may go somewhere.

Every check is made at the moment of the action or the read, never cached on a referral: a
withdrawal (or an expiry) takes effect on the very next send, page view or export.
See README.md for the rules in prose.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carenet.referrals.models import (
    Client,
    Consent,
    ConsentPurpose,
    Referral,
    SharedField,
    Status,
)

if TYPE_CHECKING:
    from carenet.accounts.models import Organisation


class ConsentRequired(Exception):
    """No valid consent for this purpose and organisation (the message is translated)."""

    def __init__(self, message: str | None = None) -> None:
        self.message = str(
            message
            or _(
                "This person has not given a valid consent to share their information with "
                "this organisation. Record their consent first."
            )
        )
        super().__init__(self.message)


# What a receiving organisation may read besides the minimum data, by basis.
SUMMARY = "summary"


def valid_consent(
    client: Client,
    purpose: str,
    organisation: Organisation | None,
    *,
    referral: Referral | None = None,
    at: datetime.datetime | None = None,
) -> Consent | None:
    """The newest consent of `client` valid now for `purpose` and `organisation`.

    A consent tied to one referral counts only for that referral. Purposes that are not
    about an organisation (reporting) ignore `organisation`.
    """
    qs = Consent.objects.valid(at).filter(client=client, purpose=purpose)
    if organisation is not None and purpose != ConsentPurpose.REPORTING:
        qs = qs.covering(organisation)
    if referral is not None and referral.pk is not None:
        qs = qs.filter(Q(referral__isnull=True) | Q(referral=referral))
    else:
        qs = qs.filter(referral__isnull=True)
    return qs.order_by("-given_at", "-id").first()


def require_consent(
    client: Client,
    purpose: str,
    organisation: Organisation | None,
    *,
    referral: Referral | None = None,
) -> Consent:
    """The consent that allows this, or ConsentRequired."""
    consent = valid_consent(client, purpose, organisation, referral=referral)
    if consent is None:
        raise ConsentRequired
    return consent


def sharing_withdrawn(referral: Referral) -> bool:
    """Whether the person withdrew a consent to share with the receiver of this referral."""
    if referral.to_organisation_id is None:
        return False
    return Consent.objects.filter(
        client_id=referral.client_id,
        purpose=ConsentPurpose.SHARE_REFERRAL,
        organisations=referral.to_organisation_id,
        withdrawn_at__isnull=False,
    ).exists()


def receiver_may_read(referral: Referral) -> frozenset[str]:
    """What the receiving organisation may read now, besides the minimum data.

    * A valid sharing consent covering the receiver: the identifying fields it lists and
      the reason for the referral.
    * Sent by an audited override and never withdrawn since: the reason only; identity is
      never released without consent.
    * Otherwise (no consent, withdrawn, expired, revoked referral, draft): nothing.
    """
    if referral.status in (Status.DRAFT, Status.REVOKED) or referral.to_organisation is None:
        return frozenset()
    consent = valid_consent(
        referral.client, ConsentPurpose.SHARE_REFERRAL, referral.to_organisation, referral=referral
    )
    if consent is not None:
        allowed = {f for f in consent.shared_fields if f in SharedField.values}
        return frozenset({*allowed, SUMMARY})
    if referral.consent_overridden and not sharing_withdrawn(referral):
        return frozenset({SUMMARY})
    return frozenset()


def follow_up_allowed(referral: Referral, organisation: Organisation) -> bool:
    return (
        valid_consent(referral.client, ConsentPurpose.FOLLOW_UP, organisation, referral=referral)
        is not None
    )
