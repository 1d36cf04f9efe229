"""Every write of the outcomes app, each in one transaction with its audit entry.

Authorisation: each service checks that the actor acts for the record's organisation
(`core.permissions.acts_for`); views call `queries` first so outsiders get 404. Clients are
reached through the referrals app's queries (never its relations); answers are scored by
`scoring` before anything is written, so a refused form saves nothing.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from carenet.core import audit, permissions
from carenet.core.models import AuditAction
from carenet.directory import queries as directory_queries
from carenet.outcomes import scoring
from carenet.outcomes.models import (
    HEADCOUNT_FIELDS,
    Administration,
    Attendance,
    Delivery,
    DeliveryKind,
    Instrument,
    Outcome,
    OutcomeMonth,
    Participant,
    ParticipantStatus,
    SafetyFlag,
    SafetyProtocol,
    Session,
    Timepoint,
)
from carenet.taxonomy import queries as taxonomy

if TYPE_CHECKING:
    from carenet.accounts.models import Organisation, User
    from carenet.taxonomy.models import Term


class OutcomesError(ValidationError):
    """A request the rules refuse; the message is for the person who made it."""


def _require(actor: User, action: str, organisation: Organisation) -> None:
    if not permissions.acts_for(actor, action, organisation):
        raise PermissionDenied


def default_activity_code(intervention: Term) -> str:
    """The 4W code an intervention is usually reported under (its `4w` attribute)."""
    codes = taxonomy.attribute(intervention, "4w") or []
    if codes:
        return str(codes[0])
    return "8.2" if taxonomy.attribute(intervention, "format") == "group" else "8.1"


# --- delivery records ------------------------------------------------------------------------


@transaction.atomic
def delivery_create(
    *,
    actor: User,
    organisation: Organisation,
    site: Any,
    intervention: Term,
    kind: str,
    started_on: datetime.date,
    activity_code: str = "",
    planned_sessions: int = 1,
    programme: str = "",
    title: str = "",
    headcount: Mapping[str, int] | None = None,
    facilitators: Iterable[User] = (),
) -> Delivery:
    """Record a delivery at one of the organisation's own directory sites."""
    _require(actor, "outcomes.record", organisation)
    if site.uuid not in directory_queries.site_ids_of([organisation.pk])[organisation.pk]:
        raise OutcomesError(_("Choose one of your organisation's sites."))
    if kind not in DeliveryKind.values:
        raise OutcomesError(_("Choose a kind of delivery from the list."))
    code = activity_code or default_activity_code(intervention)
    taxonomy.term(taxonomy.FOUR_W, code)  # UnknownCode (a ValidationError) if not a code
    counts = {k: int(v or 0) for k, v in (headcount or {}).items() if k in HEADCOUNT_FIELDS}
    if any(v < 0 for v in counts.values()):
        raise OutcomesError(_("A head count cannot be negative."))
    delivery = Delivery.objects.create(
        organisation=organisation,
        site=site,
        area=site.area,
        intervention=intervention,
        activity_code=code,
        kind=kind,
        started_on=started_on,
        planned_sessions=max(1, planned_sessions),
        programme=programme.strip(),
        title=title.strip(),
        created_by=actor,
        **counts,
    )
    delivery.facilitators.set(list(facilitators) or [actor])
    audit.record(AuditAction.CREATE, actor=actor, obj=delivery, changes=["kind", "site"])
    return delivery


@transaction.atomic
def delivery_close(*, actor: User, delivery: Delivery, ended_on: datetime.date) -> Delivery:
    """End a cycle: everyone still taking part has completed it."""
    _require(actor, "outcomes.record", delivery.organisation)
    if ended_on < delivery.started_on:
        raise OutcomesError(_("A delivery cannot end before it started."))
    delivery.ended_on = ended_on
    delivery.save(update_fields=["ended_on", "updated_at"])
    Participant.objects.filter(delivery=delivery, status=ParticipantStatus.ACTIVE).update(
        status=ParticipantStatus.COMPLETED
    )
    _recount(delivery)
    audit.record(AuditAction.UPDATE, actor=actor, obj=delivery, changes=["ended_on"])
    return delivery


