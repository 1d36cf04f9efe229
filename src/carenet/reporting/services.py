"""Every write of the 4W app: rows, imports, the review workflow, locks, needs figures.

Each function runs in one transaction, writes its audit entry in it, and refreshes the
rollups of the organisation-months it changed. Authorisation is the caller's (views and
commands ask `core.permissions`); the rules of the workflow itself are enforced here.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import logging
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carenet.core import audit
from carenet.core.models import AuditAction
from carenet.reporting import bulk, months, rollups
from carenet.reporting.models import (
    ActivityReport,
    ImportJob,
    ImportStatus,
    PeriodStatus,
    ReportingMonth,
    ReportingPeriod,
)
from carenet.reporting.readers import ERROR_VALUES, Table, UnreadableFile, open_table
from carenet.reporting.validation import (
    Candidate,
    Lookups,
    PeriodState,
    RowError,
    RowParser,
    load_lookups,
    required_columns_missing,
    resolve,
    unknown_pcodes,
)

if TYPE_CHECKING:
    from carenet.accounts.models import Organisation, User

log = logging.getLogger(__name__)
PROGRESS_EVERY = 5000
WRITE_BATCH = 2000


class WorkflowError(Exception):
    """A step the review workflow does not allow now; the message is for the user."""


# --- periods and months -----------------------------------------------------------------------


def period_for(organisation: Organisation, month: datetime.date) -> ReportingPeriod:
    """The organisation's period for the month, created as a draft when new."""
    period, _created = ReportingPeriod.objects.get_or_create(organisation=organisation, month=month)
    return period


def month_is_locked(month: datetime.date) -> bool:
    return ReportingMonth.objects.filter(month=month, locked=True).exists()


def _period_state(organisation: Organisation, month: datetime.date) -> PeriodState:
    status = (
        ReportingPeriod.objects.filter(organisation=organisation, month=month)
        .values_list("status", flat=True)
        .first()
    )
    return PeriodState(month=month, locked=month_is_locked(month), status=status)


def _locked_period(organisation: Organisation, month: datetime.date) -> ReportingPeriod:
    period = period_for(organisation, month)
    return ReportingPeriod.objects.select_for_update().get(pk=period.pk)


