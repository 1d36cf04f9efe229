"""Every write of the feedback app, each in one transaction with its audit entry.

Public submissions (`feedback_submit`, `complaint_submit`) have no actor: their audit
entries name the record, never its text, contact or the client's address. Entries about
sensitive complaints carry the detail "sensitive".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carenet.accounts.models import Membership, User
from carenet.core import audit, permissions
from carenet.core.models import AuditAction
from carenet.feedback.models import (
    CONTACT_LIMIT,
    TEXT_LIMIT,
    Answer,
    Complaint,
    ComplaintCategory,
    ComplaintPolicy,
    ComplaintStatus,
    Feedback,
    PublicNote,
    SatisfactionQuestion,
    Theme,
)
from carenet.feedback.permissions import COMPLAINT

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from carenet.accounts.models import Organisation

    Actor = User | AnonymousUser

SENSITIVE = "sensitive"


def _target(site: Any, service: Any) -> Organisation:
    if (site is None) == (service is None):
        raise ValueError("feedback is about exactly one site or one service")
    return (site or service).organisation


def _check_text(text: str, *, required: bool, limit: int = TEXT_LIMIT) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({"text": "empty"})
    if len(text) > limit:
        raise ValidationError({"text": "too long"})
    return text


@transaction.atomic
def feedback_submit(
    *,
    scores: Mapping[str, int],
    text: str = "",
    contact: str = "",
    language: str = "",
    site: Any = None,
    service: Any = None,
) -> Feedback:
    """Save one anonymous feedback form about a public site or service (form already
    validated; the limits are checked again here so nothing partial is ever saved)."""
    organisation = _target(site, service)
    text = _check_text(text, required=False)
    contact = _check_text(contact, required=False, limit=CONTACT_LIMIT)
    questions = {q.code: q for q in SatisfactionQuestion.objects.filter(code__in=list(scores))}
    if set(scores) - set(questions) or any(not 1 <= s <= 5 for s in scores.values()):
        raise ValidationError("unknown question or score out of range")
    if not text and not scores:
        raise ValidationError("empty feedback")
    feedback = Feedback.objects.create(
        organisation=organisation,
        site=site,
        service=service,
        language=language[:8],
        text=text,
        contact=contact,
    )
    Answer.objects.bulk_create(
        Answer(feedback=feedback, question=questions[code], score=score)
        for code, score in scores.items()
    )
    audit.record(AuditAction.CREATE, obj=feedback, changes=["answers", "text", "contact"])
    return feedback


def policy_of(organisation: Organisation) -> ComplaintPolicy:
    """The organisation's complaint policy (defaults until an admin sets one)."""
    policy = ComplaintPolicy.objects.filter(organisation=organisation).first()
    return policy or ComplaintPolicy(organisation=organisation)


@transaction.atomic
def complaint_submit(
    *,
    category: ComplaintCategory,
    text: str,
    contact: str = "",
    identity_shared: bool = False,
    language: str = "",
    site: Any = None,
    service: Any = None,
    now: datetime.datetime | None = None,
) -> Complaint:
    """Receive a complaint; its due times follow the organisation's policy. A contact is
    kept only when the person agreed to be known."""
    organisation = _target(site, service)
    text = _check_text(text, required=True)
    contact = _check_text(contact, required=False, limit=CONTACT_LIMIT)
    if contact and not identity_shared:
        raise ValidationError({"contact": "a contact needs the person's agreement"})
    now = now or timezone.now()
    policy = policy_of(organisation)
    complaint = Complaint.objects.create(
        organisation=organisation,
        site=site,
        service=service,
        category=category,
        sensitive=category.sensitive,
        language=language[:8],
        text=text,
        contact=contact if identity_shared else "",
        identity_shared=identity_shared,
        acknowledge_due=now + datetime.timedelta(days=policy.acknowledge_days),
        respond_due=now + datetime.timedelta(days=policy.respond_days),
    )
    audit.record(
        AuditAction.CREATE,
        obj=complaint,
        changes=["category", "text", *(["contact"] if contact else [])],
        detail=SENSITIVE if complaint.sensitive else "",
    )
    return complaint


def complaint_viewed(
    *, actor: Actor, complaint: Complaint, request: HttpRequest | None = None
) -> None:
    """Audit a view of a complaint (every complaint is a sensitive record)."""
    permissions.require_on(actor, COMPLAINT, complaint)
    audit.record(
        AuditAction.VIEW,
        actor=actor,
        obj=complaint,
        detail=SENSITIVE if complaint.sensitive else "",
        request=request,
    )


_STAMPS: dict[str, str] = {
    ComplaintStatus.ACKNOWLEDGED: "acknowledged_at",
    ComplaintStatus.RESPONDED: "responded_at",
    ComplaintStatus.CLOSED: "closed_at",
}


@transaction.atomic
def complaint_step(
    *,
    actor: Actor,
    complaint: Complaint,
    to: str,
    response: str = "",
    themes: Iterable[Theme] | None = None,
    request: HttpRequest | None = None,
) -> Complaint:
    """Move a complaint along its workflow (received → acknowledged → under review →
    responded → closed; a responded complaint may be reopened for review)."""
    permissions.require_on(actor, COMPLAINT, complaint)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not complaint.can_transition(to):
        raise ValidationError({"to": "not allowed from the current status"})
    response = _check_text(response, required=to == ComplaintStatus.RESPONDED)
    changes = ["status"]
    complaint.status = to
    if to in _STAMPS:
        setattr(complaint, _STAMPS[to], timezone.now())
        changes.append(_STAMPS[to])
    if response:
        complaint.response = response
        changes.append("response")
    complaint.save()
    if themes is not None:
        complaint.themes.set(themes)
        changes.append("themes")
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=complaint,
        changes=changes,
        detail=SENSITIVE if complaint.sensitive else "",
        request=request,
    )
    return complaint