def _recount(delivery: Delivery) -> None:
    """Keep the delivery's participant and session counters (read by the dashboards)."""
    counts = Participant.objects.filter(delivery=delivery).aggregate(
        total=Count("id"),
        completed=Count("id", filter=Q(status=ParticipantStatus.COMPLETED)),
        ended=Count("id", filter=~Q(status=ParticipantStatus.ACTIVE)),
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        participants_count=counts["total"],
        completed_count=counts["completed"],
        ended_count=counts["ended"],
        sessions_count=Session.objects.filter(delivery=delivery).count(),
    )


@transaction.atomic
def participant_add(*, actor: User, delivery: Delivery, client: Any) -> Participant:
    """Enrol a client of the delivery's organisation (found with referrals' queries)."""
    _require(actor, "outcomes.record", delivery.organisation)
    if client.organisation_id != delivery.organisation_id:
        raise OutcomesError(_("Only your organisation's clients can take part."))
    if delivery.kind == DeliveryKind.HEADCOUNT:
        raise OutcomesError(_("An anonymous activity keeps head counts, not participants."))
    existing = Participant.objects.filter(delivery=delivery, client=client).first()
    if existing is not None:
        return existing
    participant = Participant.objects.create(
        delivery=delivery,
        client=client,
        client_code=client.code,
        client_uuid=client.uuid,
        organisation=delivery.organisation,
        sex=client.sex,
        age_band=client.age_band,
    )
    _recount(delivery)
    audit.record(AuditAction.CREATE, actor=actor, obj=participant, changes=["client"])
    return participant


@transaction.atomic
def participant_drop_out(
    *, actor: User, participant: Participant, on: datetime.date
) -> Participant:
    _require(actor, "outcomes.record", participant.organisation)
    participant.status = ParticipantStatus.DROPPED_OUT
    participant.dropped_out_on = on
    participant.save(update_fields=["status", "dropped_out_on", "updated_at"])
    _recount(participant.delivery)
    audit.record(AuditAction.UPDATE, actor=actor, obj=participant, changes=["status"])
    return participant


@transaction.atomic
def session_record(
    *,
    actor: User,
    delivery: Delivery,
    number: int,
    held_on: datetime.date,
    present: Iterable[Participant],
    duration_minutes: int | None = None,
) -> Session:
    """Record session `number` and who attended it (posting again replaces the list, so a
    form sent twice, e.g. by an offline queue, gives the same result)."""
    _require(actor, "outcomes.record", delivery.organisation)
    if not 1 <= number <= max(delivery.planned_sessions, 1) + 20:
        raise OutcomesError(_("That session number is out of range."))
    if held_on < delivery.started_on:
        raise OutcomesError(_("A session cannot be held before the delivery started."))
    present = list(present)
    if any(p.delivery_id != delivery.pk for p in present):
        raise OutcomesError(_("Only this delivery's participants can attend its sessions."))
    session, _created = Session.objects.update_or_create(
        delivery=delivery,
        number=number,
        defaults={"held_on": held_on, "duration_minutes": duration_minutes},
    )
    Attendance.objects.filter(session=session).delete()
    Attendance.objects.bulk_create([Attendance(session=session, participant=p) for p in present])
    _recount(delivery)
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=delivery,
        changes=["attendance"],
        detail=f"session {number}: {len(present)} present",
    )
    return session


# --- questionnaires --------------------------------------------------------------------------


@transaction.atomic
def administration_record(
    *,
    actor: User,
    participant: Participant,
    instrument: Instrument,
    timepoint: str,
    taken_on: datetime.date,
    answers: Mapping[int, int | None] | None = None,
    total: int | None = None,
) -> Administration:
    """Score and store one questionnaire. Out-of-range answers raise before anything is
    written; an incomplete questionnaire is kept, unscored, with its missing items."""
    _require(actor, "outcomes.record", participant.organisation)
    if timepoint not in Timepoint.values:
        raise OutcomesError(_("Choose a time point from the list."))
    if not instrument.is_active:
        raise OutcomesError(_("This instrument is no longer in use."))
    definition = instrument.scoring()
    try:
        if definition.entered_total:
            if total is None:
                raise scoring.InvalidAnswer(_("Enter the total."))
            result = scoring.score_total(definition, total)
            stored: dict[str, Any] = {"total": total}
        else:
            result = scoring.score(definition, answers or {})
            stored = {str(k): v for k, v in sorted((answers or {}).items())}
    except scoring.InvalidAnswer as exc:
        raise OutcomesError(str(exc)) from exc
    delivery = participant.delivery
    administration = Administration.objects.create(
        participant=participant,
        instrument=instrument,
        timepoint=timepoint,
        taken_on=taken_on,
        answers=json.dumps(stored),
        complete=result.complete,
        missing_items=list(result.missing),
        total=result.total,
        band=result.band.code if result.band else "",
        flagged=result.flagged,
        entered_by=actor,
        organisation_id=participant.organisation_id,
        site_id=delivery.site_id,
        area_id=delivery.area_id,
        intervention_id=delivery.intervention_id,
        month=taken_on.replace(day=1),
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=administration, changes=["answers"])
    if result.flagged:
        _raise_flag(actor, administration, result.safety_reasons)
    if result.complete:
        outcome_refresh(participant, instrument)
    return administration


