"""Every protected read of the community app.

Records belong to a community (an AdminArea) and, usually, to a lead organisation. Who may
reach them is decided by `core.permissions.filter_for` alone: members of the lead organisation
(`community.view` any member, `community.edit` admins and focal points), coordinators of the
whole network, of a country, or of an area subtree holding the community, and superusers.
Anyone else gets "not found", also for forged or malformed UUIDs.
"""

from __future__ import annotations

import datetime
import uuid as uuid_lib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db.models import Count, Model, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from carenet.community import scoring
from carenet.community.models import (
    ActionItem,
    ChecklistItem,
    CommunitySector,
    CrmDimension,
    CrmEdition,
    CrmStage,
    CrmStageAction,
    DimensionScore,
    Evidence,
    Implementation,
    ImplementationStage,
    KeyInformantInterview,
    Programme,
    ReadinessAssessment,
    StageProgress,
    StageStatus,
    StrategicSession,
    SupportOffer,
    SupportSpace,
)
from carenet.community.models.sessions import overdue
from carenet.core import permissions
from carenet.core.errors import CannotChange

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import Organisation, User
    from carenet.geo.models import AdminArea

    AnyUser = User | AnonymousUser | None

M = TypeVar("M", bound=Model)

VIEW = "community.view"
EDIT = "community.edit"


# --- the one access filter, per kind of record ---------------------------------------------


def _filter(user: AnyUser, action: str, qs: QuerySet[M], prefix: str = "") -> QuerySet[M]:
    """`qs` narrowed by `core.permissions` through the record's lead organisation and
    community (`prefix` leads from the row to the record that has them)."""
    return permissions.filter_for(
        user,
        action,
        qs,
        org_field=f"{prefix}organisation",
        area_field=f"{prefix}community",
        country_field=f"{prefix}community__country",
    )


def _as_uuid(value: Any) -> uuid_lib.UUID:
    try:
        return uuid_lib.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404 from None


def _one(reach: Callable[[AnyUser, str], QuerySet[M]], user: AnyUser, uuid: Any, action: str) -> M:
    """The row with `uuid` that `user` may reach for `action`. Not found (404) when the user
    may not even view it; refused (403) when they may view but not do `action`."""
    key = _as_uuid(uuid)
    obj = reach(user, action).filter(uuid=key).first()
    if obj is not None:
        return obj
    if action != VIEW and reach(user, VIEW).filter(uuid=key).exists():
        raise CannotChange()  # "you cannot change this", translated (core.errors)
    raise Http404


def may_record(user: AnyUser, organisation: Organisation | None, community: AdminArea) -> bool:
    """May `user` record something for `community` led by `organisation` (None: by the
    network's coordination, which only coordinators covering the community may do)?"""
    if organisation is None:
        return permissions.is_coordinator(user) and permissions.can(user, EDIT, area=community)
    return permissions.can(user, EDIT, organisation=organisation, area=community)


def editable(user: AnyUser, obj: Model) -> bool:
    """May `user` edit this community-app record (assessment, session, implementation,
    support space)?"""
    qs = type(obj)._default_manager.filter(pk=obj.pk)
    return _filter(user, EDIT, qs).exists()


