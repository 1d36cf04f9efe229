"""The review workflow: draft → submitted → validated / returned; locked months."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from carenet.conftest import People
from carenet.core.models import AuditEntry
from carenet.reporting import services
from carenet.reporting.models import ActivityReport, ImportJob, ImportStatus, PeriodStatus
from carenet.reporting.tests.conftest import MONTH, error_codes, good_row, write_xlsx
from carenet.reporting.tests.factories import add_row

pytestmark = pytest.mark.django_db


def test_it_moves_a_report_through_review(people: People, codes: dict[str, str]) -> None:
    row = add_row(people.focal_point, people.org_a)
    period = services.period_for(people.org_a, MONTH)
    assert period.status == PeriodStatus.DRAFT
    period = services.period_submit(actor=people.focal_point, period=period)
    assert period.status == PeriodStatus.SUBMITTED and period.submitted_by == people.focal_point
    with pytest.raises(services.WorkflowError):
        services.period_submit(actor=people.focal_point, period=period)
    period = services.period_return(
        actor=people.coordinator, period=period, comment="Add the age bands."
    )
    assert period.status == PeriodStatus.RETURNED and period.review_comment
    services.row_delete(actor=people.focal_point, row=row)  # a change: it may go again
    period = services.period_submit(actor=people.focal_point, period=period)
    period = services.period_validate(actor=people.coordinator, period=period)
    assert period.status == PeriodStatus.VALIDATED
    details = list(
        AuditEntry.objects.filter(object_id=str(period.uuid))
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert [d.split(" ")[0] for d in details] == ["submitted", "returned", "submitted", "validated"]


def test_returning_needs_a_comment(people: People, codes: dict[str, str]) -> None:
    period = services.period_submit(
        actor=people.focal_point, period=services.period_for(people.org_a, MONTH)
    )
    with pytest.raises(services.WorkflowError):
        services.period_return(actor=people.coordinator, period=period, comment="  ")


def test_a_submitted_report_cannot_change(people: People, codes: dict[str, str]) -> None:
    row = add_row(people.focal_point, people.org_a)
    services.period_submit(
        actor=people.focal_point, period=services.period_for(people.org_a, MONTH)
    )
    saved, errors = services.row_save(
        actor=people.focal_point,
        organisation=people.org_a,
        month=MONTH,
        row=row,
        cells={"activity": "8.1", "pcode": "UA3208015", "status": "completed", "start_date": MONTH},
    )
    assert saved is None and errors[0].code == "period_not_editable"
    with pytest.raises(services.WorkflowError):
        services.row_delete(actor=people.focal_point, row=row)


def test_a_locked_month_cannot_change_at_all(people: People, codes: dict[str, str]) -> None:
    row = add_row(people.focal_point, people.org_a)
    period = services.period_submit(
        actor=people.focal_point, period=services.period_for(people.org_a, MONTH)
    )
    services.month_set_locked(actor=people.coordinator, month=MONTH, locked=True)
    with pytest.raises(services.WorkflowError):
        services.period_validate(actor=people.coordinator, period=period)
    with pytest.raises(services.WorkflowError):
        services.row_delete(actor=people.focal_point, row=row)
    _saved, errors = services.row_save(
        actor=people.focal_point,
        organisation=people.org_b,
        month=MONTH,
        cells={"activity": "8.1", "pcode": "UA3208015", "status": "ongoing", "start_date": MONTH},
    )
    assert errors[0].code == "locked_period"
    services.month_set_locked(actor=people.coordinator, month=MONTH, locked=False)
    services.period_validate(actor=people.coordinator, period=period)
    assert ActivityReport.objects.count() == 1


def test_the_browser_row_uses_the_import_rules(people: People, codes: dict[str, str]) -> None:
    row = add_row(people.focal_point, people.org_a, reached_f_0_17=5, reached_m_0_17=15)
    assert row.reached_total == 20
    _saved, errors = services.row_save(
        actor=people.focal_point,
        organisation=people.org_a,
        month=MONTH,
        cells={"activity": "8.1", "pcode": "UA3208015", "status": "ongoing", "start_date": MONTH},
    )
    assert [e.code for e in errors] == ["duplicate_existing"]
    _saved, errors = services.row_save(
        actor=people.focal_point,
        organisation=people.org_a,
        month=MONTH,
        cells={
            "activity": "8.1",
            "pcode": "UA3208015",
            "status": "ongoing",
            "start_date": MONTH,
            "reached_f_0_17": -1,
            "reached_total": 3,
        },
    )
    assert [e.code for e in errors] == ["negative"]
    edited, errors = services.row_save(
        actor=people.focal_point,
        organisation=people.org_a,
        month=MONTH,
        row=row,
        cells={
            "activity": "8.1",
            "pcode": "UA3208015",
            "status": "completed",
            "start_date": MONTH,
            "reached_total": 30,
        },
    )
    assert edited is not None and edited.reached_total == 30 and not errors


def _validate(people: People) -> None:
    period = services.period_submit(
        actor=people.focal_point, period=services.period_for(people.org_a, MONTH)
    )
    services.period_validate(actor=people.coordinator, period=period)


def _lock(people: People) -> None:
    services.month_set_locked(actor=people.coordinator, month=MONTH, locked=True)


@pytest.mark.parametrize(
    ("close", "code"), [(_lock, "locked_period"), (_validate, "period_not_editable")]
)
def test_an_import_refused_after_its_check_is_recorded_as_failed(
    people: People,
    codes: dict[str, str],
    tmp_path: Path,
    run_import: Callable[..., ImportJob],
    monkeypatch: pytest.MonkeyPatch,
    close: Callable[[People], None],
    code: str,
) -> None:
    """The month is locked (or its report validated) while the file is being checked: the
    rows are refused, and the import says so rather than staying "running"."""
    check = services.check_file

    def check_then_close(*args: Any, **kwargs: Any) -> services.Checked:
        checked = check(*args, **kwargs)
        close(people)
        return checked

    monkeypatch.setattr(services, "check_file", check_then_close)
    job = run_import(write_xlsx(tmp_path / "march.xlsx", [good_row()]))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at is not None
    assert error_codes(job) == [(0, "", code)]
    assert ActivityReport.objects.count() == 0
    assert AuditEntry.objects.filter(
        object_id=str(job.uuid), detail__startswith="rejected"
    ).exists()
