"""Reads of CoPs, members, meetings, supervision logs, the library and threads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from carenet.cop.models import (
    Attendance,
    CommunityOfPractice,
    CopMember,
    Meeting,
    MeetingStatus,
    Resource,
    Sharing,
    SupervisionLog,
    Thread,
)
from carenet.core import permissions
from carenet.core.errors import CannotChange

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User

    AnyUser = User | AnonymousUser


def cops_for(user: AnyUser, text: str = "") -> QuerySet[CommunityOfPractice]:
    """CoPs the user may read, with member counts and whether the user is a member."""
    qs = permissions.filter_on(user, "cop.read", CommunityOfPractice.objects.all())
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(topic__icontains=text))
    mine = CopMember.objects.filter(cop=OuterRef("pk"), user_id=_uid(user), left_on__isnull=True)
    return (
        qs.select_related("host", "area")
        .annotate(
            member_count=Count("members", filter=Q(members__left_on__isnull=True)),
            is_mine=Exists(mine),
        )
        .order_by("-is_mine", "name")
    )


def my_cops(user: AnyUser) -> QuerySet[CommunityOfPractice]:
    """The CoPs the user is a current member of."""
    mine = CopMember.objects.filter(user_id=_uid(user), left_on__isnull=True).values("cop_id")
    return CommunityOfPractice.objects.filter(pk__in=mine).order_by("name")


def _uid(user: AnyUser) -> int:
    return int(user.pk or 0)


def cop_for(user: AnyUser, uuid: Any, action: str = "cop.read") -> CommunityOfPractice:
    """One CoP the user may take `action` in, or 404."""
    cop = get_object_or_404(CommunityOfPractice.objects.select_related("host", "area"), uuid=uuid)
    permissions.require_on(user, action, cop)
    return cop


def cop_to_change(user: AnyUser, uuid: Any, action: str = "cop.facilitate") -> CommunityOfPractice:
    """One CoP the user may change by `action`. Someone who may only read it is told they
    cannot change it (403, core.errors); anyone else gets 404."""
    cop = get_object_or_404(CommunityOfPractice.objects.select_related("host", "area"), uuid=uuid)
    _require_change(user, action, cop, reverse("cop:detail", args=[cop.uuid]))
    return cop


def _require_change(user: AnyUser, action: str, cop: CommunityOfPractice, back_url: str) -> None:
    if permissions.can_on(user, action, cop):
        return
    if permissions.can_on(user, "cop.read", cop):
        raise CannotChange(back_url=back_url)
    raise Http404


def members_of(cop: CommunityOfPractice) -> QuerySet[CopMember]:
    return (
        CopMember.objects.current()
        .filter(cop=cop)
        .select_related("user", "organisation", "profession")
        .order_by("role", "user__full_name", "user__email")
    )


def member_for(user: AnyUser, uuid: Any) -> CopMember:
    """A membership row the user may act on: their own, or any in a CoP they facilitate."""
    member = get_object_or_404(CopMember.objects.select_related("cop", "user"), uuid=uuid)
    if member.user_id != user.pk:
        permissions.require_on(user, "cop.facilitate", member.cop)
    return member


def meetings_of(cop: CommunityOfPractice, *, upcoming: bool | None = None) -> QuerySet[Meeting]:
    qs = (
        Meeting.objects.filter(cop=cop)
        .annotate(present_count=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("-starts_at")
    )
    now = timezone.now()
    if upcoming is True:
        return qs.filter(starts_at__gte=now, status=MeetingStatus.SCHEDULED).order_by("starts_at")
    if upcoming is False:
        return qs.filter(starts_at__lt=now)
    return qs


def meeting_for(user: AnyUser, uuid: Any, action: str = "cop.read") -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("cop", "cop__host"), uuid=uuid)
    permissions.require_on(user, action, meeting.cop)
    return meeting


def meeting_to_change(user: AnyUser, uuid: Any, action: str = "cop.supervise") -> Meeting:
    """One meeting the user may change by `action`; "you cannot change this" (403) for one
    who may only read its CoP, 404 for anyone else."""
    meeting = get_object_or_404(Meeting.objects.select_related("cop", "cop__host"), uuid=uuid)
    _require_change(user, action, meeting.cop, reverse("cop:meeting", args=[meeting.uuid]))
    return meeting


def roster(meeting: Meeting) -> list[CopMember]:
    """Who is expected at a meeting: current members, and anyone already recorded."""
    recorded = Attendance.objects.filter(meeting=meeting).values("member_id")
    return list(
        CopMember.objects.filter(cop=meeting.cop)
        .filter(Q(left_on__isnull=True) | Q(pk__in=recorded))
        .select_related("user", "organisation", "profession")
        .order_by("user__full_name", "user__email")
    )


def attendance_of(meeting: Meeting) -> dict[int, bool]:
    """member id -> present, for a meeting."""
    return dict(meeting.attendance.values_list("member_id", "present"))


def supervision_logs_for(user: AnyUser) -> QuerySet[SupervisionLog]:
    """Logs the user gave or received."""
    return (
        permissions.filter_on(user, "cop.supervision", SupervisionLog.objects.all())
        .select_related("cop", "supervisor")
        .prefetch_related("themes", "supervisees")
    )


def supervision_log_for(user: AnyUser, uuid: Any) -> SupervisionLog:
    return get_object_or_404(supervision_logs_for(user), uuid=uuid)


def library_for(
    user: AnyUser,
    cop: CommunityOfPractice | None = None,
    *,
    text: str = "",
    tag: str = "",
    language: str = "",
) -> QuerySet[Resource]:
    """Resources of one CoP (the caller has checked it may be read), or, across the network,
    those shared with everyone plus those of the CoPs the user may read."""
    if cop is not None:
        qs = Resource.objects.filter(cop=cop)
    else:
        readable = permissions.filter_on(user, "cop.read", CommunityOfPractice.objects.all())
        condition = Q(cop__in=readable.values("pk"))
        if permissions.can(user, "cop.view"):
            condition |= Q(sharing=Sharing.EVERYONE, cop__is_active=True)
        qs = Resource.objects.filter(condition)
    if text:
        qs = qs.search(text)
    if tag:
        qs = qs.tagged(tag)
    if language:
        qs = qs.filter(language=language)
    return qs.select_related("cop", "shared_by")


def resource_for(user: AnyUser, uuid: Any) -> Resource:
    return get_object_or_404(library_for(user), uuid=uuid)


def threads_of(cop: CommunityOfPractice) -> QuerySet[Thread]:
    return (
        Thread.objects.filter(cop=cop)
        .select_related("author")
        .annotate(post_count=Count("posts"))
        .order_by("-last_post_at")
    )


def thread_for(user: AnyUser, uuid: Any) -> Thread:
    thread = get_object_or_404(Thread.objects.select_related("cop", "cop__host"), uuid=uuid)
    permissions.require_on(user, "cop.read", thread.cop)
    return thread


def upcoming_meetings_for(user: AnyUser, limit: int = 10) -> list[Meeting]:
    """Scheduled meetings of the CoPs the user is a current member of."""
    if not user.is_authenticated:
        return []
    cops = CopMember.objects.filter(user_id=_uid(user), left_on__isnull=True).values("cop_id")
    return list(
        Meeting.objects.filter(
            cop__in=cops, starts_at__gte=timezone.now(), status=MeetingStatus.SCHEDULED
        )
        .select_related("cop")
        .order_by("starts_at")[:limit]
    )


def recent_meetings_attended(user: AnyUser, limit: int = 5) -> list[Meeting]:
    if not user.is_authenticated:
        return []
    return list(
        Meeting.objects.filter(attendance__member__user_id=_uid(user), attendance__present=True)
        .select_related("cop")
        .order_by("-starts_at")[:limit]
    )