def organisations_to_record_for(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations `user` may name as lead organisation."""
    return permissions.organisations_for(user, EDIT).order_by("acronym")


def may_use_community_app(user: AnyUser) -> bool:
    """Members of an organisation and coordinators (also those limited to an area)."""
    return permissions.can_somewhere(user, VIEW)


def may_record_somewhere(user: AnyUser) -> bool:
    """Whether to offer the "record" forms at all; each record is then checked."""
    return permissions.can_somewhere(user, EDIT)


# --- readiness assessments -----------------------------------------------------------------


def assessments_for(user: AnyUser, action: str = VIEW) -> QuerySet[ReadinessAssessment]:
    qs = ReadinessAssessment.objects.select_related("community", "organisation", "edition")
    return _filter(user, action, qs)


def assessment_for(user: AnyUser, uuid: Any, action: str = VIEW) -> ReadinessAssessment:
    """One assessment `user` may reach for `action`, or 404 (403 if only viewable)."""
    return _one(assessments_for, user, uuid, action)


def interviews_for(user: AnyUser, action: str = VIEW) -> QuerySet[KeyInformantInterview]:
    qs = KeyInformantInterview.objects.select_related(
        "assessment__edition", "sector", "assessment__community"
    )
    return _filter(user, action, qs, "assessment__")


def interview_for(user: AnyUser, uuid: Any, action: str = VIEW) -> KeyInformantInterview:
    return _one(interviews_for, user, uuid, action)


def dimensions_of(edition: CrmEdition) -> list[CrmDimension]:
    return list(CrmDimension.objects.filter(edition=edition).order_by("letter"))


def _scoring_dimensions(dimensions: Iterable[CrmDimension]) -> list[scoring.Dimension]:
    return [scoring.Dimension(d.code, d.letter, d.name) for d in dimensions]


def assessment_result(assessment: ReadinessAssessment) -> scoring.ReadinessResult:
    """The scored result of an assessment (scoring.py): dimension scores, overall, stage."""
    return results_of([assessment])[assessment.pk]


def results_of(
    assessments: Iterable[ReadinessAssessment],
) -> dict[int, scoring.ReadinessResult]:
    """Results of several assessments in three queries (for comparisons over time)."""
    assessments = list(assessments)
    dims: dict[int, list[CrmDimension]] = defaultdict(list)
    for d in CrmDimension.objects.filter(edition__in={a.edition_id for a in assessments}):
        dims[d.edition_id].append(d)
    interviews: dict[int, list[int]] = defaultdict(list)
    for i in KeyInformantInterview.objects.filter(assessment__in=assessments).order_by("number"):
        interviews[i.assessment_id].append(i.pk)
    consensus: dict[int, dict[tuple[object, str], Any]] = defaultdict(dict)
    rows = DimensionScore.objects.filter(interview__assessment__in=assessments).values_list(
        "interview__assessment_id", "interview_id", "dimension__code", "consensus"
    )
    for assessment_id, interview_id, code, value in rows:
        consensus[assessment_id][(interview_id, code)] = value
    return {
        a.pk: scoring.compute(
            _scoring_dimensions(sorted(dims[a.edition_id], key=lambda d: d.letter)),
            interviews[a.pk],
            consensus[a.pk],
        )
        for a in assessments
    }


def score_table(assessment: ReadinessAssessment) -> list[dict[str, Any]]:
    """Per interview: its scores by dimension letter, for the assessment's score table."""
    interviews = list(
        KeyInformantInterview.objects.filter(assessment=assessment)
        .select_related("sector")
        .prefetch_related(Prefetch("scores", DimensionScore.objects.select_related("dimension")))
    )
    return [
        {"interview": i, "scores": {s.dimension.letter: s for s in i.scores.all()}}
        for i in interviews
    ]


@dataclass(frozen=True)
class Suggestion:
    dimension: scoring.DimensionResult
    stage: CrmStage


def crm_stages() -> dict[int, CrmStage]:
    """The nine stages with their suggested kinds of action."""
    stages = CrmStage.objects.prefetch_related(
        Prefetch("actions", CrmStageAction.objects.order_by("sort_order"))
    )
    return {s.number: s for s in stages}


def suggestions(result: scoring.ReadinessResult) -> list[Suggestion]:
    """Stage-appropriate kinds of action per dimension, least ready dimension first."""
    stages = crm_stages()
    return [
        Suggestion(d, stages[d.stage])
        for d in result.lowest_first()
        if d.stage is not None and d.stage in stages
    ]


@dataclass
class Comparison:
    """Re-assessments of one community on one issue with one edition, oldest first."""

    issue: str
    edition: CrmEdition
    assessments: list[ReadinessAssessment]
    results: list[scoring.ReadinessResult]

    def rows(self) -> list[dict[str, Any]]:
        """One row per dimension: its score in each assessment and the change since the
        previous one."""
        rows = []
        for index, dim in enumerate(self.results[-1].dimensions if self.results else []):
            cells = [r.dimensions[index] for r in self.results]
            change = None
            if len(cells) > 1 and cells[-1].score is not None and cells[-2].score is not None:
                change = scoring.shown(cells[-1].score) - scoring.shown(cells[-2].score)
            rows.append({"dimension": dim, "cells": cells, "change": change})
        return rows


def comparisons(user: AnyUser, community: AdminArea) -> list[Comparison]:
    """The community's assessments the user may see, grouped by issue and edition."""
    assessments = list(
        assessments_for(user).filter(community=community).order_by("assessed_on", "id")
    )
    results = results_of(assessments)
    groups: dict[tuple[str, int], Comparison] = {}
    for a in assessments:
        key = (a.issue.strip().casefold(), a.edition_id)
        group = groups.setdefault(key, Comparison(a.issue, a.edition, [], []))
        group.assessments.append(a)
        group.results.append(results[a.pk])
    return list(groups.values())


# --- reference data ------------------------------------------------------------------------


def editions() -> QuerySet[CrmEdition]:
    return CrmEdition.objects.all()


def default_edition() -> CrmEdition | None:
    return CrmEdition.objects.filter(is_default=True).first() or CrmEdition.objects.first()


def sectors() -> QuerySet[CommunitySector]:
    return CommunitySector.objects.filter(is_active=True)


def programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(is_active=True)


def offers() -> QuerySet[SupportOffer]:
    return SupportOffer.objects.filter(is_active=True)


def checklist_items() -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(is_active=True)


def implementation_stages() -> list[ImplementationStage]:
    return list(ImplementationStage.objects.filter(is_active=True).order_by("number", "code"))


def implementation_stage(code: str) -> ImplementationStage:
    stage = ImplementationStage.objects.filter(code=code, is_active=True).first()
    if stage is None:
        raise Http404
    return stage


# --- strategic sessions and action items ---------------------------------------------------


def sessions_for(user: AnyUser, action: str = VIEW) -> QuerySet[StrategicSession]:
    return _filter(
        user, action, StrategicSession.objects.select_related("community", "organisation")
    )


def session_for(user: AnyUser, uuid: Any, action: str = VIEW) -> StrategicSession:
    return _one(sessions_for, user, uuid, action)


def action_items_for(user: AnyUser, action: str = VIEW) -> QuerySet[ActionItem]:
    """Action items of the sessions `user` may reach, and those their organisation owns."""
    base = ActionItem.objects.all()
    of_sessions = _filter(user, action, base, "session__")
    owned = permissions.filter_for(
        user,
        action,
        base,
        org_field="owner_organisation",
        area_field="session__community",
        country_field="session__community__country",
    )
    return ActionItem.objects.filter(
        Q(pk__in=of_sessions.values("pk")) | Q(pk__in=owned.values("pk"))
    ).select_related("session__community", "session__organisation", "owner_organisation")


def action_item_for(user: AnyUser, uuid: Any, action: str = VIEW) -> ActionItem:
    return _one(action_items_for, user, uuid, action)


def overdue_action_items(user: AnyUser, today: datetime.date) -> QuerySet[ActionItem]:
    """Open action items past their due date that `user` may see, the oldest due first."""
    return action_items_for(user).filter(overdue(today)).order_by("due_on", "id")


# --- implementation tracker ----------------------------------------------------------------


def implementations_for(user: AnyUser, action: str = VIEW) -> QuerySet[Implementation]:
    qs = Implementation.objects.select_related("programme", "community", "organisation")
    return _filter(user, action, qs)


def implementation_for(user: AnyUser, uuid: Any, action: str = VIEW) -> Implementation:
    return _one(implementations_for, user, uuid, action)


def evidence_for(user: AnyUser, uuid: Any) -> Evidence:
    """One piece of evidence `user` may view, or 404."""
    qs = _filter(
        user,
        VIEW,
        Evidence.objects.select_related("progress__implementation"),
        "progress__implementation__",
    )
    obj = qs.filter(uuid=_as_uuid(uuid)).first()
    if obj is None:
        raise Http404
    return obj


def stuck_after_days() -> int:
    return int(settings.CARENET_COMMUNITY_STUCK_DAYS)


@dataclass
class Position:
    """An implementation across the stages: a status per stage, where it stands, whether it
    is stuck (a blocked stage, or no change for `stuck_after_days`)."""

    implementation: Implementation
    cells: list[tuple[ImplementationStage, StageProgress | None]]
    current: ImplementationStage | None  # None: every stage done
    blocked: bool
    stale: bool
    done: int = 0
    total: int = 0

    @property
    def stuck(self) -> bool:
        return self.blocked or self.stale

    @property
    def current_progress(self) -> StageProgress | None:
        return next((p for s, p in self.cells if s == self.current), None)


def position_of(
    implementation: Implementation,
    stages: list[ImplementationStage],
    now: datetime.datetime | None = None,
) -> Position:
    """Where `implementation` stands (its `progress` rows prefetched or fetched here)."""
    now = now or timezone.now()
    by_stage = {p.stage_id: p for p in implementation.progress.all()}
    cells = [(s, by_stage.get(s.pk)) for s in stages]
    status = {s.pk: (p.status if p else StageStatus.NOT_STARTED) for s, p in cells}
    current = next((s for s in stages if status[s.pk] != StageStatus.DONE), None)
    done = sum(1 for v in status.values() if v == StageStatus.DONE)
    cutoff = now - datetime.timedelta(days=stuck_after_days())
    return Position(
        implementation,
        cells,
        current,
        blocked=StageStatus.BLOCKED in status.values(),
        stale=current is not None and implementation.last_change_at < cutoff,
        done=done,
        total=len(stages),
    )


def network_positions(
    user: AnyUser,
    *,
    programme: Programme | None = None,
    stuck_only: bool = False,
    area: AdminArea | None = None,
    now: datetime.datetime | None = None,
) -> tuple[QuerySet[Implementation], list[ImplementationStage]]:
    """The implementations `user` may see (filtered), ready for `position_of`; the stuck
    filter runs in the database so that pages stay small at national scale."""
    now = now or timezone.now()
    stages = implementation_stages()
    qs = implementations_for(user)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if area is not None:
        qs = qs.filter(community__path__startswith=area.path)
    if stuck_only:
        cutoff = now - datetime.timedelta(days=stuck_after_days())
        qs = qs.annotate(
            n_blocked=Count("progress", filter=Q(progress__status=StageStatus.BLOCKED)),
            n_done=Count(
                "progress",
                filter=Q(progress__status=StageStatus.DONE, progress__stage__is_active=True),
            ),
        ).filter(Q(n_blocked__gt=0) | Q(last_change_at__lt=cutoff, n_done__lt=len(stages)))
    qs = qs.prefetch_related("progress").order_by("community__pcode", "programme__sort_order")
    return qs, stages


def implementation_detail(implementation: Implementation) -> Position:
    """The implementation's position with each stage's responsible organisation and
    evidence loaded."""
    progress = StageProgress.objects.select_related("responsible_organisation").prefetch_related(
        "evidence"
    )
    prefetch_related_objects([implementation], Prefetch("progress", queryset=progress))
    return position_of(implementation, implementation_stages())


# --- support spaces ------------------------------------------------------------------------


def spaces_for(user: AnyUser, action: str = VIEW) -> QuerySet[SupportSpace]:
    qs = SupportSpace.objects.select_related(
        "community", "organisation", "site", "implementation__programme"
    )
    return _filter(user, action, qs)


def space_for(user: AnyUser, uuid: Any, action: str = VIEW) -> SupportSpace:
    return _one(spaces_for, user, uuid, action)


@dataclass
class Readiness:
    """A support space's readiness checklist: each item and whether it is in place."""

    items: list[tuple[ChecklistItem, Any]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for _, answer in self.items if answer is not None and answer.done)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def ready(self) -> bool:
        return self.total > 0 and self.done == self.total


def readiness_of(space: SupportSpace) -> Readiness:
    answers = {a.item_id: a for a in space.checklist.all()}
    return Readiness([(item, answers.get(item.pk)) for item in checklist_items()])


def linkable_sites(user: AnyUser, community: AdminArea) -> QuerySet[Any]:
    """Directory sites of kind "support space" in `community` that `user` may see."""
    from carenet.directory import queries as directory_queries

    return directory_queries.sites_for_user(user, "directory.view").filter(
        kind="support_space", area__path__startswith=community.path
    )


# --- a community's page --------------------------------------------------------------------


@dataclass
class CommunityOverview:
    community: AdminArea
    comparisons: list[Comparison]
    sessions: list[StrategicSession]
    positions: list[Position]
    spaces: list[SupportSpace]
    overdue: list[ActionItem]


def community_overview(
    user: AnyUser, community: AdminArea, today: datetime.date
) -> CommunityOverview:
    """Everything about one community that `user` may see."""
    stages = implementation_stages()
    implementations = (
        implementations_for(user).filter(community=community).prefetch_related("progress")
    )
    return CommunityOverview(
        community=community,
        comparisons=comparisons(user, community),
        sessions=list(sessions_for(user).filter(community=community)[:20]),
        positions=[position_of(i, stages) for i in implementations],
        spaces=list(spaces_for(user).filter(community=community)),
        overdue=list(overdue_action_items(user, today).filter(session__community=community)),
    )
