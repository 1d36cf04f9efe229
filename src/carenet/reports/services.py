"""Every write and every delivery of the reports app: programmes, targets, grants, the pack
(downloaded or e-mailed), each audited in the transaction that makes it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from carenet.core import audit
from carenet.core.models import AuditAction
from carenet.reporting import months
from carenet.reports import pack
from carenet.reports.models import Grant, Programme, Subscription, Target

if TYPE_CHECKING:
    from carenet.accounts.models import User
    from carenet.geo.models import AdminArea
    from carenet.reporting.models import Donor


class BadRequest(ValueError):
    """A pack asked for with a bad month, donor or area."""


@dataclass(frozen=True)
class PackRequest:
    month: datetime.date
    donor: Donor | None = None
    area: AdminArea | None = None


def parse_request(*, period: str, donor: str = "", area: str = "") -> PackRequest:
    """A pack request from text (command line, query string); raises BadRequest."""
    from carenet.geo.models import AdminArea
    from carenet.reporting import donors

    try:
        month = months.parse_month(period)
    except months.BadMonth as exc:
        raise BadRequest(f"The period must be written YYYY-MM, not {period!r}.") from exc
    the_donor = donors.donor_by_code(donor.strip())
    if donor.strip() and the_donor is None:
        raise BadRequest(f"No donor has the code {donor!r}.")
    the_area = AdminArea.objects.filter(pcode=area.strip().upper()).first() if area else None
    if area and the_area is None:
        raise BadRequest(f"No area has the P-code {area!r}.")
    return PackRequest(month, the_donor, the_area)


def command_user(email: str) -> User:
    """Who a command builds the pack as: the named user, else the first active superuser."""
    from carenet.accounts.models import User

    qs = User.objects.filter(is_active=True)
    user = qs.filter(email__iexact=email).first() if email else None
    if user is None and not email:
        user = qs.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        raise BadRequest(
            f"No active user {email!r}." if email else "No active superuser: give --user."
        )
    return user


def pack_file(*, user: User, request: PackRequest, fmt: str, language: str) -> bytes:
    """The pack's bytes, audited as an export by `user`."""
    data = pack.build_file(
        user, request.month, fmt, language=language, donor=request.donor, area=request.area
    )
    with transaction.atomic():
        audit.record(
            AuditAction.EXPORT,
            actor=user,
            detail=f"report pack {months.key(request.month)} {fmt} "
            f"donor={request.donor.code if request.donor else '-'} "
            f"area={request.area.pcode if request.area else '-'}",
        )
    return data


# --- e-mailed packs ---------------------------------------------------------------------------


def queue_monthly_packs(month: datetime.date) -> int:
    """Queue one task per subscriber who has not yet received `month`'s pack."""
    from carenet.reports.tasks import send_pack

    due = Subscription.objects.filter(user__is_active=True).exclude(last_sent_month=month)
    queued = 0
    for sub in due.only("uuid"):
        send_pack.enqueue(str(sub.uuid), months.key(month))
        queued += 1
    return queued


def send_pack(subscription: Subscription, month: datetime.date) -> bool:
    """Build the subscriber's pack (their reach, language, donor and area) and e-mail it."""
    user = subscription.user
    request = PackRequest(month, subscription.donor, subscription.area)
    data = pack_file(
        user=user, request=request, fmt=subscription.fmt, language=subscription.language
    )
    with translation.override(subscription.language):
        context = {"month": months.key(month), "user": user}
        subject = render_to_string("reports/email/pack-subject.txt", context)
        body = render_to_string("reports/email/pack-body.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, to=[user.email])
    message.attach(
        pack.file_name(month, subscription.fmt, subscription.donor, subscription.area),
        data,
        pack.CONTENT_TYPES[subscription.fmt],
    )
    message.send()
    Subscription.objects.filter(pk=subscription.pk).update(last_sent_month=month)
    return True


def subscribe(
    *,
    actor: User,
    fmt: str,
    language: str,
    donor: Donor | None = None,
    area: AdminArea | None = None,
) -> Subscription:
    with transaction.atomic():
        sub, _created = Subscription.objects.update_or_create(
            user=actor, defaults={"fmt": fmt, "language": language, "donor": donor, "area": area}
        )
        audit.record(AuditAction.CREATE, actor=actor, obj=sub, changes=["fmt", "language"])
    return sub


def unsubscribe(*, actor: User) -> None:
    with transaction.atomic():
        Subscription.objects.filter(user=actor).delete()
        audit.record(AuditAction.DELETE, actor=actor, detail="report pack subscription")


# --- programmes, targets, grants --------------------------------------------------------------


def programme_save(*, actor: User, programme: Programme) -> Programme:
    with transaction.atomic():
        created = programme.pk is None
        programme.save()
        audit.record(
            AuditAction.CREATE if created else AuditAction.UPDATE,
            actor=actor,
            obj=programme,
            changes=["name", "starts_on"],
        )
    return programme


def target_save(*, actor: User, target: Target) -> Target:
    with transaction.atomic():
        created = target.pk is None
        target.save()
        audit.record(
            AuditAction.CREATE if created else AuditAction.UPDATE,
            actor=actor,
            obj=target,
            changes=["unit", "number", "area", "due_on"],
        )
    return target


def target_delete(*, actor: User, target: Target) -> None:
    with transaction.atomic():
        audit.record(AuditAction.DELETE, actor=actor, obj=target)
        target.delete()


def grant_save(*, actor: User, grant: Grant, areas: list[Any] | None = None) -> Grant:
    with transaction.atomic():
        created = grant.pk is None
        grant.save()
        if areas is not None:
            grant.areas.set(areas)
        audit.record(
            AuditAction.CREATE if created else AuditAction.UPDATE,
            actor=actor,
            obj=grant,
            changes=["donor", "amount", "currency", "starts_on", "ends_on", "areas", "programme"],
        )
    return grant
