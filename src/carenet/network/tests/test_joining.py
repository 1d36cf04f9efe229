"""Applying to join, and the coordinator's decision."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from carenet.accounts.models import Invitation, Organisation, Role
from carenet.conftest import People, assert_access, client_for
from carenet.core.models import AuditEntry
from carenet.geo.models import AdminArea
from carenet.network import services
from carenet.network.models import Application, ApplicationStatus


def form_data(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Gamma Support",
        "acronym": "GAMMA",
        "kind": "nngo",
        "country": "UA",
        "areas": "UA3208015, UA46",
        "contact_name": "Iryna",
        "contact_email": "iryna@gamma.org",
        **extra,
    }


@pytest.fixture
def application(people: People, areas: dict[str, AdminArea]) -> Application:
    return services.application_submit(
        name="Gamma Support",
        acronym="GAMMA",
        kind="nngo",
        country="UA",
        contact_name="Iryna",
        contact_email="iryna@gamma.org",
        areas=[areas["irpin"]],
    )


def test_anyone_may_apply_through_the_public_form(
    people: People, areas: dict[str, AdminArea]
) -> None:
    response = Client().post(reverse("network:apply"), form_data())
    assert response.status_code == 302
    found = Application.objects.get()
    assert found.status == ApplicationStatus.PENDING
    assert {a.pcode for a in found.areas.all()} == {"UA3208015", "UA46"}
    assert not Organisation.objects.filter(acronym="GAMMA").exists()


def test_an_application_with_an_unknown_pcode_is_refused(
    people: People, areas: dict[str, AdminArea]
) -> None:
    response = Client().post(reverse("network:apply"), form_data(areas="UA99999"))
    assert response.status_code == 200
    assert "UA99999" in response.content.decode()
    assert not Application.objects.exists()


def test_only_coordinators_see_applications(people: People, split: Any) -> None:
    allowed, denied = split(people, "coordinator", "superuser")
    assert_access(reverse("network:applications"), allowed, denied)


def test_approval_creates_the_organisation_and_invites_its_first_admin(
    people: People, application: Application, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people.coordinator).post(
            reverse("network:application", args=[application.uuid]), {"approve": "1"}
        )
    assert response.status_code == 302
    org = Organisation.objects.get(acronym="GAMMA")
    assert org.coordination_member and list(org.areas.all()) == list(application.areas.all())
    invitation = Invitation.objects.get(organisation=org)
    assert invitation.role == Role.ORG_ADMIN and invitation.email == "iryna@gamma.org"
    assert mail.outbox[-1].to == ["iryna@gamma.org"]
    assert AuditEntry.objects.filter(
        object_id=str(application.uuid), detail="application approved"
    ).exists()


@pytest.mark.parametrize("who", ["org_admin", "focal_point", "oblast_coordinator", "outsider"])
def test_only_coordinators_approve(people: People, application: Application, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=getattr(people, who), application=application)
    response = client_for(getattr(people, who)).post(
        reverse("network:application", args=[application.uuid]), {"approve": "1"}
    )
    assert response.status_code == 404
    assert not Organisation.objects.filter(acronym="GAMMA").exists()


def test_declining_needs_a_reason_and_is_final(people: People, application: Application) -> None:
    with pytest.raises(ValidationError):
        services.application_decline(actor=people.coordinator, application=application, reason="")
    services.application_decline(
        actor=people.coordinator, application=application, reason="Not an MHPSS actor."
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    with pytest.raises(ValidationError):
        services.application_approve(actor=people.coordinator, application=application)


def test_a_taken_acronym_is_refused_at_approval(people: People, application: Application) -> None:
    Application.objects.filter(pk=application.pk).update(acronym="alpha")
    application.refresh_from_db()
    with pytest.raises(ValidationError):
        services.application_approve(actor=people.coordinator, application=application)


@pytest.mark.parametrize("forged", [str(uuid.uuid4()), "not-a-uuid"])
def test_a_forged_application_id_is_not_found(people: People, forged: str) -> None:
    url = reverse("network:application", args=[forged])
    assert client_for(people.coordinator).get(url).status_code == 404