@transaction.atomic
def period_submit(*, actor: User, period: ReportingPeriod) -> ReportingPeriod:
    """Send the month's report to the coordinators."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    _refuse_if_locked(period.month)
    if not period.can_transition(PeriodStatus.SUBMITTED):
        raise WorkflowError(_("This report cannot be submitted now."))
    fingerprint = _rows_fingerprint(period)
    if period.status == PeriodStatus.RETURNED and fingerprint == _submitted_fingerprint(period):
        raise WorkflowError(
            _(
                "Nothing has changed since the report was returned. Change the rows the "
                "coordinator asked about, then submit again."
            )
        )
    period.status = PeriodStatus.SUBMITTED
    period.submitted_at, period.submitted_by = timezone.now(), actor
    period.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=period,
        changes=["status"],
        detail=f"{_SUBMITTED} {fingerprint}",
    )
    return period


_SUBMITTED = "submitted"


def _rows_fingerprint(period: ReportingPeriod) -> str:
    """What the period's rows are (which rows, when each last changed): equal fingerprints
    mean an unchanged report. Kept in the audit entry of each submission, so a report
    returned for changes cannot come back unchanged without a table of its own."""
    digest = hashlib.sha1(usedforsecurity=False)
    rows = ActivityReport.objects.filter(period=period).order_by("row_key")
    for key, changed in rows.values_list("row_key", "updated_at"):
        digest.update(f"{key}:{changed.isoformat()};".encode())
    return digest.hexdigest()


def _submitted_fingerprint(period: ReportingPeriod) -> str | None:
    from carenet.core.models import AuditEntry

    last = (
        AuditEntry.objects.filter(
            object_type=period._meta.label_lower,
            object_id=str(getattr(period, "uuid", None) or period.pk),
            detail__startswith=f"{_SUBMITTED} ",
        )
        .order_by("-at", "-id")
        .values_list("detail", flat=True)
        .first()
    )
    return last.split(" ", 1)[1] if last else None


@transaction.atomic
def period_validate(*, actor: User, period: ReportingPeriod) -> ReportingPeriod:
    """A coordinator accepts a submitted report."""
    return _review(actor, period, PeriodStatus.VALIDATED, "")


@transaction.atomic
def period_return(*, actor: User, period: ReportingPeriod, comment: str) -> ReportingPeriod:
    """A coordinator sends a report back for changes, saying what to change."""
    if not comment.strip():
        raise WorkflowError(_("Say what should change before returning the report."))
    return _review(actor, period, PeriodStatus.RETURNED, comment.strip())


def _review(actor: User, period: ReportingPeriod, to: str, comment: str) -> ReportingPeriod:
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    _refuse_if_locked(period.month)
    if not period.can_transition(to):
        raise WorkflowError(_("Only a submitted report can be reviewed."))
    period.status, period.review_comment = to, comment
    period.reviewed_at, period.reviewed_by = timezone.now(), actor
    period.save(
        update_fields=["status", "review_comment", "reviewed_at", "reviewed_by", "updated_at"]
    )
    audit.record(AuditAction.UPDATE, actor=actor, obj=period, changes=["status"], detail=str(to))
    return period


def _refuse_if_locked(month: datetime.date) -> None:
    if month_is_locked(month):
        raise WorkflowError(_("%(month)s is locked.") % {"month": months.key(month)})


@transaction.atomic
def month_set_locked(*, actor: User, month: datetime.date, locked: bool) -> ReportingMonth:
    """Lock a month (no report of it may change any more), or open it again."""
    row, _created = ReportingMonth.objects.get_or_create(month=month)
    row = ReportingMonth.objects.select_for_update().get(pk=row.pk)
    row.locked = locked
    row.locked_at, row.locked_by = (timezone.now(), actor) if locked else (None, None)
    row.save(update_fields=["locked", "locked_at", "locked_by"])
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=row,
        changes=["locked"],
        detail=f"{months.key(month)} {'locked' if locked else 'unlocked'}",
    )
    return row


# --- rows entered in the browser --------------------------------------------------------------


def row_save(
    *,
    actor: User,
    organisation: Organisation,
    month: datetime.date,
    cells: Mapping[str, Any],
    row: ActivityReport | None = None,
) -> tuple[ActivityReport | None, list[RowError]]:
    """Create or change one row with the import's rules; returns (row, []) or (None, errors)."""
    parser = RowParser(organisation, load_lookups(), month)
    candidate = parser.parse(0, cells)
    if candidate is None:
        return None, parser.errors
    good, errors = resolve(
        [candidate],
        organisation=organisation,
        month=month,
        period=_period_state(organisation, month),
        existing=_existing(organisation, month),
        update_existing=False,
        editing_id=row.pk if row else None,
        identical_is_duplicate=True,
    )
    if errors:
        return None, errors
    with transaction.atomic():
        saved = _write_one(actor, organisation, month, good[0], row)
        if saved is None:
            return None, [
                RowError(
                    0,
                    "start_date",
                    "period_not_editable",
                    {"month": months.key(month), "status": PeriodStatus.SUBMITTED},
                )
            ]
        rollups.refresh([(organisation.pk, month)])
    return saved, []


def _write_one(
    actor: User,
    organisation: Organisation,
    month: datetime.date,
    c: Candidate,
    row: ActivityReport | None,
) -> ActivityReport | None:
    period = _locked_period(organisation, month)
    if not period.editable or month_is_locked(month):
        return None
    values = c.model_values()
    if row is None:
        row = ActivityReport.objects.create(
            period=period, organisation=organisation, month=month, **values
        )
        audit.record(AuditAction.CREATE, actor=actor, obj=row, changes=list(values))
        return row
    before = {k: getattr(row, k) for k in values}
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=row, changes=audit.changed_fields(before, values)
    )
    return row