def _raise_flag(actor: User, administration: Administration, reasons: Iterable[str]) -> None:
    participant = administration.participant
    flag = SafetyFlag.objects.create(
        administration=administration,
        participant=participant,
        organisation_id=participant.organisation_id,
        client_uuid=participant.client_uuid,
        client_code=participant.client_code,
        reasons=list(reasons),
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=flag, detail="safety flag raised")


@transaction.atomic
def outcome_refresh(participant: Participant, instrument: Instrument) -> Outcome | None:
    """Keep the participant's change on `instrument`: first complete baseline against the
    latest complete end or follow-up."""
    done = Administration.objects.filter(
        participant=participant, instrument=instrument, complete=True
    )
    pre = done.filter(timepoint=Timepoint.BASELINE).order_by("taken_on", "id").first()
    post = (
        done.filter(timepoint__in=[Timepoint.END, Timepoint.FOLLOW_UP])
        .order_by("-taken_on", "-id")
        .first()
    )
    before = (
        Outcome.objects.select_for_update()
        .filter(participant=participant, instrument=instrument)
        .first()
    )
    if before is not None:
        _count_in_month(before, -1)
    if pre is None or post is None or pre.total is None or post.total is None:
        if before is not None:
            before.delete()
        return None
    found = scoring.change(instrument.scoring(), pre.total, post.total)
    delivery = participant.delivery
    outcome, _created = Outcome.objects.update_or_create(
        participant=participant,
        instrument=instrument,
        defaults={
            "pre": found.pre,
            "post": found.post,
            "change": found.change,
            "rci": found.rci,
            "reliable": found.reliable or "",
            "recovered": found.recovered,
            "organisation_id": participant.organisation_id,
            "site_id": delivery.site_id,
            "area_id": delivery.area_id,
            "intervention_id": delivery.intervention_id,
            "programme": delivery.programme,
            "month": post.month,
        },
    )
    _count_in_month(outcome, +1)
    return outcome


MONTH_KEY = (
    "instrument_id",
    "organisation_id",
    "site_id",
    "area_id",
    "intervention_id",
    "programme",
    "month",
)


def _count_in_month(outcome: Outcome, sign: int) -> None:
    """Add (+1) or take away (-1) one outcome from its `OutcomeMonth` row. Updates with F()
    so that two practitioners saving at once both count."""
    key = {k: getattr(outcome, k) for k in MONTH_KEY}
    OutcomeMonth.objects.get_or_create(**key)
    OutcomeMonth.objects.filter(**key).update(
        outcomes=F("outcomes") + sign,
        improved=F("improved") + (sign if outcome.reliable == scoring.IMPROVED else 0),
        change_sum=F("change_sum") + sign * outcome.change,
    )


def outcome_months_rebuild() -> int:
    """Sum every outcome again into `OutcomeMonth` (after rows written in bulk, e.g. by a
    benchmark or a restore of an older dump). Returns the number of rows."""
    rows = (
        Outcome.objects.values(*MONTH_KEY)
        .annotate(
            n=Count("id"),
            n_improved=Count("id", filter=Q(reliable=scoring.IMPROVED)),
            total=Sum("change"),
        )
        .order_by()
    )
    with transaction.atomic():
        OutcomeMonth.objects.all().delete()
        made = OutcomeMonth.objects.bulk_create(
            [
                OutcomeMonth(
                    **{k: r[k] for k in MONTH_KEY},
                    outcomes=r["n"],
                    improved=r["n_improved"],
                    change_sum=r["total"] or 0,
                )
                for r in rows.iterator()
            ],
            batch_size=5000,
        )
    return len(made)


# --- safety ----------------------------------------------------------------------------------


