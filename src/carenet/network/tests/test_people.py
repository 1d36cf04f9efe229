"""An organisation's people: invitations one by one and from a spreadsheet, roles, leaving."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carenet.accounts.models import Invitation, Membership, Role
from carenet.conftest import People, assert_access, client_for
from carenet.network import services


def people_url(people: People) -> str:
    return reverse("network:people", args=[people.org_a.uuid])


def xlsx(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "people.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return path


def upload(people: People, path: Path, who: str = "org_admin") -> Any:
    with path.open("rb") as f:
        data = SimpleUploadedFile(path.name, f.read())
    return client_for(getattr(people, who)).post(
        reverse("network:people_bulk", args=[people.org_a.uuid]), {"file": data}
    )


def test_who_reaches_the_people_page(people: People, split: Any) -> None:
    allowed, denied = split(people, "org_admin", "focal_point", "superuser")
    assert_access(people_url(people), allowed, denied)


def test_an_admin_invites_a_colleague_with_a_role(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people.org_admin).post(
            people_url(people), {"email": "New@Alpha.org", "role": "practitioner"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@alpha.org")
    assert invitation.role == Role.PRACTITIONER and invitation.organisation == people.org_a
    assert mail.outbox[-1].to == ["new@alpha.org"]


def test_a_focal_point_cannot_invite_an_admin(people: People) -> None:
    response = client_for(people.focal_point).post(
        people_url(people), {"email": "boss@alpha.org", "role": "org_admin"}
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_a_spreadsheet_invites_everyone_listed(
    people: People, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    path = xlsx(
        tmp_path,
        [["email", "role"], ["a@alpha.org", "viewer"], ["b@alpha.org", "Focal point"]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(people, path)
    assert response.status_code == 302
    assert {i.email: i.role for i in Invitation.objects.all()} == {
        "a@alpha.org": "viewer",
        "b@alpha.org": "focal_point",
    }
    assert len(mail.outbox) == 2


def test_a_csv_works_too(people: People, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email,role\nc@alpha.org,viewer\n", encoding="utf-8")
    assert upload(people, path).status_code == 302
    assert Invitation.objects.filter(email="c@alpha.org").exists()


def test_one_bad_row_invites_nobody_and_names_the_rows(people: People, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        [
            ["email", "role"],
            ["ok@alpha.org", "viewer"],
            ["not-an-address", "viewer"],
            ["x@alpha.org", "wizard"],
            ["ok@alpha.org", "viewer"],
        ],
    )
    response = upload(people, path)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Row 3" in body and "Row 4" in body and "Row 5" in body and "Row 2:" not in body
    assert not Invitation.objects.exists()


def test_a_role_above_ones_own_in_a_file_invites_nobody(people: People, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path, [["email", "role"], ["v@alpha.org", "viewer"], ["b@alpha.org", "org_admin"]]
    )
    response = upload(people, path, who="focal_point")
    assert response.status_code == 200 and "You cannot give this role" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "content", [b"\x00\x01\x02binary", b"PK\x03\x04broken zip", b"name,phone\nx,1\n", b""]
)
def test_a_malformed_file_invites_nobody(people: People, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    response = upload(people, path)
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_an_admin_cannot_upload_into_another_organisation(people: People, tmp_path: Path) -> None:
    path = xlsx(tmp_path, [["email", "role"], ["v@beta.org", "viewer"]])
    with path.open("rb") as f:
        response = client_for(people.org_admin).post(
            reverse("network:people_bulk", args=[people.org_b.uuid]),
            {"file": SimpleUploadedFile("p.xlsx", f.read())},
        )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_invitations_are_revoked_by_their_organisation_only(
    people: People,
) -> None:
    from carenet.accounts import services as account_services

    invitation = account_services.invitation_create(
        actor=people.org_admin, email="z@alpha.org", organisation=people.org_a, role=Role.VIEWER
    )
    url = reverse("network:invitation_revoke", args=[invitation.uuid])
    assert client_for(people.outsider).post(url).status_code == 404
    assert client_for(people.org_admin).post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


def test_roles_change_only_within_ones_own_organisation(people: People) -> None:
    membership = Membership.objects.get(user=people.viewer)
    url = reverse("network:member_role", args=[membership.uuid])
    assert client_for(people.outsider).post(url, {"role": "org_admin"}).status_code == 404
    assert client_for(people.focal_point).post(url, {"role": "org_admin"}).status_code == 404
    assert client_for(people.org_admin).post(url, {"role": "focal_point"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.FOCAL_POINT


def test_a_person_who_leaves_is_removed_by_their_admin(people: People) -> None:
    membership = Membership.objects.get(user=people.practitioner)
    url = reverse("network:member_leave", args=[membership.uuid])
    assert client_for(people.outsider).post(url).status_code == 404
    assert client_for(people.org_admin).post(url).status_code == 302
    people.practitioner.refresh_from_db()
    assert not people.practitioner.is_active


@pytest.mark.parametrize("forged", [str(uuid.uuid4()), "nope"])
def test_forged_ids_are_not_found(people: People, forged: str) -> None:
    client = client_for(people.org_admin)
    assert client.get(reverse("network:people", args=[forged])).status_code == 404
    assert client.post(reverse("network:member_leave", args=[forged])).status_code == 404
    assert client.post(reverse("network:invitation_revoke", args=[forged])).status_code == 404


def test_the_service_refuses_a_file_for_someone_who_may_not_invite(
    people: People, tmp_path: Path
) -> None:
    from django.http import Http404

    path = xlsx(tmp_path, [["email", "role"], ["v@alpha.org", "viewer"]])
    with pytest.raises(Http404):
        services.invitations_from_file(actor=people.viewer, organisation=people.org_a, path=path)


def test_a_file_over_a_megabyte_is_refused(people: People, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("email,role\n" + "x" * (1024 * 1024), encoding="utf-8")
    response = upload(people, path)
    assert response.status_code == 200 and "too large" in response.content.decode()
    assert not Invitation.objects.exists()