@transaction.atomic
def row_delete(*, actor: User, row: ActivityReport) -> None:
    """Delete one row of an editable period."""
    period = ReportingPeriod.objects.select_for_update().get(pk=row.period_id)
    if not period.editable or month_is_locked(period.month):
        raise WorkflowError(_("This month's report can no longer change."))
    audit.record(AuditAction.DELETE, actor=actor, obj=row)
    row.delete()
    rollups.refresh([(row.organisation_id, row.month)])


def _existing(organisation: Organisation, month: datetime.date) -> dict[str, tuple[str, int]]:
    rows = (
        ActivityReport.objects.filter(organisation=organisation, month=month)
        .order_by()  # not the model's ordering: it joins activities and places to sort
        .values_list("row_key", "content_hash", "id")
    )
    return {key: (digest, pk) for key, digest, pk in rows}


# --- imports ----------------------------------------------------------------------------------


def import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_start(
    *,
    actor: User | None,
    organisation: Organisation,
    month: datetime.date | None,
    upload: IO[bytes],
    file_name: str,
    valid_only: bool = False,
    update_existing: bool = False,
    background: bool | None = None,
) -> ImportJob:
    """Keep the uploaded file and check it: at once when small, else in the background."""
    job = _new_job(actor, organisation, month, file_name, valid_only, update_existing)
    target = _store(job, upload, file_name)
    _dispatch(job, target.stat().st_size, background)
    job.refresh_from_db()
    return job


def _new_job(
    actor: User | None,
    organisation: Organisation,
    month: datetime.date | None,
    file_name: str,
    valid_only: bool,
    update_existing: bool,
    status: str | None = None,
) -> ImportJob:
    """The import's record, before its file is stored (`_store`)."""
    extra = {"status": status} if status else {}
    return ImportJob.objects.create(
        organisation=organisation,
        month=month,
        created_by=actor,
        file_name=Path(file_name).name[:255],
        stored_path="",
        file_sha256="",
        valid_only=valid_only,
        update_existing=update_existing,
        **extra,
    )


