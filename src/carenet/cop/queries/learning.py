"""Reads of trainings, certificates and competency assessments."""

from __future__ import annotations

import uuid as uuid_lib
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from carenet.accounts.models import User
from carenet.cop.models import (
    Certificate,
    CompetencyAssessment,
    CompetencyFramework,
    CompetencyItem,
    CopMember,
    Curriculum,
    Training,
    TrainingParticipant,
)
from carenet.core import permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser


def trainings_for(user: AnyUser) -> QuerySet[Training]:
    """Trainings the user gives, takes, or may organise for their organisation."""
    return (
        permissions.filter_on(user, "cop.training", Training.objects.all())
        .select_related("curriculum", "issuer")
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("-starts_on", "title")
    )


def training_for(user: AnyUser, uuid: Any) -> Training:
    return get_object_or_404(trainings_for(user), uuid=uuid)


def training_to_manage(user: AnyUser, uuid: Any) -> Training:
    """A training the user manages (trainer, or admin of its organisation), or 404."""
    training = training_for(user, uuid)
    if not permissions.can_on(user, "cop.training.manage", training):
        raise Http404
    return training


def participants_of(training: Training) -> QuerySet[TrainingParticipant]:
    return TrainingParticipant.objects.filter(training=training).select_related(
        "user", "certificate"
    )


def own_participation(user: AnyUser, training: Training) -> TrainingParticipant | None:
    if not user.is_authenticated:
        return None
    return (
        TrainingParticipant.objects.filter(training=training, user_id=user.pk)
        .select_related("certificate")
        .first()
    )


def participant_to_manage(user: AnyUser, uuid: Any) -> TrainingParticipant:
    participant = get_object_or_404(
        TrainingParticipant.objects.select_related(
            "training", "training__issuer", "training__curriculum", "user"
        ),
        uuid=uuid,
    )
    if not permissions.can_on(user, "cop.training.manage", participant.training):
        raise Http404
    return participant


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this code (public verification), or None."""
    code = (code or "").strip()
    if not 16 <= len(code) <= 40:
        return None
    return Certificate.objects.filter(code=code).select_related("participant__training").first()


def curricula() -> QuerySet[Curriculum]:
    return Curriculum.objects.filter(is_active=True)


def frameworks() -> QuerySet[CompetencyFramework]:
    return CompetencyFramework.objects.filter(is_active=True).prefetch_related(
        Prefetch("items", CompetencyItem.objects.filter(is_active=True)), "levels"
    )


def default_framework() -> CompetencyFramework | None:
    return frameworks().filter(is_default=True).first() or frameworks().first()


def assessable_people(user: AnyUser) -> QuerySet[User]:
    """People the user may assess: members of CoPs they facilitate or supervise in, and
    participants of their trainings."""
    if not user.is_authenticated:
        return User.objects.none()
    led = CopMember.objects.filter(
        user_id=user.pk, left_on__isnull=True, role__in=["facilitator", "supervisor"]
    ).values("cop_id")
    in_cops = CopMember.objects.filter(cop_id__in=led, left_on__isnull=True).values("user_id")
    trained = TrainingParticipant.objects.filter(training__trainers=user).values("user_id")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=in_cops) | Q(pk__in=trained))
        .exclude(pk=user.pk)
        .order_by("full_name", "email")
    )


def preselected_person(user: AnyUser, member_uuid: Any) -> int | None:
    """The user id behind a CoP membership UUID, if the user may assess that person."""
    try:
        key = uuid_lib.UUID(str(member_uuid))
    except ValueError:
        return None
    user_id = CopMember.objects.filter(uuid=key).values_list("user_id", flat=True).first()
    if user_id is None or not assessable_people(user).filter(pk=user_id).exists():
        return None
    return user_id


def assessments_for(user: AnyUser) -> QuerySet[CompetencyAssessment]:
    return (
        permissions.filter_on(user, "cop.assessment", CompetencyAssessment.objects.all())
        .select_related("practitioner", "assessor", "framework")
        .prefetch_related("ratings__item")
    )


def assessment_for(user: AnyUser, uuid: Any) -> CompetencyAssessment:
    return get_object_or_404(assessments_for(user), uuid=uuid)
