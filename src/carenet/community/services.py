"""Every write of the community app: one transaction each, with its audit entry.

The views authorise reads through `queries`; these functions check, in the same transaction,
that the actor may edit what they create or change (`_require_editable`): a record nobody
could then reach is never left behind.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from carenet.community import queries, scoring
from carenet.community.models import (
    ActionItem,
    ActionStatus,
    ChecklistAnswer,
    ChecklistItem,
    CommunitySector,
    CrmDimension,
    CrmEdition,
    DimensionScore,
    Evidence,
    EvidenceKind,
    Implementation,
    ImplementationStage,
    KeyInformantInterview,
    Programme,
    ReadinessAssessment,
    SessionParticipation,
    StageProgress,
    StageStatus,
    StrategicSession,
    SupportOffer,
    SupportSpace,
)
from carenet.core import audit, uploads
from carenet.core.models import AuditAction

if TYPE_CHECKING:
    from carenet.accounts.models import Organisation, User
    from carenet.geo.models import AdminArea

# The evidence files an implementation stage accepts (size: CARENET_COMMUNITY_EVIDENCE_MAX_BYTES).
EVIDENCE_TYPES = ("pdf", "png", "jpg", "jpeg", "docx", "xlsx", "odt", "ods", "txt", "csv")

# The smallest kind of area a community can be: an oblast or voivodeship is not one.
MIN_COMMUNITY_LEVEL = 2


def _require_community(community: AdminArea) -> None:
    if community.level < MIN_COMMUNITY_LEVEL:
        raise ValidationError(
            _("Choose a community (a hromada, gmina or raion), not a whole region."),
            code="not_a_community",
        )


def _require_may_record(
    actor: User | None, organisation: Organisation | None, community: AdminArea
) -> None:
    if not queries.may_record(actor, organisation, community):
        raise PermissionDenied


def _require_editable(actor: User | None, obj: Model) -> None:
    """The actor must be able to edit the record after the write (else it rolls back)."""
    if not queries.editable(actor, obj):
        raise PermissionDenied


def _snapshot(obj: Model, names: list[str]) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names}


def _apply(obj: Model, fields: Mapping[str, Any]) -> list[str]:
    before = _snapshot(obj, list(fields))
    for name, value in fields.items():
        setattr(obj, name, value)
    return audit.changed_fields(before, dict(fields))


# --- readiness assessments -----------------------------------------------------------------


@transaction.atomic
def assessment_create(
    *,
    actor: User | None,
    community: AdminArea,
    organisation: Organisation | None,
    issue: str,
    edition: CrmEdition,
    assessed_on: datetime.date,
    notes: str = "",
) -> ReadinessAssessment:
    """Open a readiness assessment of `community` on `issue`, scored with `edition`."""
    _require_community(community)
    _require_may_record(actor, organisation, community)
    assessment = ReadinessAssessment.objects.create(
        community=community,
        organisation=organisation,
        issue=issue.strip(),
        edition=edition,
        assessed_on=assessed_on,
        notes=notes,
        created_by=actor,
    )
    _require_editable(actor, assessment)
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=assessment,
        changes=["community", "organisation", "issue", "edition", "assessed_on"],
    )
    return assessment


@transaction.atomic
def assessment_update(
    *,
    actor: User | None,
    assessment: ReadinessAssessment,
    issue: str,
    assessed_on: datetime.date,
    notes: str,
) -> ReadinessAssessment:
    """Change what an assessment is about and when (not its community or edition: the
    scores belong to them)."""
    changed = _apply(
        assessment, {"issue": issue.strip(), "assessed_on": assessed_on, "notes": notes}
    )
    if changed:
        assessment.save(update_fields=[*changed, "updated_at"])
        audit.record(AuditAction.UPDATE, actor=actor, obj=assessment, changes=changed)
    return assessment


@transaction.atomic
def interview_add(
    *,
    actor: User | None,
    assessment: ReadinessAssessment,
    sector: CommunitySector,
    role: str,
    interviewed_on: datetime.date | None = None,
) -> KeyInformantInterview:
    """Add a key-informant interview (sector and role; never a name)."""
    ReadinessAssessment.objects.select_for_update().filter(pk=assessment.pk).first()
    last = assessment.interviews.aggregate(n=Max("number"))["n"] or 0
    interview = KeyInformantInterview.objects.create(
        assessment=assessment,
        number=last + 1,
        sector=sector,
        role=role.strip(),
        interviewed_on=interviewed_on,
    )
    # No refresh: an interview without scores changes no dimension score.
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=interview,
        organisation=assessment.organisation,
        changes=["sector", "role"],
        detail=f"assessment={assessment.uuid}",
    )
    return interview


@transaction.atomic
def interview_delete(*, actor: User | None, interview: KeyInformantInterview) -> None:
    assessment = interview.assessment
    audit.record(
        AuditAction.DELETE,
        actor=actor,
        obj=interview,
        organisation=assessment.organisation,
        detail=f"assessment={assessment.uuid}",
    )
    interview.delete()
    _refresh_result(assessment)


@dataclass(frozen=True)
class ScoreInput:
    """One interview's scores on one dimension; None = not given yet."""

    scorer_1: int | None = None
    scorer_2: int | None = None
    consensus: Decimal | None = None