@transaction.atomic
def protocol_save(
    *, actor: User, organisation: Organisation, site: Any = None, texts: Mapping[str, str]
) -> SafetyProtocol | None:
    """Set the organisation's safety protocol, or one of its sites' (`site`), in en/uk/pl.
    All three texts empty removes a site's own protocol (the organisation's applies again);
    the organisation's protocol needs an English text."""
    _require(actor, "outcomes.protocol", organisation)
    if site is not None and site.organisation_id != organisation.pk:
        raise PermissionDenied
    cleaned = {f"text_{lang}": (texts.get(lang) or "").strip() for lang in ("en", "uk", "pl")}
    found = SafetyProtocol.objects.filter(organisation=organisation, site=site).first()
    if not any(cleaned.values()) and site is not None:
        if found is not None:
            audit.record(AuditAction.DELETE, actor=actor, obj=found, detail="safety protocol")
            found.delete()
        return None
    if not cleaned["text_en"]:
        raise OutcomesError(_("Write the protocol in English; Ukrainian and Polish are optional."))
    protocol = found or SafetyProtocol(organisation=organisation, site=site)
    changed = [k for k, v in cleaned.items() if getattr(protocol, k) != v]
    for key, value in cleaned.items():
        setattr(protocol, key, value)
    protocol.save()
    audit.record(
        AuditAction.UPDATE if found else AuditAction.CREATE,
        actor=actor,
        obj=protocol,
        changes=changed,
        detail="safety protocol",
    )
    return protocol


@transaction.atomic
def flag_clear(*, actor: User, flag: SafetyFlag, note: str) -> SafetyFlag:
    """Clear a safety flag, saying what was done (stored encrypted)."""
    _require(actor, "outcomes.record", flag.organisation)
    flag = SafetyFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.cleared_at is not None:
        raise OutcomesError(_("This safety flag was already cleared."))
    if not note.strip():
        raise OutcomesError(_("Say what was done before clearing the flag."))
    flag.cleared_at = timezone.now()
    flag.cleared_by = actor
    flag.clearing_note = note.strip()
    flag.save(update_fields=["cleared_at", "cleared_by", "clearing_note", "updated_at"])
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=flag, changes=["cleared_at"], detail="flag cleared"
    )
    return flag


def flag_referral_draft(*, actor: User, flag: SafetyFlag, client: Any) -> Any:
    """Start an urgent referral draft for the flagged client (through referrals' services)."""
    from carenet.referrals import services as referral_services

    _require(actor, "outcomes.record", flag.organisation)
    return referral_services.referral_create(
        actor=actor,
        client=client,
        urgency="urgent",
        summary=_("Safety flag raised on a questionnaire (%(reasons)s) on %(day)s.")
        % {
            "reasons": ", ".join(flag.reasons),
            "day": flag.created_at.date().isoformat(),
        },
    )


# --- 4W --------------------------------------------------------------------------------------


class FourWDraft(NamedTuple):
    """What making the month's 4W draft did to its rows."""

    added: int
    updated: int
    unchanged: int


def four_w_draft(*, actor: User, organisation: Organisation, month: datetime.date) -> FourWDraft:
    """Write the month's 4W rows computed from the delivery records into the organisation's
    draft report, through the 4W import's own checks. Made again, it updates the rows it
    made before (same activity, place and site) with the new figures. Raises OutcomesError
    with the 4W's messages when the rows are refused, e.g. the month's report is submitted
    or validated (nothing is written)."""
    from carenet.outcomes.queries import four_w_cells
    from carenet.reporting import services as reporting
    from carenet.reporting.validation import message

    _require(actor, "outcomes.report", organisation)
    cells = four_w_cells(organisation, month)
    if not cells:
        raise OutcomesError(_("No delivery records reach people in that month."))
    checked = reporting.check_cells(
        organisation, month.replace(day=1), enumerate(cells, 2), update_existing=True
    )
    refusals = [e for e in checked.errors if e.code in ("locked_period", "period_not_editable")]
    if refusals:
        raise OutcomesError(message(refusals[0]))
    if checked.errors:
        raise OutcomesError(
            [
                _("Row %(line)s: %(error)s") % {"line": e.line, "error": message(e)}
                for e in checked.errors
            ]
        )
    try:
        counts = reporting.rows_import(actor=actor, organisation=organisation, checked=checked)
    except reporting.WorkflowError as exc:
        raise OutcomesError(str(exc)) from exc
    return FourWDraft(*counts)
