"""Writes on trainings, certificates and competency assessments."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carenet.accounts.models import Organisation, User
from carenet.cop.models import (
    Certificate,
    CompetencyAssessment,
    CompetencyFramework,
    CompetencyRating,
    Training,
    TrainingParticipant,
)
from carenet.core import audit, permissions
from carenet.core.models import AuditAction

TRAINING_FIELDS = ("curriculum", "title", "cop", "starts_on", "ends_on", "hours", "place")


def _require_manage(actor: User, training: Training) -> None:
    if not permissions.can_on(actor, "cop.training.manage", training):
        raise PermissionDenied


@transaction.atomic
def training_create(*, actor: User, issuer: Organisation, **fields: Any) -> Training:
    """Record a training organised by `issuer`; the actor is its first trainer."""
    permissions.require(actor, "cop.train", issuer, hide=False)
    unknown = set(fields) - set(TRAINING_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if fields["ends_on"] < fields["starts_on"]:
        raise ValidationError({"ends_on": [_("The last day is before the first day.")]})
    cop = fields.get("cop")
    if cop is not None and not permissions.can_on(actor, "cop.contribute", cop):
        raise ValidationError({"cop": [_("You are not a member of that CoP.")]})
    training = Training.objects.create(issuer=issuer, **fields)
    training.trainers.add(actor)
    audit.record(AuditAction.CREATE, actor=actor, obj=training, changes=list(fields))
    return training


@transaction.atomic
def trainer_add(*, actor: User, training: Training, user: User) -> None:
    _require_manage(actor, training)
    training.trainers.add(user)
    audit.record(AuditAction.UPDATE, actor=actor, obj=training, changes=["trainers"])


@transaction.atomic
def participant_add(*, actor: User, training: Training, user: User) -> TrainingParticipant:
    _require_manage(actor, training)
    if TrainingParticipant.objects.filter(training=training, user=user).exists():
        raise ValidationError(_("This person is already a participant."), code="duplicate")
    participant = TrainingParticipant.objects.create(training=training, user=user)
    audit.record(AuditAction.CREATE, actor=actor, obj=participant)
    return participant


def _check_score(name: str, value: Decimal | None) -> None:
    if value is not None and not Decimal(0) <= Decimal(value) <= Decimal(100):
        raise ValidationError({name: [_("A score is between 0 and 100.")]})


@transaction.atomic
def participant_scores(
    *,
    actor: User,
    participant: TrainingParticipant,
    pre_score: Decimal | None,
    post_score: Decimal | None,
    completed: bool,
) -> TrainingParticipant:
    """Record pre- and post-test scores (per cent) and completion."""
    _require_manage(actor, participant.training)
    _check_score("pre_score", pre_score)
    _check_score("post_score", post_score)
    if (
        not completed
        and Certificate.objects.filter(participant=participant, revoked_at__isnull=True).exists()
    ):
        raise ValidationError({"completed": [_("Revoke the certificate first.")]})
    before = {
        "pre_score": participant.pre_score,
        "post_score": participant.post_score,
        "completed": participant.completed,
    }
    participant.pre_score, participant.post_score = pre_score, post_score
    participant.completed = completed
    participant.save()
    after = {"pre_score": pre_score, "post_score": post_score, "completed": completed}
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=participant,
        changes=audit.changed_fields(before, after),
    )
    return participant


def new_certificate_code() -> str:
    """24 URL-safe characters (144 random bits): unguessable, short enough to type."""
    return secrets.token_urlsafe(18)


@transaction.atomic
def certificate_issue(*, actor: User, participant: TrainingParticipant) -> Certificate:
    """Issue the certificate of a participant who completed the training."""
    _require_manage(actor, participant.training)
    if not participant.completed:
        raise ValidationError(
            _("Only participants who completed the training get a certificate."),
            code="not_completed",
        )
    if Certificate.objects.filter(participant=participant).exists():
        raise ValidationError(_("A certificate was already issued."), code="duplicate")
    name = participant.user.full_name.strip()
    if not name:
        raise ValidationError(
            _("The participant's full name is missing from their account."), code="no_name"
        )
    training = participant.training
    certificate = Certificate.objects.create(
        participant=participant,
        code=new_certificate_code(),
        issued_on=timezone.localdate(),
        issued_by=actor,
        holder_name=name,
        training_title=f"{training.title} ({training.curriculum.name_en})",
        issuer_name=training.issuer.name,
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=certificate)
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate) -> Certificate:
    _require_manage(actor, certificate.participant.training)
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.save(update_fields=["revoked_at", "updated_at"])
        audit.record(AuditAction.UPDATE, actor=actor, obj=certificate, changes=["revoked_at"])
    return certificate


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    practitioner: User,
    framework: CompetencyFramework,
    assessed_on: datetime.date,
    context: str,
    levels: dict[int, int],
    training: Training | None = None,
) -> CompetencyAssessment:
    """Rate a practitioner on a framework's items (levels 1-4; unrated items are left out)."""
    if not permissions.can_on(actor, "cop.assess", practitioner):
        raise PermissionDenied
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": [_("The date cannot be in the future.")]})
    items = {i.pk: i for i in framework.items.filter(is_active=True)}
    rated = {k: v for k, v in levels.items() if v is not None}
    if not rated:
        raise ValidationError(_("Rate at least one item."), code="empty")
    if set(rated) - set(items):
        raise ValidationError(_("An item does not belong to this framework."), code="item")
    if any(v not in (1, 2, 3, 4) for v in rated.values()):
        raise ValidationError(_("Levels go from 1 to 4."), code="level")
    assessment = CompetencyAssessment.objects.create(
        practitioner=practitioner,
        assessor=actor,
        framework=framework,
        assessed_on=assessed_on,
        context=context,
        training=training,
    )
    CompetencyRating.objects.bulk_create(
        [CompetencyRating(assessment=assessment, item=items[k], level=v) for k, v in rated.items()]
    )
    audit.record(
        AuditAction.CREATE, actor=actor, obj=assessment, detail=f"{len(rated)} items rated"
    )
    return assessment


def assessment_viewed(*, actor: User, assessment: CompetencyAssessment) -> None:
    audit.record(AuditAction.VIEW, actor=actor, obj=assessment)