@transaction.atomic
def scores_save(
    *,
    actor: User | None,
    interview: KeyInformantInterview,
    scores: Mapping[str, ScoreInput],
    sector: CommunitySector | None = None,
    role: str | None = None,
) -> scoring.ReadinessResult:
    """Record an interview's scores by dimension code (each scorer's whole-number score and
    the consensus) and recompute the assessment's result. Scores outside the anchored scale
    raise `scoring.ScoreError`; nothing is saved then."""
    assessment = interview.assessment
    _store_scores(interview, _dimensions_by_code(assessment), scores)
    changed = ["scores"]
    if sector is not None and role is not None:
        changed += _apply(interview, {"sector": sector, "role": role.strip()})
        interview.save()
    result = _refresh_result(assessment)
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=interview,
        organisation=assessment.organisation,
        changes=changed,
        detail=f"assessment={assessment.uuid} interview={interview.number}",
    )
    return result


@transaction.atomic
def assessment_scores_save(
    *,
    actor: User | None,
    assessment: ReadinessAssessment,
    scores: Mapping[KeyInformantInterview, Mapping[str, ScoreInput]],
) -> scoring.ReadinessResult:
    """Record the scores of several interviews of one assessment at once (e.g. a scoring
    sheet typed in after the scorers' meeting); one recomputation, one audit entry."""
    dimensions = _dimensions_by_code(assessment)
    for interview, by_code in scores.items():
        if interview.assessment_id != assessment.pk:
            raise scoring.ScoreError("An interview of another assessment.")
        _store_scores(interview, dimensions, by_code)
    result = _refresh_result(assessment)
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=assessment,
        changes=["scores"],
        detail=f"interviews={','.join(str(i.number) for i in scores)}",
    )
    return result


def _dimensions_by_code(assessment: ReadinessAssessment) -> dict[str, CrmDimension]:
    return {d.code: d for d in CrmDimension.objects.filter(edition=assessment.edition_id)}


def _store_scores(
    interview: KeyInformantInterview,
    dimensions: Mapping[str, CrmDimension],
    scores: Mapping[str, ScoreInput],
) -> None:
    """Check every score first (nothing is stored if one is off the scale), then upsert."""
    unknown = set(scores) - set(dimensions)
    if unknown:
        raise scoring.ScoreError(f"Unknown dimensions for this edition: {sorted(unknown)}")
    for value in scores.values():
        _check(value)
    existing = {s.dimension_id: s for s in interview.scores.all()}
    new: list[DimensionScore] = []
    changed_rows: list[DimensionScore] = []
    for code, value in scores.items():
        row = existing.get(dimensions[code].pk) or DimensionScore(
            interview=interview, dimension=dimensions[code]
        )
        row.scorer_1, row.scorer_2, row.consensus = (
            value.scorer_1,
            value.scorer_2,
            value.consensus,
        )
        (changed_rows if row.pk else new).append(row)
    DimensionScore.objects.bulk_create(new)
    DimensionScore.objects.bulk_update(changed_rows, ["scorer_1", "scorer_2", "consensus"])


def _check(value: ScoreInput) -> None:
    for score in (value.scorer_1, value.scorer_2):
        if score is not None:
            scoring.check_scorer_score(score)
    if value.consensus is not None:
        scoring.check_consensus(value.consensus)


