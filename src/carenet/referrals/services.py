"""Every write of the referrals app: clients, consent, drafts, transitions, the closed loop.

Each function checks who acts (through `core.permissions.acts_for`: a member of the
organisation the action is for, whose role allows it; superusers too), checks consent (through
`referrals.consent`), writes in one transaction with its audit entry, and tells the other
side through `notify` (e-mail after commit). Errors are exceptions, never silent no-ops:
`NotAllowed` (a PermissionDenied), `IllegalTransition`, `InvalidReferral`, `ConsentRequired`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carenet.accounts.models import User
from carenet.core import audit, permissions
from carenet.core.models import AuditAction
from carenet.referrals import notify, rollup
from carenet.referrals.consent import ConsentRequired, valid_consent
from carenet.referrals.models import (
    OUTCOME_STATES,
    AgeBand,
    Client,
    Consent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Notification,
    Outcome,
    Referral,
    ReferralEvent,
    Sex,
    SharedField,
    Side,
    Status,
    Urgency,
    new_client_code,
    new_referral_code,
)
from carenet.referrals.workflow import OPEN_SENT, TRANSITIONS, Transition

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import Organisation
    from carenet.geo.models import AdminArea

    Actor = User | AnonymousUser | None

__all__ = [
    "ConsentRequired",
    "IllegalTransition",
    "InvalidReferral",
    "NotAllowed",
    "ReferralError",
]

logger = logging.getLogger(__name__)

DRAFT_FIELDS = (
    "urgency",
    "activity_codes",
    "layer",
    "from_layer",
    "intervention",
    "target_group",
    "summary",
)


class ReferralError(Exception):
    """A refused action; `message` is translated and safe to show (no personal data)."""

    def __init__(self, message: Any) -> None:
        self.message = str(message)
        super().__init__(self.message)


class IllegalTransition(ReferralError):
    """The referral's state does not allow this transition."""


class InvalidReferral(ReferralError):
    """Input that the rules refuse (missing reason, unknown code, wrong organisation...)."""


class NotAllowed(PermissionDenied):
    """The actor's organisation or role may not do this."""


def _user(actor: Actor) -> User | None:
    """The actor as a stored user (None for the system or an anonymous request)."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _require(actor: Actor, action: str, organisation: Organisation | None) -> None:
    """Every write here is made for an organisation by one of its members whose role allows
    it: a superuser who is not a member may read (audited) but not act."""
    if not permissions.acts_for(actor, action, organisation):
        raise NotAllowed(action)


# --- clients ---------------------------------------------------------------------------------


IDENTIFYING_FIELDS = ("name", "phone", "date_of_birth")


@dataclass(frozen=True)
class ClientDetails:
    """What a client record holds besides its code: the minimum data, and the optional
    identifying fields (stored encrypted; empty means not given)."""

    age_band: str
    sex: str = Sex.UNKNOWN
    languages: Iterable[str] = ()
    area: AdminArea | None = None
    name: str = ""
    phone: str = ""
    date_of_birth: datetime.date | None = None


@transaction.atomic
def client_register(
    *,
    actor: Actor,
    organisation: Organisation,
    details: ClientDetails,
) -> Client:
    """Register a client of `organisation` with a new pseudonymous code."""
    _require(actor, "referral.handle", organisation)
    fields = {
        "organisation": organisation,
        "registered_by": _user(actor),
        **_client_fields(details),
    }
    client = _create_with_code(Client, new_client_code, fields)
    given = [k for k in ("name", "phone", "date_of_birth", "area", "languages") if fields[k]]
    audit.record(AuditAction.CREATE, actor=_user(actor), obj=client, changes=["code", *given])
    logger.info("client registered client=%s organisation=%s", client.uuid, organisation.pk)
    return client


@transaction.atomic
def client_update(
    *,
    actor: Actor,
    client: Client,
    details: ClientDetails,
) -> Client:
    """Correct a client's details: the minimum data and the optional identifying fields (an
    empty value clears one). The code never changes; the audit entry names the fields that
    changed, never their values."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    _require(actor, "referral.handle", client.organisation)
    fields = _client_fields(details)
    changed = [k for k, v in fields.items() if getattr(client, k) != v]
    if not changed:
        return client
    for key in changed:
        setattr(client, key, fields[key])
    client.save(update_fields=[*changed, "updated_at"])
    audit.record(AuditAction.UPDATE, actor=_user(actor), obj=client, changes=changed)
    logger.info("client updated client=%s", client.uuid)
    return client


