"""The implementation tracker: stages, moving on, stuck programmes, evidence files."""

from __future__ import annotations

import datetime
import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from carenet.community import queries, services
from carenet.community.models import (
    Evidence,
    Implementation,
    ImplementationStage,
    StageStatus,
)
from carenet.community.tests.conftest import make_implementation
from carenet.conftest import assert_access, client_for
from carenet.core.models import AuditEntry

pytestmark = pytest.mark.usefixtures("reference")

VIEWERS = (
    "coordinator",
    "oblast_coordinator",
    "org_admin",
    "focal_point",
    "practitioner",
    "viewer",
    "superuser",
)
EDITORS = ("coordinator", "oblast_coordinator", "org_admin", "focal_point", "superuser")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def implementation(people: Any, areas: Any) -> Implementation:
    return make_implementation(people.focal_point, areas["irpin"], people.org_a)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stage(code: str) -> ImplementationStage:
    return ImplementationStage.objects.get(code=code)


def test_a_new_implementation_has_every_stage_not_started(implementation: Any) -> None:
    position = queries.implementation_detail(implementation)
    assert position.total == 11
    assert position.current == stage("needs-analysis")
    assert {p.status for _s, p in position.cells} == {StageStatus.NOT_STARTED}


def test_moving_on_finishes_the_stage_and_starts_the_next(people: Any, implementation: Any) -> None:
    day = datetime.date(2026, 3, 10)
    nxt = services.implementation_advance(
        actor=people.focal_point, implementation=implementation, today=day
    )
    assert nxt == stage("adaptation")
    first = implementation.progress.get(stage=stage("needs-analysis"))
    assert (first.status, first.started_on, first.completed_on) == ("done", day, day)
    second = implementation.progress.get(stage=nxt)
    assert (second.status, second.started_on) == ("in_progress", day)
    assert AuditEntry.objects.filter(object_type="community.stageprogress").count() == 2


def test_a_blocked_stage_must_be_unblocked_before_moving_on(
    people: Any, implementation: Any
) -> None:
    with pytest.raises(ValidationError):
        services.stage_update(
            actor=people.focal_point,
            implementation=implementation,
            stage=stage("needs-analysis"),
            status=StageStatus.BLOCKED,
        )
    services.stage_update(
        actor=people.focal_point,
        implementation=implementation,
        stage=stage("needs-analysis"),
        status=StageStatus.BLOCKED,
        blocked_reason="No data from the council",
    )
    with pytest.raises(ValidationError):
        services.implementation_advance(actor=people.focal_point, implementation=implementation)


def test_every_stage_done_is_the_end(people: Any, implementation: Any) -> None:
    for _ in range(11):
        services.implementation_advance(actor=people.focal_point, implementation=implementation)
    position = queries.implementation_detail(implementation)
    assert position.current is None
    assert position.done == 11
    assert not position.stuck
    with pytest.raises(ValidationError):
        services.implementation_advance(actor=people.focal_point, implementation=implementation)


def test_a_stage_cannot_finish_before_it_started(people: Any, implementation: Any) -> None:
    with pytest.raises(ValidationError):
        services.stage_update(
            actor=people.focal_point,
            implementation=implementation,
            stage=stage("pilot"),
            status=StageStatus.DONE,
            started_on=datetime.date(2026, 5, 1),
            completed_on=datetime.date(2026, 4, 1),
        )


def test_the_same_programme_is_followed_once_per_community(
    people: Any, areas: Any, implementation: Any
) -> None:
    with pytest.raises(ValidationError):
        make_implementation(people.focal_point, areas["irpin"], people.org_a)


def test_stuck_means_blocked_or_no_change_for_n_days(
    people: Any, areas: Any, implementation: Any, settings: Any
) -> None:
    settings.CARENET_COMMUNITY_STUCK_DAYS = 30
    fresh = make_implementation(people.focal_point, areas["lviv"], people.org_a)
    old = make_implementation(people.focal_point, areas["irpin"], people.org_a, "mhgap")
    Implementation.objects.filter(pk=old.pk).update(
        last_change_at=timezone.now() - datetime.timedelta(days=31)
    )
    services.stage_update(
        actor=people.focal_point,
        implementation=implementation,
        stage=stage("needs-analysis"),
        status=StageStatus.BLOCKED,
        blocked_reason="Council elections",
    )
    stuck, stages = queries.network_positions(people.coordinator, stuck_only=True)
    assert set(stuck) == {implementation, old}
    positions = {p.implementation: p for p in (queries.position_of(i, stages) for i in stuck)}
    assert positions[implementation].blocked
    assert positions[old].stale and not positions[old].blocked
    assert fresh not in set(stuck)


def test_the_network_view_shows_each_community_position(
    people: Any,
    areas: Any,
    implementation: Any,
    split: Any,
    django_assert_max_num_queries: Any,
) -> None:
    lviv = make_implementation(people.focal_point, areas["lviv"], people.org_a)
    services.implementation_advance(actor=people.focal_point, implementation=lviv)
    url = reverse("community:network")
    assert_access(url, *split(people, *VIEWERS, "outsider"))
    client = client_for(people.oblast_coordinator)
    client.get(url)  # warm the session
    with django_assert_max_num_queries(14):
        page = client.get(url)
    content = page.content.decode()
    assert "Irpinska" in content
    assert "Lvivska" not in content  # outside the coordinator's oblast
    page = client_for(people.coordinator).get(url, {"programme": "taking-care-of-myself"})
    assert [p.implementation for p in page.context["positions"]] == [implementation, lviv]
    assert page.context["positions"][1].current == stage("adaptation")


def test_the_network_view_ignores_an_unknown_area(people: Any, implementation: Any) -> None:
    page = client_for(people.coordinator).get(reverse("community:network"), {"area": "ZZ9"})
    assert page.status_code == 200
    assert "Unknown P-code" in page.content.decode()