def _refresh_result(assessment: ReadinessAssessment) -> scoring.ReadinessResult:
    """Keep the assessment's copy of its overall score and stage in step with the scores."""
    result = queries.assessment_result(assessment)
    assessment.overall_score = result.overall_shown
    assessment.stage = result.stage
    assessment.save(update_fields=["overall_score", "stage", "updated_at"])
    return result


# --- strategic sessions --------------------------------------------------------------------

SESSION_FIELDS = ("held_on", "title", "vision", "short_term_plan", "long_term_plan", "notes")


@transaction.atomic
def session_create(
    *,
    actor: User | None,
    community: AdminArea,
    organisation: Organisation | None,
    participation: Mapping[CommunitySector, int],
    **fields: Any,
) -> StrategicSession:
    """Record a strategic session: date, plans, and participants counted by sector."""
    _require_community(community)
    _require_may_record(actor, organisation, community)
    session = StrategicSession.objects.create(
        community=community,
        organisation=organisation,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in SESSION_FIELDS},
    )
    _require_editable(actor, session)
    _set_participation(session, participation)
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=session,
        changes=["community", "organisation", *fields, "participation"],
    )
    return session


@transaction.atomic
def session_update(
    *,
    actor: User | None,
    session: StrategicSession,
    participation: Mapping[CommunitySector, int],
    **fields: Any,
) -> StrategicSession:
    changed = _apply(session, {k: v for k, v in fields.items() if k in SESSION_FIELDS})
    if changed:
        session.save(update_fields=[*changed, "updated_at"])
    before = {p.sector_id: p.count for p in session.participation.all()}
    _set_participation(session, participation)
    if before != {s.pk: n for s, n in participation.items() if n}:
        changed.append("participation")
    if changed:
        audit.record(AuditAction.UPDATE, actor=actor, obj=session, changes=changed)
    return session


def _set_participation(
    session: StrategicSession, participation: Mapping[CommunitySector, int]
) -> None:
    if any(n < 0 for n in participation.values()):
        raise ValidationError(_("Participant counts cannot be negative."))
    session.participation.all().delete()
    SessionParticipation.objects.bulk_create(
        [
            SessionParticipation(session=session, sector=sector, count=count)
            for sector, count in participation.items()
            if count
        ]
    )


@transaction.atomic
def action_item_add(
    *,
    actor: User | None,
    session: StrategicSession,
    description: str,
    owner_organisation: Organisation | None = None,
    owner_other: str = "",
    due_on: datetime.date | None = None,
) -> ActionItem:
    """Add an action item to a session, owned by a member organisation or another body."""
    item = ActionItem.objects.create(
        session=session,
        description=description.strip(),
        owner_organisation=owner_organisation,
        owner_other=owner_other.strip(),
        due_on=due_on,
    )
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=item,
        organisation=session.organisation,
        changes=["description", "owner_organisation", "owner_other", "due_on"],
        detail=f"session={session.uuid}",
    )
    return item


@transaction.atomic
def action_item_set_status(
    *,
    actor: User | None,
    item: ActionItem,
    status: str,
    note: str = "",
) -> ActionItem:
    if status not in ActionStatus.values:
        raise ValidationError(_("Unknown status."), code="status")
    changed = _apply(item, {"status": status, "status_note": note.strip()})
    if changed:
        item.save(update_fields=[*changed, "updated_at"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            obj=item,
            organisation=item.session.organisation,
            changes=changed,
            detail=f"status={status}",
        )
    return item


# --- implementation tracker ----------------------------------------------------------------


@transaction.atomic
def implementation_create(
    *,
    actor: User | None,
    programme: Programme,
    community: AdminArea,
    organisation: Organisation | None,
    started_on: datetime.date | None = None,
    notes: str = "",
) -> Implementation:
    """Start following `programme` in `community`; every stage starts as "not started"."""
    _require_community(community)
    _require_may_record(actor, organisation, community)
    if Implementation.objects.filter(programme=programme, community=community).exists():
        raise ValidationError(
            _("This programme is already followed in this community."), code="duplicate"
        )
    implementation = Implementation.objects.create(
        programme=programme,
        community=community,
        organisation=organisation,
        started_on=started_on,
        notes=notes,
        last_change_at=timezone.now(),
    )
    _require_editable(actor, implementation)
    StageProgress.objects.bulk_create(
        [
            StageProgress(implementation=implementation, stage=stage)
            for stage in queries.implementation_stages()
        ]
    )
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=implementation,
        changes=["programme", "community", "organisation", "started_on"],
    )
    return implementation