@transaction.atomic
def client_erase(*, actor: Actor, client: Client) -> Client:
    """Right to erasure: wipe the person's name, phone and date of birth for good.

    The pseudonymous code, the minimum data, the consents and the referrals stay, so counts
    and the two organisations' record of care remain; nobody can link them to the person any
    more. Refused while a referral of the person is open (sent and not closed): the receiver
    may still need to reach them; cancel it first, or wait until it is closed. Organisation
    admins only (`referral.manage`): it cannot be undone.
    """
    client = Client.objects.select_for_update().get(pk=client.pk)
    _require(actor, "referral.manage", client.organisation)
    if Referral.objects.filter(client=client, status__in=OPEN_SENT).exists():
        raise InvalidReferral(
            _(
                "This person has an open referral. Cancel it, or wait until it is closed, "
                "then erase their details."
            )
        )
    wiped = [f for f in IDENTIFYING_FIELDS if getattr(client, f)]
    if not wiped:
        raise InvalidReferral(_("There are no identifying details to erase."))
    for name in IDENTIFYING_FIELDS:
        setattr(client, name, "")
    client.erased_at, client.erased_by = timezone.now(), _user(actor)
    client.save(update_fields=[*IDENTIFYING_FIELDS, "erased_at", "erased_by", "updated_at"])
    audit.record(
        AuditAction.DELETE,
        actor=_user(actor),
        obj=client,
        changes=[*wiped, "erased_at"],
        detail="identifying fields erased; code, minimum data and referrals kept",
    )
    logger.info("client identifying fields erased client=%s", client.uuid)
    return client


def _client_fields(details: ClientDetails) -> dict[str, Any]:
    """The client's own fields as stored, or InvalidReferral."""
    if details.age_band not in AgeBand.values or details.sex not in Sex.values:
        raise InvalidReferral(_("Choose an age band and a sex from the lists."))
    born = details.date_of_birth
    if born and born > timezone.localdate():
        raise InvalidReferral(_("The date of birth is in the future."))
    return {
        "age_band": details.age_band,
        "sex": details.sex,
        "languages": sorted(set(details.languages)),
        "area": details.area,
        "name": details.name.strip(),
        "phone": details.phone.strip(),
        "date_of_birth": born.isoformat() if born else "",
    }


def _create_with_code(model: type[Any], make_code: Any, fields: dict[str, Any]) -> Any:
    """Create a row with a random unique code, drawing again on the (rare) collision."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return model.objects.create(code=make_code(), **fields)
        except IntegrityError:
            continue
    raise RuntimeError("Could not draw a unique code after 5 attempts.")


# --- consent ---------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    client: Client,
    purpose: str,
    given_by: str,
    method: str,
    organisations: Iterable[Organisation] = (),
    shared_fields: Iterable[str] = (),
    valid_until: datetime.date | None = None,
    given_at: datetime.datetime | None = None,
    referral: Referral | None = None,
) -> Consent:
    """Record a consent the person (or their guardian) gave to the client's organisation."""
    _require(actor, "referral.handle", client.organisation)
    orgs = list(organisations)
    fields = sorted(set(shared_fields))
    _check_consent_input(
        client, purpose, given_by, method, orgs, fields, valid_until, given_at, referral
    )
    consent = Consent.objects.create(
        client=client,
        purpose=purpose,
        given_by=given_by,
        method=method,
        given_at=given_at or timezone.now(),
        valid_until=valid_until,
        shared_fields=fields,
        referral=referral,
        recorded_by=_user(actor),
    )
    consent.organisations.set(orgs)
    if purpose == ConsentPurpose.REPORTING:
        rollup.recount(client)
    audit.record(
        AuditAction.CREATE,
        actor=_user(actor),
        obj=consent,
        organisation=client.organisation,
        changes=["purpose", "organisations", "shared_fields", "valid_until"],
        detail=f"consent {purpose} for client {client.uuid}",
    )
    return consent