def test_access_to_an_implementation_and_its_stages(
    people: Any, implementation: Any, split: Any
) -> None:
    assert_access(
        reverse("community:implementation", args=[implementation.uuid]), *split(people, *VIEWERS)
    )
    assert_access(
        reverse("community:stage", args=[implementation.uuid, "pilot"]), *split(people, *EDITORS)
    )
    assert_access(reverse("community:implementation_new"), *split(people, *EDITORS))
    denied = split(people, *EDITORS)[1]
    assert_access(
        reverse("community:implementation_advance", args=[implementation.uuid]),
        {},
        denied,
        method="post",
    )
    assert implementation.progress.filter(status=StageStatus.DONE).count() == 0


def test_unknown_stage_codes_and_forged_ids_are_not_found(people: Any, implementation: Any) -> None:
    client = client_for(people.superuser)
    assert (
        client.get(reverse("community:stage", args=[implementation.uuid, "nope"])).status_code
        == 404
    )
    assert client.get(reverse("community:implementation", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("community:evidence", args=[uuid.uuid4()])).status_code == 404


def test_a_coordinator_moves_a_community_to_the_next_stage(
    people: Any, implementation: Any
) -> None:
    response = client_for(people.oblast_coordinator).post(
        reverse("community:implementation_advance", args=[implementation.uuid])
    )
    assert response.status_code == 302
    position = queries.implementation_detail(implementation)
    assert position.current == stage("adaptation")


def test_a_stage_is_set_through_the_form(people: Any, implementation: Any) -> None:
    url = reverse("community:stage", args=[implementation.uuid, "training"])
    response = client_for(people.focal_point).post(url, {"status": "blocked"})
    assert response.status_code == 200
    assert response.context["form"].errors["blocked_reason"]
    response = client_for(people.focal_point).post(
        url,
        {
            "status": "in_progress",
            "started_on": "2026-01-05",
            "responsible_organisation": people.org_b.pk,
            "notes": "ToT in Kyiv",
        },
    )
    assert response.status_code == 302
    progress = implementation.progress.get(stage=stage("training"))
    assert progress.responsible_organisation == people.org_b
    assert progress.started_on == datetime.date(2026, 1, 5)


# --- evidence -------------------------------------------------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _post_file(user: Any, implementation: Any, name: str, content: bytes) -> Any:
    url = reverse("community:evidence_new", args=[implementation.uuid, "needs-analysis"])
    upload = SimpleUploadedFile(name, content)
    return client_for(user).post(url, {"kind": "file", "file": upload})


def test_a_file_is_stored_under_a_random_name_and_served_to_viewers_only(
    people: Any,
    implementation: Any,
    media: Path,
    split: Any,
) -> None:
    response = _post_file(people.focal_point, implementation, "../../council decision.pdf", PDF)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "council decision.pdf"
    assert evidence.content_type == "application/pdf"
    stored = Path(evidence.file.path)
    assert stored.is_relative_to(media)
    assert "council" not in stored.name
    url = reverse("community:evidence", args=[evidence.uuid])
    allowed, denied = split(people, *VIEWERS)
    for name, user in allowed.items():
        response = client_for(user).get(url)
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"]  # consuming closed the file
    assert_access(url, {}, denied)
    assert AuditEntry.objects.filter(action="view", object_id=str(evidence.uuid)).exists()


def test_office_files_are_accepted_when_they_are_real(
    people: Any, implementation: Any, media: Path
) -> None:
    assert _post_file(people.focal_point, implementation, "plan.docx", _docx()).status_code == 302
    assert (
        _post_file(people.focal_point, implementation, "notes.txt", "Нотатки".encode()).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"<html><script>alert(1)</script></html>"),
        ("fake.docx", b"PK\x03\x04 not really a zip"),
        ("empty.pdf", b""),
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("binary.txt", b"\x00\x01\x02"),
        ("other.xlsx", None),  # a real zip, but a Word document
    ],
)
def test_malformed_or_unwelcome_files_are_refused(
    people: Any, implementation: Any, media: Path, name: str, content: bytes | None
) -> None:
    response = _post_file(
        people.focal_point, implementation, name, content if content is not None else _docx()
    )
    assert response.status_code == 400
    assert response.context["evidence_form"].errors
    assert not Evidence.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(
    people: Any, implementation: Any, media: Path, settings: Any
) -> None:
    settings.CARENET_COMMUNITY_EVIDENCE_MAX_BYTES = 100
    response = _post_file(people.focal_point, implementation, "big.pdf", PDF + b"x" * 200)
    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_links_and_notes_are_evidence_too(people: Any, implementation: Any) -> None:
    url = reverse("community:evidence_new", args=[implementation.uuid, "governance"])
    client = client_for(people.focal_point)
    assert (
        client.post(url, {"kind": "link", "url": "https://rada.example/decision"}).status_code
        == 302
    )
    assert (
        client.post(url, {"kind": "note", "note": "Agreed at the council meeting"}).status_code
        == 302
    )
    assert client.post(url, {"kind": "link", "url": "javascript:alert(1)"}).status_code == 400
    assert client.post(url, {"kind": "link"}).status_code == 400
    assert Evidence.objects.count() == 2
    response = client_for(people.viewer).post(url, {"kind": "note", "note": "x"})
    assert response.status_code == 403


def test_implementation_stages_are_edited_by_superusers_only(people: Any) -> None:
    url = reverse("admin:community_implementationstage_changelist")
    assert client_for(people.superuser).get(url).status_code == 200
    staff = people.coordinator
    staff.is_staff = True
    staff.save()
    assert client_for(staff).get(url).status_code in (302, 403)