def _store(job: ImportJob, upload: IO[bytes], file_name: str) -> Path:
    """Keep the uploaded file in the private imports folder, named by the job's UUID."""
    target = import_dir() / f"{job.uuid}{Path(file_name).suffix.lower()[:8]}"
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for chunk in iter(lambda: upload.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    job.stored_path, job.file_sha256 = str(target), digest.hexdigest()
    job.save(update_fields=["stored_path", "file_sha256"])
    return target


# --- the preview of an upload, before it is imported -----------------------------------------

PREVIEW_CHECK_ROWS = 1000  # rows checked on the preview page; the import checks them all
PREVIEW_ERRORS = 20


def import_upload(
    *,
    actor: User,
    organisation: Organisation,
    month: datetime.date,
    upload: IO[bytes],
    file_name: str,
    valid_only: bool = False,
    update_existing: bool = False,
) -> ImportJob:
    """Keep an uploaded file for its preview; nothing is checked or imported until the
    uploader confirms it (`import_confirm`)."""
    job = _new_job(
        actor, organisation, month, file_name, valid_only, update_existing, ImportStatus.PREVIEW
    )
    _store(job, upload, file_name)
    return job


@dataclass
class PreviewColumn:
    """A header of the file, and the field it is read as ("" when it is ignored)."""

    header: str
    field: str
    old_tag: bool = False


@dataclass
class Preview:
    """What the file holds and what importing it would read, before it is imported."""

    columns: list[PreviewColumn] = field(default_factory=list)
    rows: int = 0
    checked_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    readable: bool = True

    @property
    def ignored(self) -> list[str]:
        return [c.header for c in self.columns if not c.field and c.header]

    @property
    def all_checked(self) -> bool:
        return self.checked_rows >= self.rows


def import_preview(job: ImportJob) -> Preview:
    """How the job's file's columns are read, how many rows it has, and the first errors of
    its first PREVIEW_CHECK_ROWS rows (a large file is checked in full when imported)."""
    from carenet.reporting.columns import is_old_tag
    from carenet.reporting.validation import column_label

    try:
        table = open_table(Path(job.stored_path))
    except (UnreadableFile, OSError) as exc:
        code, params = (exc.code, exc.params) if isinstance(exc, UnreadableFile) else ("", {})
        error = RowError(0, "", code or "unreadable_file", params)
        return Preview(errors=[error], error_count=1, readable=False)
    preview = Preview(
        columns=[
            PreviewColumn(header, column_label(key) if key else "", is_old_tag(header))
            for header, key in table.headers
        ],
        rows=max(table.total_rows, 0),
    )
    errors = required_columns_missing(table.columns.values())
    if not errors:
        problems: list[RowError] = []
        first = itertools.islice(table.rows, PREVIEW_CHECK_ROWS)
        cells = (_row_cells(table, line, row, problems) for line, row in first)
        checked = check_cells(
            job.organisation, job.month, cells, update_existing=job.update_existing
        )
        if problems:
            _add_cell_problems(checked, problems)
        errors, preview.checked_rows = checked.errors, checked.total
        if checked.total < PREVIEW_CHECK_ROWS:  # every row was read: count them exactly
            preview.rows = checked.total
    preview.errors, preview.error_count = errors[:PREVIEW_ERRORS], len(errors)
    return preview


def import_confirm(*, actor: User, job: ImportJob, valid_only: bool = False) -> ImportJob:
    """Import a previewed upload (only its valid rows, when asked now or at the upload): at
    once when small, else in the background. Confirming twice (a double click) imports once."""
    taken = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEW).update(
        status=ImportStatus.QUEUED, valid_only=job.valid_only or valid_only
    )
    if taken:
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            obj=job,
            organisation=job.organisation,
            changes=["status"],
            detail="confirmed after preview",
        )
        _dispatch(job, Path(job.stored_path).stat().st_size, None)
    job.refresh_from_db()
    return job


def imports_purge(*, older_than: datetime.timedelta) -> int:
    """Delete the stored files of rejected imports, of uploads never confirmed after their
    preview (and files no import names) older than `older_than`; returns how many files
    went. Imported files are kept with their job."""
    cutoff = timezone.now() - older_than
    rejected = ImportJob.objects.filter(
        status__in=[ImportStatus.FAILED, ImportStatus.CRASHED, ImportStatus.PREVIEW],
        created_at__lt=cutoff,
    ).exclude(stored_path="")
    removed = 0
    for path in rejected.values_list("stored_path", flat=True).iterator():
        if Path(path).is_file():
            Path(path).unlink()
            removed += 1
    rejected.update(stored_path="")
    known = {Path(p).name for p in ImportJob.objects.values_list("stored_path", flat=True)}
    for stored in import_dir().iterdir():
        stamp = datetime.datetime.fromtimestamp(stored.stat().st_mtime, tz=datetime.UTC)
        if stored.is_file() and stored.name not in known and stamp < cutoff:
            stored.unlink()
            removed += 1
    log.info("purged %d stored import files", removed)
    return removed


COLUMNS_READ_MAX_BYTES = 5 * 1024 * 1024


def import_columns(job: ImportJob) -> list[tuple[str, str]]:
    """How the job's file's headers were read: (header, column title or "" when not read).
    Empty when the file is gone (purged) or too large to read again for a page."""
    from carenet.reporting.readers import open_table
    from carenet.reporting.validation import column_label

    path = Path(job.stored_path) if job.stored_path else None
    if path is None or not path.is_file() or path.stat().st_size > COLUMNS_READ_MAX_BYTES:
        return []
    try:
        table = open_table(path)
    except UnreadableFile:
        return []
    return [(header, column_label(key) if key else "") for header, key in table.headers]


