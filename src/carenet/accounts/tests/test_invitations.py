"""Invitations into an organisation, role changes and people who leave."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from carenet.accounts import services
from carenet.accounts.models import Invitation, Membership, Role, User
from carenet.conftest import People, client_for
from carenet.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def invite(
    people: People, capture: Any, email: str = "new.person@alpha.org", role: Role = Role.VIEWER
) -> tuple[Invitation, str]:
    """Invite as ALPHA's admin; returns the invitation and the token from the e-mail."""
    with capture(execute=True):
        invitation = services.invitation_create(
            actor=people.org_admin, email=email, organisation=people.org_a, role=role
        )
    token = re.search(r"/accounts/invitation/([^/\s]+)/", mail.outbox[-1].body)
    assert token is not None
    return invitation, token.group(1)


def test_an_invitation_is_mailed_and_audited_and_stores_no_token(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, token = invite(people, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["new.person@alpha.org"]
    assert token not in invitation.token_hash
    assert invitation.token_hash == Invitation.hash_token(token)
    entry = AuditEntry.objects.get(object_id=str(invitation.uuid), action="permission")
    assert entry.actor == people.org_admin and entry.organisation == people.org_a


def test_accepting_creates_the_account_with_a_password_and_the_role(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    _, token = invite(people, django_capture_on_commit_callbacks, role=Role.FOCAL_POINT)
    client = Client()
    page = client.get(f"/accounts/invitation/{token}/")
    assert page.status_code == 200
    response = client.post(
        f"/accounts/invitation/{token}/",
        {
            "full_name": "Nadia K.",
            "password1": "a-long-new-passphrase-9",
            "password2": "a-long-new-passphrase-9",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@alpha.org")
    assert user.check_password("a-long-new-passphrase-9") and user.full_name == "Nadia K."
    assert Membership.objects.get(user=user, organisation=people.org_a).role == Role.FOCAL_POINT
    assert client.get("/accounts/").status_code == 200  # signed in
    # the link works once
    assert Client().get(f"/accounts/invitation/{token}/").status_code == 404


def test_accepting_refuses_two_different_passwords(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    _, token = invite(people, django_capture_on_commit_callbacks)
    response = Client().post(
        f"/accounts/invitation/{token}/",
        {"full_name": "N", "password1": "a-long-new-passphrase-9", "password2": "other-one-99x"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="new.person@alpha.org").exists()


def test_an_existing_account_accepts_only_when_signed_in_as_itself(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    _, token = invite(people, django_capture_on_commit_callbacks, email=people.outsider.email)
    url = f"/accounts/invitation/{token}/"
    assert Client().post(url, {}).status_code == 200  # asked to sign in, nothing joined
    client_for(people.viewer).post(url, {})
    assert not Membership.objects.filter(user=people.outsider, organisation=people.org_a).exists()
    response = client_for(people.outsider).post(url, {})
    assert response.status_code == 302
    membership = Membership.objects.get(user=people.outsider, organisation=people.org_a)
    assert membership.role == Role.VIEWER


def test_expired_and_revoked_invitations_open_nothing(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    expired, old_token = invite(people, django_capture_on_commit_callbacks, email="a@x.org")
    Invitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    revoked, revoked_token = invite(people, django_capture_on_commit_callbacks, email="b@x.org")
    services.invitation_revoke(actor=people.org_admin, invitation=revoked)
    for token in (old_token, revoked_token, "forged-token"):
        assert Client().get(f"/accounts/invitation/{token}/").status_code == 404
    with pytest.raises(ValidationError):
        services.invitation_revoke(actor=people.org_admin, invitation=revoked)


def test_a_new_invitation_replaces_the_pending_one(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    first, first_token = invite(people, django_capture_on_commit_callbacks)
    invite(people, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert first.status == "revoked"
    assert Client().get(f"/accounts/invitation/{first_token}/").status_code == 404


def test_nobody_invites_with_a_role_above_their_own(people: People) -> None:
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=people.focal_point,
            email="boss@alpha.org",
            organisation=people.org_a,
            role=Role.ORG_ADMIN,
        )
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=people.focal_point,
            email="clinician@alpha.org",
            organisation=people.org_a,
            role=Role.PRACTITIONER,
        )
    services.invitation_create(
        actor=people.focal_point, email="v@alpha.org", organisation=people.org_a, role=Role.VIEWER
    )


@pytest.mark.parametrize("who", ["outsider", "practitioner", "viewer", "oblast_coordinator"])
def test_only_own_organisation_staff_who_may_invite_can_invite(people: People, who: str) -> None:
    with pytest.raises(Http404):
        services.invitation_create(
            actor=getattr(people, who),
            email="x@alpha.org",
            organisation=people.org_a,
            role=Role.VIEWER,
        )


def test_an_admin_cannot_invite_into_another_organisation(people: People) -> None:
    with pytest.raises(Http404):
        services.invitation_create(
            actor=people.org_admin, email="x@beta.org", organisation=people.org_b, role=Role.VIEWER
        )


def test_role_changes_are_audited_and_refuse_escalation_and_the_last_admin(
    people: People,
) -> None:
    membership = Membership.objects.get(user=people.viewer)
    services.membership_change_role(
        actor=people.org_admin, membership=membership, role=Role.FOCAL_POINT
    )
    assert AuditEntry.objects.filter(
        object_id=str(membership.uuid), detail="role=focal_point"
    ).exists()
    with pytest.raises(Http404):
        services.membership_change_role(
            actor=people.focal_point, membership=membership, role=Role.ORG_ADMIN
        )
    own = Membership.objects.get(user=people.org_admin)
    with pytest.raises(ValidationError):
        services.membership_change_role(actor=people.org_admin, membership=own, role=Role.VIEWER)


def test_a_person_who_leaves_is_deactivated_and_signed_out_and_records_stay(
    people: People,
) -> None:
    viewer = people.viewer
    client = client_for(viewer)
    assert client.get("/accounts/").status_code == 200
    membership = Membership.objects.get(user=viewer)
    services.person_leave(actor=people.org_admin, membership=membership)
    viewer.refresh_from_db()
    assert not viewer.is_active
    assert User.objects.filter(pk=viewer.pk).exists()
    assert client.get("/accounts/").status_code == 302
    assert AuditEntry.objects.filter(object_id=str(viewer.pk), detail="account deactivated")


def test_a_person_with_another_organisation_only_leaves_this_one(people: People) -> None:
    services.membership_set(
        actor=None, user=people.outsider, organisation=people.org_a, role=Role.VIEWER
    )
    membership = Membership.objects.get(user=people.outsider, organisation=people.org_a)
    services.person_leave(actor=people.org_admin, membership=membership)
    people.outsider.refresh_from_db()
    assert people.outsider.is_active
    assert Membership.objects.filter(user=people.outsider, organisation=people.org_b).exists()


def test_an_admin_of_another_organisation_cannot_remove_anyone(people: People) -> None:
    services.membership_set(
        actor=None, user=people.outsider, organisation=people.org_b, role=Role.ORG_ADMIN
    )
    with pytest.raises(Http404):
        services.person_leave(
            actor=people.outsider, membership=Membership.objects.get(user=people.viewer)
        )