@transaction.atomic
def stage_update(
    *,
    actor: User | None,
    implementation: Implementation,
    stage: ImplementationStage,
    status: str,
    started_on: datetime.date | None = None,
    completed_on: datetime.date | None = None,
    responsible_organisation: Organisation | None = None,
    notes: str = "",
    blocked_reason: str = "",
    today: datetime.date | None = None,
) -> StageProgress:
    """Set where an implementation stands on one stage. Starting fills the start date,
    finishing the completion date (today) when none is given; a blocked stage needs a reason."""
    today = today or timezone.localdate()
    if status not in StageStatus.values:
        raise ValidationError(_("Unknown status."), code="status")
    if status == StageStatus.BLOCKED and not blocked_reason.strip():
        raise ValidationError(_("Say what blocks this stage."), code="blocked_reason")
    if status in (StageStatus.IN_PROGRESS, StageStatus.DONE) and started_on is None:
        started_on = today
    if status == StageStatus.DONE and completed_on is None:
        completed_on = today
    if status != StageStatus.DONE:
        completed_on = None
    if started_on and completed_on and completed_on < started_on:
        raise ValidationError(_("A stage cannot be completed before it started."), code="dates")
    progress, _created = StageProgress.objects.get_or_create(
        implementation=implementation, stage=stage
    )
    old_status = progress.status
    changed = _apply(
        progress,
        {
            "status": status,
            "started_on": started_on,
            "completed_on": completed_on,
            "responsible_organisation": responsible_organisation,
            "notes": notes.strip(),
            "blocked_reason": blocked_reason.strip() if status == StageStatus.BLOCKED else "",
        },
    )
    if old_status != status:
        progress.status_changed_at = timezone.now()
    progress.save()
    _touch(implementation)
    if changed:
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            obj=progress,
            organisation=implementation.organisation,
            changes=changed,
            detail=f"implementation={implementation.uuid} stage={stage.code} status={status}",
        )
    return progress


def _touch(implementation: Implementation) -> None:
    implementation.last_change_at = timezone.now()
    implementation.save(update_fields=["last_change_at", "updated_at"])


@transaction.atomic
def implementation_advance(
    *,
    actor: User | None,
    implementation: Implementation,
    today: datetime.date | None = None,
) -> ImplementationStage | None:
    """Move to the next stage: the current stage is done today and the next one starts.
    Returns the new current stage (None when every stage is done). A blocked stage must be
    unblocked first."""
    today = today or timezone.localdate()
    Implementation.objects.select_for_update().filter(pk=implementation.pk).first()
    position = queries.position_of(implementation, queries.implementation_stages())
    current = position.current
    if current is None:
        raise ValidationError(_("Every stage is already done."), code="finished")
    progress = position.current_progress
    if progress is not None and progress.status == StageStatus.BLOCKED:
        raise ValidationError(
            _("This stage is blocked: record what unblocked it first."), code="blocked"
        )
    stage_update(
        actor=actor,
        implementation=implementation,
        stage=current,
        status=StageStatus.DONE,
        started_on=progress.started_on if progress else None,
        responsible_organisation=progress.responsible_organisation if progress else None,
        notes=progress.notes if progress else "",
        today=today,
    )
    stages = queries.implementation_stages()
    following = stages[stages.index(current) + 1 :]
    nxt = next((s for s in following if _status_of(implementation, s) != StageStatus.DONE), None)
    if nxt is not None and _status_of(implementation, nxt) == StageStatus.NOT_STARTED:
        stage_update(
            actor=actor,
            implementation=implementation,
            stage=nxt,
            status=StageStatus.IN_PROGRESS,
            today=today,
        )
    return nxt


def _status_of(implementation: Implementation, stage: ImplementationStage) -> str:
    progress = StageProgress.objects.filter(implementation=implementation, stage=stage).first()
    return progress.status if progress else StageStatus.NOT_STARTED