def import_again_valid_only(*, actor: User, job: ImportJob) -> ImportJob:
    """Run a checked file again, this time importing only its valid rows."""
    copy = ImportJob.objects.create(
        organisation=job.organisation,
        month=job.month,
        created_by=actor,
        file_name=job.file_name,
        stored_path="",
        file_sha256=job.file_sha256,
        valid_only=True,
        update_existing=job.update_existing,
    )
    target = import_dir() / f"{copy.uuid}{Path(job.stored_path).suffix}"
    shutil.copyfile(job.stored_path, target)
    copy.stored_path = str(target)
    copy.save(update_fields=["stored_path"])
    _dispatch(copy, target.stat().st_size, None)
    copy.refresh_from_db()
    return copy


def _dispatch(job: ImportJob, size: int, background: bool | None) -> None:
    if background is None:
        background = size > settings.CARENET_IMPORT_BACKGROUND_BYTES
    if background:
        from carenet.reporting.tasks import run_import

        run_import.enqueue(str(job.uuid))
    else:
        import_run(job.pk)


@dataclass
class Checked:
    """What checking a file found."""

    month: datetime.date | None
    good: list[Candidate] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


def import_run(job_id: int) -> ImportJob:
    """Check the job's file and, if it may, write its rows. Never raises for a bad file.

    Files over CARENET_IMPORT_BACKGROUND_BYTES run here in a task-queue worker, never in a
    web request (`_dispatch`); the row and size limits of `readers` bound its memory."""
    job = ImportJob.objects.select_related("organisation").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    try:
        checked = check_file(
            job.organisation,
            job.month,
            Path(job.stored_path),
            update_existing=job.update_existing,
            progress=lambda done, total: _progress(job, done, total),
        )
    except UnreadableFile as exc:
        _finish_failed(job, [RowError(0, "", exc.code, exc.params)], ImportStatus.CRASHED, 0)
        return job
    bad_lines = {e.line for e in checked.errors}
    job.total_rows = checked.total
    if checked.errors and (not job.valid_only or 0 in bad_lines):
        _finish_failed(job, checked.errors, ImportStatus.FAILED, len(bad_lines))
        return job
    if checked.month is None or (not checked.good and not checked.errors):
        _finish_failed(job, [RowError(0, "", "no_rows")], ImportStatus.FAILED, 0)
        return job
    return _write_import(job, checked, len(bad_lines))


def check_file(
    organisation: Organisation,
    month: datetime.date | None,
    path: Path,
    *,
    update_existing: bool = False,
    progress: Any = None,
) -> Checked:
    """Every error of the file (an empty list when it may be imported as it is)."""
    table = open_table(path)
    missing = required_columns_missing(table.columns.values())
    if missing:
        return Checked(month=month, errors=missing, total=max(table.total_rows, 0))
    problems: list[RowError] = []
    cells = (_row_cells(table, line, row, problems) for line, row in table.rows)
    checked = check_cells(
        organisation,
        month,
        cells,
        total=max(table.total_rows, 0),
        update_existing=update_existing,
        progress=progress,
    )
    if problems:
        _add_cell_problems(checked, problems)
    return checked


def _row_cells(
    table: Table, line: int, row: list[Any], problems: list[RowError]
) -> tuple[int, dict[str, Any]]:
    """The row as {column key: cell}; a cell the file cannot give a value for (an error
    value, a formula saved without its result, a merged cell) is left out and reported."""
    values: dict[str, Any] = {}
    for i, key in table.columns.items():
        value = row[i] if i < len(row) else None
        problem = table.problems.get((line, i))
        if problem is None and isinstance(value, str) and value.strip().upper() in ERROR_VALUES:
            problem = ("error_value", {"value": value.strip()})
        if problem is not None:
            problems.append(RowError(line, key, problem[0], problem[1]))
            continue
        values[key] = value
    return line, values