@transaction.atomic
def complaint_set_subject(
    *,
    actor: Actor,
    complaint: Complaint,
    subject: User | None,
    request: HttpRequest | None = None,
) -> Complaint:
    """Name the staff member a complaint is about; from then on they cannot read it."""
    permissions.require_on(actor, COMPLAINT, complaint)
    if subject is not None:
        if subject.pk == getattr(actor, "pk", None):
            raise ValidationError({"subject_user": "you cannot name yourself"})
        if not Membership.objects.filter(
            user=subject, organisation=complaint.organisation
        ).exists():
            raise ValidationError({"subject_user": "not a member of the organisation"})
    complaint.subject_user = subject
    complaint.save(update_fields=["subject_user", "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=complaint,
        changes=["subject_user"],
        detail=SENSITIVE if complaint.sensitive else "",
        request=request,
    )
    return complaint


@transaction.atomic
def feedback_respond(
    *,
    actor: Actor,
    feedback: Feedback,
    themes: Iterable[Theme] = (),
    response: str = "",
    you_said: str = "",
    we_did: str = "",
    request: HttpRequest | None = None,
) -> PublicNote | None:
    """Assign themes, record a reply and optionally publish a "you said, we did" note for
    the feedback's site. Returns the note, if one was published."""
    if not permissions.acts_for(actor, "feedback.respond", feedback.organisation):
        raise PermissionDenied
    feedback.themes.set(themes)
    changes = ["themes"]
    response = _check_text(response, required=False)
    if response:
        feedback.response = response
        feedback.responded_at = timezone.now()
        feedback.responded_by = actor  # type: ignore[assignment]
        feedback.save(update_fields=["response", "responded_at", "responded_by", "updated_at"])
        changes += ["response", "responded_at"]
    audit.record(AuditAction.UPDATE, actor=actor, obj=feedback, changes=changes, request=request)
    if you_said and we_did and feedback.site is not None:
        return note_publish(
            actor=actor, site=feedback.site, you_said=you_said, we_did=we_did, request=request
        )
    return None


@transaction.atomic
def note_publish(
    *, actor: Actor, site: Any, you_said: str, we_did: str, request: HttpRequest | None = None
) -> PublicNote:
    """Publish a "you said, we did" note on a site's public feedback page."""
    if not permissions.acts_for(actor, "feedback.respond", site.organisation):
        raise PermissionDenied
    you_said, we_did = you_said.strip(), we_did.strip()
    if not you_said or not we_did or len(you_said) > 500 or len(we_did) > 500:
        raise ValidationError("a note needs both parts, each at most 500 characters")
    note = PublicNote.objects.create(
        organisation=site.organisation,
        site=site,
        you_said=you_said,
        we_did=we_did,
        published_by=actor,  # type: ignore[misc]  # acts_for above: a signed-in user
    )
    audit.record(
        AuditAction.CREATE, actor=actor, obj=note, changes=["you_said", "we_did"], request=request
    )
    return note


@transaction.atomic
def note_withdraw(*, actor: Actor, note: PublicNote, request: HttpRequest | None = None) -> None:
    if not permissions.acts_for(actor, "feedback.respond", note.organisation):
        raise PermissionDenied
    note.is_published = False
    note.save(update_fields=["is_published", "updated_at"])
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=note, changes=["is_published"], request=request
    )


@transaction.atomic
def policy_set(
    *,
    actor: Actor | None,
    organisation: Organisation,
    acknowledge_days: int,
    respond_days: int,
    focal_point: User | None,
    request: HttpRequest | None = None,
) -> ComplaintPolicy:
    """Set the organisation's due times and safeguarding focal point (`actor=None`: the
    system, for demo data)."""
    if actor is not None:
        permissions.require(actor, "feedback.settings", organisation, hide=False)
    if not 1 <= acknowledge_days <= respond_days:
        raise ValidationError("acknowledge within 1 day or more, and before the response")
    if (
        focal_point is not None
        and not Membership.objects.filter(user=focal_point, organisation=organisation).exists()
    ):
        raise ValidationError({"safeguarding_focal_point": "not a member of the organisation"})
    policy = policy_of(organisation)
    before = {
        "acknowledge_days": policy.acknowledge_days,
        "respond_days": policy.respond_days,
        "safeguarding_focal_point": policy.safeguarding_focal_point_id if policy.pk else None,
    }
    policy.acknowledge_days = acknowledge_days
    policy.respond_days = respond_days
    policy.safeguarding_focal_point = focal_point
    policy.save()
    after = {
        "acknowledge_days": acknowledge_days,
        "respond_days": respond_days,
        "safeguarding_focal_point": getattr(focal_point, "pk", None),
    }
    audit.record(
        AuditAction.PERMISSION
        if "safeguarding_focal_point" in audit.changed_fields(before, after)
        else AuditAction.UPDATE,
        actor=actor,
        obj=policy,
        changes=audit.changed_fields(before, after),
        request=request,
    )
    return policy