@transaction.atomic
def evidence_add(
    *,
    actor: User | None,
    implementation: Implementation,
    stage: ImplementationStage,
    kind: str,
    url: str = "",
    note: str = "",
    upload: UploadedFile | None = None,
) -> Evidence:
    """Attach a link, a note or a checked file to one stage of an implementation."""
    progress, _created = StageProgress.objects.get_or_create(
        implementation=implementation, stage=stage
    )
    evidence = Evidence(progress=progress, kind=kind, added_by=actor, note=note.strip())
    if kind == EvidenceKind.LINK and url:
        evidence.url = url
    elif kind == EvidenceKind.FILE and upload is not None:
        checked = uploads.check_upload(
            upload,
            allowed=EVIDENCE_TYPES,
            max_bytes=settings.CARENET_COMMUNITY_EVIDENCE_MAX_BYTES,
        )
        evidence.original_name = checked.original_name
        evidence.content_type = checked.content_type
        evidence.size = checked.size
    elif not (kind == EvidenceKind.NOTE and evidence.note):
        raise ValidationError(_("Give a link, a note or a file."), code="empty")
    try:
        if kind == EvidenceKind.FILE and upload is not None:
            evidence.file.save(checked.storage_name, upload, save=False)
        evidence.save()
        _touch(implementation)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            obj=evidence,
            organisation=implementation.organisation,
            changes=["kind"],
            detail=f"implementation={implementation.uuid} stage={stage.code}",
        )
    except Exception:
        if evidence.file:  # the row rolls back; the stored file must go with it
            evidence.file.delete(save=False)
        raise
    return evidence


# --- support spaces ------------------------------------------------------------------------

SPACE_FIELDS = ("name", "site", "implementation", "opened_on", "notes")


@transaction.atomic
def space_create(
    *,
    actor: User | None,
    community: AdminArea,
    organisation: Organisation,
    offers: list[SupportOffer],
    **fields: Any,
) -> SupportSpace:
    """Record a support space of `organisation` in `community` with what it offers."""
    _require_community(community)
    _require_may_record(actor, organisation, community)
    _check_links(community, fields)
    space = SupportSpace.objects.create(
        community=community,
        organisation=organisation,
        **{k: v for k, v in fields.items() if k in SPACE_FIELDS},
    )
    _require_editable(actor, space)
    space.offers.set(offers)
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=space,
        changes=["community", "organisation", *fields, "offers"],
    )
    return space


@transaction.atomic
def space_update(
    *,
    actor: User | None,
    space: SupportSpace,
    offers: list[SupportOffer],
    **fields: Any,
) -> SupportSpace:
    _check_links(space.community, fields)
    changed = _apply(space, {k: v for k, v in fields.items() if k in SPACE_FIELDS})
    if changed:
        space.save(update_fields=[*changed, "updated_at"])
    if {o.pk for o in space.offers.all()} != {o.pk for o in offers}:
        space.offers.set(offers)
        changed.append("offers")
    if changed:
        audit.record(AuditAction.UPDATE, actor=actor, obj=space, changes=changed)
    return space


def _check_links(community: AdminArea, fields: Mapping[str, Any]) -> None:
    implementation = fields.get("implementation")
    if implementation is not None and implementation.community_id != community.pk:
        raise ValidationError(
            _("The programme must be one followed in this community."), code="implementation"
        )
    site = fields.get("site")
    if site is not None and not site.area.path.startswith(community.path):
        raise ValidationError(_("The directory site must lie in this community."), code="site")


@dataclass(frozen=True)
class ChecklistInput:
    done: bool
    note: str = ""


@transaction.atomic
def checklist_save(
    *,
    actor: User | None,
    space: SupportSpace,
    answers: Mapping[ChecklistItem, ChecklistInput],
    today: datetime.date | None = None,
) -> None:
    """Record which readiness checklist items are in place; a changed answer is dated."""
    today = today or timezone.localdate()
    existing = {a.item_id: a for a in space.checklist.all()}
    changed = []
    for item, answer in answers.items():
        row = existing.get(item.pk)
        if row is None:
            ChecklistAnswer.objects.create(
                space=space, item=item, done=answer.done, note=answer.note.strip(), checked_on=today
            )
            changed.append(item.code)
        elif row.done != answer.done or row.note != answer.note.strip():
            row.done, row.note, row.checked_on = answer.done, answer.note.strip(), today
            row.save()
            changed.append(item.code)
    if changed:
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            obj=space,
            changes=["checklist"],
            detail="items=" + ",".join(changed),
        )