def _add_cell_problems(checked: Checked, problems: list[RowError]) -> None:
    """A problem cell's own message replaces what its blank caused ("required"), and its
    row is not imported."""
    where = {(e.line, e.column) for e in problems}
    lines = {e.line for e in problems}
    kept = [e for e in checked.errors if (e.line, e.column) not in where]
    checked.errors = sorted(kept + problems, key=lambda e: (e.line, e.column))
    checked.good = [c for c in checked.good if c.line not in lines]


def check_cells(
    organisation: Organisation,
    month: datetime.date | None,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    total: int = 0,
    progress: Any = None,
    lookups: Lookups | None = None,
    update_existing: bool = False,
) -> Checked:
    """Check rows given as (line, {column key: cell}) with every rule of an import."""
    parser = RowParser(organisation, lookups or load_lookups(), month)
    candidates: list[Candidate] = []
    count = 0
    for line, values in rows:
        candidate = parser.parse(line, values)
        if candidate is not None:
            candidates.append(candidate)
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count, total)
    month = parser.month
    parser.errors += unknown_pcodes(parser.unresolved)
    if month is None:
        return Checked(month=None, errors=parser.errors, total=count)
    good, errors = resolve(
        candidates,
        organisation=organisation,
        month=month,
        period=_period_state(organisation, month),
        existing=_existing(organisation, month),
        update_existing=update_existing,
        identical_is_duplicate=False,
    )
    return Checked(
        month=month,
        good=good,
        errors=sorted(parser.errors + errors, key=lambda e: (e.line, e.column)),
        total=count,
    )


def _progress(job: ImportJob, done: int, total: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=max(total, done))


def _finish_failed(job: ImportJob, errors: list[RowError], status: str, bad_rows: int) -> None:
    stored = [e.as_dict() for e in errors[: ImportJob.MAX_STORED_ERRORS]]
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        errors=stored,
        error_count=len(errors),
        bad_rows=bad_rows,
        total_rows=job.total_rows,
        processed_rows=job.total_rows,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    audit.record(
        AuditAction.IMPORT,
        actor=job.created_by,
        obj=job,
        organisation=job.organisation,
        detail=f"rejected: {len(errors)} errors in {job.file_name}",
    )
    log.info("reporting import %s rejected with %d errors", job.uuid, len(errors))


def _write_import(job: ImportJob, checked: Checked, bad_rows: int) -> ImportJob:
    assert checked.month is not None
    org, month = job.organisation, checked.month
    with transaction.atomic():
        period = _locked_period(org, month)
        if period.editable and not month_is_locked(month):
            return _write_rows(job, checked, bad_rows, period)
        if _nothing_changes(checked, _existing(org, month)):
            return _finish_unchanged(job, checked, month)
        refusal = PeriodState(month, month_is_locked(month), period.status).refusal()
        transaction.set_rollback(True)  # not even the period made for the question
    # The month was locked or its report closed while the file was checked. The refusal is
    # written after the rolled-back block: inside it, it would be rolled back too.
    code, params = refusal or ("locked_period", {"month": months.key(month)})
    _finish_failed(job, [RowError(0, "", code, params)], ImportStatus.FAILED, 0)
    return job


def _write_rows(
    job: ImportJob, checked: Checked, bad_rows: int, period: ReportingPeriod
) -> ImportJob:
    """Write the checked rows into the (locked, editable) period and finish the job."""
    org, month = job.organisation, period.month
    existing = _existing(org, month)
    created, updated, unchanged = _apply(job, period, checked.good, existing)
    if created or updated:
        rollups.refresh([(org.pk, month)])
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        month=month,
        created=created,
        updated=updated,
        unchanged=unchanged,
        skipped=bad_rows,
        total_rows=checked.total,
        processed_rows=checked.total,
        error_count=len(checked.errors),
        bad_rows=bad_rows,
        errors=[e.as_dict() for e in checked.errors[: ImportJob.MAX_STORED_ERRORS]],
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    audit.record(
        AuditAction.IMPORT,
        actor=job.created_by,
        obj=job,
        organisation=org,
        detail=f"{months.key(month)}: created={created} updated={updated} "
        f"unchanged={unchanged} skipped={bad_rows}",
    )
    log.info("reporting import %s done: %d new, %d changed", job.uuid, created, updated)
    return job