def _check_consent_input(
    client: Client,
    purpose: str,
    given_by: str,
    method: str,
    orgs: list[Organisation],
    fields: list[str],
    valid_until: datetime.date | None,
    given_at: datetime.datetime | None,
    referral: Referral | None,
) -> None:
    if (
        purpose not in ConsentPurpose.values
        or given_by not in ConsentGiver.values
        or (method not in ConsentMethod.values)
    ):
        raise InvalidReferral(_("Choose the purpose, who gave the consent and how."))
    if purpose != ConsentPurpose.REPORTING and not orgs:
        raise InvalidReferral(_("Choose at least one organisation the consent covers."))
    if any(f not in SharedField.values for f in fields):
        raise InvalidReferral(_("Unknown field to share."))
    if valid_until is not None and valid_until < timezone.localdate():
        raise InvalidReferral(_("The consent would already have expired."))
    if given_at is not None and given_at > timezone.now():
        raise InvalidReferral(_("Consent cannot be given in the future."))
    if referral is not None and referral.client_id != client.pk:
        raise InvalidReferral(_("That referral is for another client."))


@transaction.atomic
def consent_withdraw(*, actor: Actor, consent: Consent) -> Consent:
    """Withdraw a consent now. Sharing under it stops at once: the receivers' next read shows
    no personal field; their open referrals are told (without any personal data)."""
    client = consent.client
    _require(actor, "referral.handle", client.organisation)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise InvalidReferral(_("This consent was already withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = _user(actor)
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        actor=_user(actor),
        obj=consent,
        organisation=client.organisation,
        changes=["withdrawn_at"],
        detail=f"consent withdrawn for client {client.uuid}",
    )
    if consent.purpose == ConsentPurpose.REPORTING:
        rollup.recount(client)
    if consent.purpose == ConsentPurpose.SHARE_REFERRAL:
        affected = Referral.objects.filter(
            client=client,
            status__in=OPEN_SENT,
            to_organisation__in=consent.organisations.all(),
        ).select_related("to_organisation")
        for referral in affected:
            if referral.to_organisation is not None:
                notify.notify(referral, "consent_withdrawn", referral.to_organisation)
    logger.info("consent withdrawn consent=%s client=%s", consent.uuid, client.uuid)
    return consent


# --- drafts ----------------------------------------------------------------------------------


@transaction.atomic
def referral_create(*, actor: Actor, client: Client, **need: Any) -> Referral:
    """Start a draft referral for `client` (nothing is shared until it is sent)."""
    _require(actor, "referral.handle", client.organisation)
    fields = _clean_need(need)
    referral = _create_with_code(
        Referral,
        new_referral_code,
        {
            "client": client,
            "from_organisation": client.organisation,
            "area": client.area,
            "created_by": _user(actor),
            "status": Status.DRAFT,
            **fields,
        },
    )
    audit.record(AuditAction.CREATE, actor=_user(actor), obj=referral, changes=list(fields))
    return referral


@transaction.atomic
def referral_update_draft(*, actor: Actor, referral: Referral, **need: Any) -> Referral:
    """Change the need of a draft."""
    referral = _lock(referral)
    _require(actor, "referral.handle", referral.from_organisation)
    if referral.status != Status.DRAFT:
        raise IllegalTransition(_("Only a draft can be edited."))
    fields = _clean_need(need)
    changed = [k for k, v in fields.items() if getattr(referral, k) != v]
    for key, value in fields.items():
        setattr(referral, key, value)
    referral.save()
    audit.record(AuditAction.UPDATE, actor=_user(actor), obj=referral, changes=changed)
    return referral


def _clean_need(need: dict[str, Any]) -> dict[str, Any]:
    unknown = set(need) - set(DRAFT_FIELDS)
    if unknown:
        raise InvalidReferral(_("Unknown field in the referral."))
    if need.get("urgency", Urgency.ROUTINE) not in Urgency.values:
        raise InvalidReferral(_("Choose an urgency from the list."))
    cleaned = dict(need)
    if "activity_codes" in cleaned:
        cleaned["activity_codes"] = sorted({str(c) for c in cleaned["activity_codes"] if c})
    for key in ("layer", "from_layer", "intervention", "target_group", "summary"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip()
    return cleaned


@transaction.atomic
def referral_choose_service(
    *, actor: Actor, referral: Referral, service: Any, site: Any = None
) -> Referral:
    """Address a draft to a directory service (and site) of another organisation."""
    referral = _lock(referral)
    _require(actor, "referral.handle", referral.from_organisation)
    if referral.status != Status.DRAFT:
        raise IllegalTransition(_("Only a draft can be addressed to a service."))
    if service.organisation_id == referral.from_organisation_id:
        raise InvalidReferral(_("Refer to a service of another organisation."))
    if site is not None and not service.at_locations.filter(site=site).exists():
        raise InvalidReferral(_("The service is not offered at that site."))
    referral.service, referral.site = service, site
    referral.to_organisation_id = service.organisation_id
    if not referral.layer and service.layer_id:
        referral.layer = service.layer.code
    referral.save()
    audit.record(
        AuditAction.UPDATE,
        actor=_user(actor),
        obj=referral,
        changes=["service", "site", "to_organisation"],
    )
    return referral


# --- the state machine -----------------------------------------------------------------------


@transaction.atomic
def referral_transition(
    *,
    actor: Actor,
    referral: Referral,
    name: str,
    reason: str = "",
    outcome: str = "",
    feedback: str = "",
    override_reason: str = "",
) -> Referral:
    """Move `referral` along transition `name` (see `workflow.TRANSITIONS`).

    Raises NotAllowed when the actor's side or role may not, IllegalTransition when the
    state does not allow it, InvalidReferral for a missing reason or outcome, and
    ConsentRequired when sending without consent (or an allowed override with a reason).
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise IllegalTransition(_("Unknown action."))
    referral = _lock(referral)
    _check_actor(actor, referral, transition)
    if referral.status not in transition.sources:
        raise IllegalTransition(_("This action is not possible in the referral's state."))
    _check_input(transition, reason, outcome)
    counted = rollup.snapshot(referral)
    previous = referral.status
    now = timezone.now()
    changes = ["status"]
    if name == "send":
        changes += _prepare_send(actor, referral, override_reason, now)
    referral.status = transition.target
    changes += _stamp(referral, name, now)
    if transition.needs_reason:
        referral.status_reason = reason.strip()
        changes.append("status_reason")
    if transition.needs_outcome:
        referral.outcome, referral.feedback = outcome, feedback.strip()
        changes += ["outcome", "feedback"]
    referral.save()
    rollup.replace(counted, referral)
    ReferralEvent.objects.create(
        referral=referral,
        at=now,
        side=transition.side,
        actor=_user(actor),
        transition=name,
        from_status=previous,
        to_status=transition.target,
    )
    audit.record(
        AuditAction.UPDATE,
        actor=_user(actor),
        obj=referral,
        changes=changes,
        detail=f"{name}: {previous} -> {transition.target}",
    )
    _notify_other_side(referral, transition, previous)
    logger.info("referral %s referral=%s", name, referral.uuid)
    return referral


def _lock(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("client", "from_organisation", "to_organisation", "area")
        .get(pk=referral.pk)
    )


def _check_actor(actor: Actor, referral: Referral, transition: Transition) -> None:
    if transition.side == Side.SENDER:
        _require(actor, transition.action, referral.from_organisation)
    elif referral.status == Status.DRAFT:
        raise NotAllowed(transition.action)  # the receiver does not see drafts
    else:
        _require(actor, transition.action, referral.to_organisation)


def _check_input(transition: Transition, reason: str, outcome: str) -> None:
    if transition.needs_reason and not reason.strip():
        raise InvalidReferral(_("Give a reason."))
    if transition.needs_outcome and outcome not in Outcome.values:
        raise InvalidReferral(_("Choose the outcome."))


def _prepare_send(
    actor: Actor, referral: Referral, override_reason: str, now: datetime.datetime
) -> list[str]:
    """Check the receiver and the consent; set the basis and the response deadline."""
    if referral.to_organisation_id is None:
        raise InvalidReferral(_("Choose a service to refer to first."))
    if referral.to_organisation_id == referral.from_organisation_id:
        raise InvalidReferral(_("Refer to a service of another organisation."))
    consent = valid_consent(
        referral.client, ConsentPurpose.SHARE_REFERRAL, referral.to_organisation, referral=referral
    )
    if consent is not None:
        referral.consent, referral.consent_overridden = consent, False
    elif override_reason.strip():
        _require(actor, "consent.override", referral.from_organisation)
        referral.consent_overridden, referral.override_reason = True, override_reason.strip()
        referral.overridden_by = _user(actor)
        audit.record(
            AuditAction.OVERRIDE,
            actor=_user(actor),
            obj=referral,
            changes=["consent_overridden", "override_reason"],
            detail="sent without consent; the reason is recorded on the referral",
        )
    else:
        raise ConsentRequired
    referral.sent_at = now
    hours = settings.CARENET_REFERRAL_TARGET_HOURS[referral.urgency]
    referral.due_at = now + datetime.timedelta(hours=hours)
    return ["consent", "sent_at", "due_at"]


def _stamp(referral: Referral, name: str, now: datetime.datetime) -> list[str]:
    field = {"acknowledge": "acknowledged_at", "accept": "accepted_at", "start": "started_at"}.get(
        name
    )
    if field:
        setattr(referral, field, now)
        return [field]
    if name in {"decline", "no_show", "complete", "cancel", "revoke"}:
        referral.closed_at = now
        return ["closed_at"]
    return []


def _notify_other_side(referral: Referral, transition: Transition, previous: str) -> None:
    if previous == Status.DRAFT and transition.name != "send":
        return  # a draft cancelled before sending: the receiver never saw it
    other = (
        referral.to_organisation if transition.side == Side.SENDER else (referral.from_organisation)
    )
    if other is not None:
        notify.notify(referral, transition.name, other)


# --- closing the loop and notifications ------------------------------------------------------


@transaction.atomic
def referral_mark_outcome_seen(*, actor: Actor, referral: Referral) -> bool:
    """Close the loop: someone of the referring side has seen the receiver's outcome.

    Returns whether this call closed it: only a member of the referring organisation who may
    see referrals closes it (not a superuser browsing); never before there is an outcome.
    """
    role = permissions.role_in(actor, referral.from_organisation)
    if role not in permissions.ORG_ACTIONS["referral.view"]:
        return False
    referral = _lock(referral)
    if referral.status not in OUTCOME_STATES or referral.loop_closed_at is not None:
        return False
    counted = rollup.snapshot(referral)
    referral.loop_closed_at = timezone.now()
    referral.loop_closed_by = _user(actor)
    referral.save(update_fields=["loop_closed_at", "loop_closed_by", "updated_at"])
    rollup.replace(counted, referral)
    audit.record(
        AuditAction.UPDATE,
        actor=_user(actor),
        obj=referral,
        changes=["loop_closed_at"],
        detail="outcome seen by the referrer",
    )
    return True


@transaction.atomic
def notifications_mark_read(
    *, actor: Actor, organisation: Organisation, referral: Referral | None = None
) -> int:
    """Mark the organisation's unread notifications (of one referral, or all) as read."""
    _require(actor, "referral.view", organisation)
    qs = Notification.objects.filter(organisation=organisation, read_at__isnull=True)
    if referral is not None:
        qs = qs.filter(referral=referral)
    return qs.update(read_at=timezone.now(), read_by=_user(actor))