def _nothing_changes(checked: Checked, existing: Mapping[str, tuple[str, int]]) -> bool:
    """Every row of the file is already saved as it is (an export read back in)."""
    return bool(checked.good) and all(
        existing.get(c.row_key, ("", 0))[0] == c.content_hash for c in checked.good
    )


def _finish_unchanged(job: ImportJob, checked: Checked, month: datetime.date) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        month=month,
        unchanged=len(checked.good),
        skipped=len({e.line for e in checked.errors}),
        total_rows=checked.total,
        processed_rows=checked.total,
        error_count=len(checked.errors),
        errors=[e.as_dict() for e in checked.errors[: ImportJob.MAX_STORED_ERRORS]],
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    audit.record(
        AuditAction.IMPORT,
        actor=job.created_by,
        obj=job,
        organisation=job.organisation,
        detail=f"{months.key(month)}: unchanged={job.unchanged}",
    )
    return job


def rows_import(
    *, actor: User | None, organisation: Organisation, checked: Checked, refresh: bool = True
) -> tuple[int, int, int]:
    """Write rows checked by `check_cells` (scripted sources such as the demo); returns
    (created, updated, unchanged). Refuses a locked or closed period."""
    assert checked.month is not None
    month = checked.month
    with transaction.atomic():
        period = _locked_period(organisation, month)
        if not period.editable or month_is_locked(month):
            raise WorkflowError(_("This month's report can no longer change."))
        counts = _apply(None, period, checked.good, _existing(organisation, month))
        if refresh and (counts[0] or counts[1]):
            rollups.refresh([(organisation.pk, month)])
        audit.record(
            AuditAction.IMPORT,
            actor=actor,
            obj=period,
            detail=f"{months.key(month)}: created={counts[0]} updated={counts[1]}",
        )
    return counts


def _apply(
    job: ImportJob | None,
    period: ReportingPeriod,
    good: list[Candidate],
    existing: dict[str, tuple[str, int]],
) -> tuple[int, int, int]:
    new, changed, unchanged = [], [], 0
    now = timezone.now()
    job_id = job.pk if job else None
    for c in good:
        other = existing.get(c.row_key)
        if other is None:
            new.append(
                bulk.candidate_row(
                    c,
                    period_id=period.pk,
                    organisation_id=period.organisation_id,
                    month=period.month,
                    job_id=job_id,
                    now=now,
                )
            )
        elif other[0] == c.content_hash:
            unchanged += 1
        else:
            changed.append(
                ActivityReport(pk=other[1], import_job=job, updated_at=now, **c.model_values())
            )
    bulk.insert(new)
    if changed:
        ActivityReport.objects.bulk_update(changed, _UPDATABLE, batch_size=WRITE_BATCH)
    return len(new), len(changed), unchanged


_UPDATABLE = (
    "activity",
    "layer",
    "area",
    "adm1",
    "adm2",
    "adm3",
    "site_uuid",
    "implementing_partner",
    "donor",
    "funder",
    "target_group",
    "status",
    "start_date",
    "end_date",
    "reached_f_0_17",
    "reached_m_0_17",
    "reached_f_18_59",
    "reached_m_18_59",
    "reached_f_60",
    "reached_m_60",
    "reached_total",
    "sessions",
    "trained",
    "comments",
    "content_hash",
    "import_job",
    "updated_at",
)


# --- needs figures ----------------------------------------------------------------------------
# Dated figures and their import live in `needs.py`; these names stay for callers.


def needs_import(**kwargs: Any) -> Any:
    from carenet.reporting import needs

    return needs.needs_import(**kwargs)


def needs_upload(**kwargs: Any) -> Any:
    from carenet.reporting import needs

    return needs.needs_upload(**kwargs)
