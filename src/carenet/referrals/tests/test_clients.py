"""A client's details: corrected and erased by its organisation only, audited without values."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from carenet.conftest import assert_access, client_for
from carenet.core.models import AuditEntry
from carenet.referrals import metrics, services
from carenet.referrals.models import Client, ConsentPurpose, Referral, Status
from carenet.referrals.services import InvalidReferral, NotAllowed
from carenet.referrals.tests.conftest import (
    NAME,
    PHONE,
    SUMMARY,
    World,
    make_client,
    referral_in,
    share_consent,
)
from carenet.referrals.tests.test_views import split

DETAILS = {
    "age_band": "18-59",
    "sex": "female",
    "languages": ["uk"],
    "area": "UA3208015",
    "name": NAME,
    "phone": "+380 50 765 4321",
    "date_of_birth": "1990-05-17",
}


def raw_identity(client: Client) -> tuple[str, str, str]:
    """The three identifying columns exactly as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, phone, date_of_birth FROM referrals_client WHERE id = %s", [client.pk]
        )
        return cursor.fetchone()


# --- editing ---------------------------------------------------------------------------------


def test_it_corrects_the_details_and_audits_the_field_names_only(world: World) -> None:
    client = make_client(world)
    services.client_update(
        actor=world.people.practitioner,
        client=client,
        details=services.ClientDetails(
            age_band="18-59",
            sex="female",
            languages=["uk", "pl"],
            area=client.area,
            name=NAME,
            phone="",
            date_of_birth=datetime.date(1990, 5, 17),
        ),
    )
    client.refresh_from_db()
    assert client.phone == "" and client.languages == ["pl", "uk"] and client.name == NAME
    entry = AuditEntry.objects.filter(object_id=str(client.uuid), action="update").get()
    assert entry.changes == ["languages", "phone"]
    assert PHONE not in entry.detail and NAME not in entry.detail


def test_saving_unchanged_details_writes_no_audit_entry(world: World) -> None:
    client = make_client(world)
    services.client_update(
        actor=world.people.practitioner,
        client=client,
        details=services.ClientDetails(
            age_band=client.age_band,
            sex=client.sex,
            languages=client.languages,
            area=client.area,
            name=client.name,
            phone=client.phone,
            date_of_birth=datetime.date(1990, 5, 17),
        ),
    )
    assert not AuditEntry.objects.filter(object_id=str(client.uuid), action="update").exists()


def test_a_date_of_birth_in_the_future_is_refused(world: World) -> None:
    client = make_client(world)
    with pytest.raises(InvalidReferral):
        services.client_update(
            actor=world.people.practitioner,
            client=client,
            details=services.ClientDetails(
                age_band="18-59",
                date_of_birth=timezone.localdate() + datetime.timedelta(days=2),
            ),
        )


def test_only_the_registering_organisation_edits(world: World) -> None:
    client = make_client(world)
    for outsider in (world.receiver_practitioner, world.third, world.people.superuser):
        with pytest.raises(NotAllowed):
            services.client_update(
                actor=outsider, client=client, details=services.ClientDetails(age_band="60+")
            )
    url = reverse("referrals:client_edit", args=[client.uuid])
    assert_access(url, *split(world, "org_admin", "practitioner"))
    for other in (world.receiver_practitioner, world.third, world.people.focal_point):
        assert client_for(other).get(url).status_code == 404
        assert client_for(other).post(url, {**DETAILS, "age_band": "60+"}).status_code == 404
    client.refresh_from_db()
    assert client.age_band == "18-59"


def test_the_edit_page_saves_and_is_audited_as_a_view(world: World) -> None:
    client = make_client(world)
    url = reverse("referrals:client_edit", args=[client.uuid])
    page = client_for(world.people.practitioner).get(url)
    assert page.status_code == 200 and PHONE in page.content.decode()
    assert AuditEntry.objects.filter(object_id=str(client.uuid), action="view").exists()
    response = client_for(world.people.practitioner).post(url, DETAILS)
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.phone == DETAILS["phone"]


# --- erasing ---------------------------------------------------------------------------------


def test_erasure_wipes_the_identifying_values_from_the_table(world: World) -> None:
    referral = referral_in(world, Status.COMPLETED)
    client = referral.client
    before = raw_identity(client)
    assert all(before) and NAME not in "".join(before)  # stored encrypted
    services.client_erase(actor=world.people.org_admin, client=client)
    assert raw_identity(client) == ("", "", "")
    client.refresh_from_db()
    assert client.code and client.age_band == "18-59" and client.erased_at is not None
    assert client.erased_by == world.people.org_admin
    referral.refresh_from_db()  # the record of care stays
    assert referral.status == Status.COMPLETED and referral.summary == SUMMARY


def test_erasure_keeps_the_person_in_the_counts(world: World, settings: Any) -> None:
    settings.CARENET_MIN_CELL = 1
    referral = referral_in(world, Status.COMPLETED)
    share_consent(world, referral.client, purpose=ConsentPurpose.REPORTING, organisations=[])
    before = metrics.pathway_metrics(world.people.coordinator, "organisation")
    services.client_erase(actor=world.people.org_admin, client=referral.client)
    assert metrics.pathway_metrics(world.people.coordinator, "organisation") == before
    assert before[-1]["sent"] == 1


def test_the_erasure_is_audited_without_personal_data(world: World, caplog: Any) -> None:
    client = make_client(world)
    with caplog.at_level(logging.DEBUG):
        services.client_erase(actor=world.people.org_admin, client=client)
    entry = AuditEntry.objects.get(object_id=str(client.uuid), action="delete")
    assert entry.actor == world.people.org_admin and entry.organisation == world.people.org_a
    assert entry.changes == ["date_of_birth", "erased_at", "name", "phone"]
    everything = " ".join(f"{e.detail} {e.changes}" for e in AuditEntry.objects.all()) + caplog.text
    for secret in (NAME, PHONE, "1990-05-17"):
        assert secret not in everything


def test_erasure_is_refused_while_a_referral_is_open(world: World) -> None:
    referral = referral_in(world, Status.ACCEPTED)
    with pytest.raises(InvalidReferral):
        services.client_erase(actor=world.people.org_admin, client=referral.client)
    assert raw_identity(referral.client)[0]  # nothing wiped
    services.referral_transition(
        actor=world.people.practitioner, referral=referral, name="cancel", reason="Moved away"
    )
    services.client_erase(actor=world.people.org_admin, client=referral.client)
    assert raw_identity(referral.client) == ("", "", "")


def test_a_draft_does_not_stop_erasure_and_nothing_is_left_to_erase_after(world: World) -> None:
    referral = referral_in(world, Status.DRAFT)
    services.client_erase(actor=world.people.org_admin, client=referral.client)
    with pytest.raises(InvalidReferral):
        services.client_erase(actor=world.people.org_admin, client=referral.client)


def test_only_the_organisations_admins_erase(world: World) -> None:
    client = make_client(world)
    url = reverse("referrals:client_erase", args=[client.uuid])
    for name, user in split(world, "org_admin")[1].items():
        response = client_for(user).post(url)
        assert response.status_code in (302, 403, 404), name
        if response.status_code == 302:
            assert "/accounts/sign-in/" in response["Location"], name
    for other in (world.receiver_practitioner, world.third, world.people.focal_point):
        assert client_for(other).get(url).status_code == 404
    assert client_for(world.people.practitioner).get(url).status_code == 403
    assert client_for(world.people.superuser).post(url).status_code == 403
    assert raw_identity(client)[0]
    page = client_for(world.people.org_admin).get(url)
    assert page.status_code == 200 and NAME not in page.content.decode()
    assert client_for(world.people.org_admin).post(url).status_code == 302
    assert raw_identity(client) == ("", "", "")


def test_the_receiver_sees_no_identity_after_erasure(world: World) -> None:
    referral = referral_in(world, Status.COMPLETED)  # consent shares name and phone
    url = reverse("referrals:detail", args=[referral.uuid])
    assert NAME in client_for(world.receiver_practitioner).get(url).content.decode()
    services.client_erase(actor=world.people.org_admin, client=referral.client)
    body = client_for(world.receiver_practitioner).get(url).content.decode()
    assert NAME not in body and PHONE not in body and referral.client.code in body
    assert Referral.objects.filter(pk=referral.pk, status=Status.COMPLETED).exists()


def test_an_open_referral_shows_why_erasure_is_refused(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    url = reverse("referrals:client_erase", args=[referral.client.uuid])
    response = client_for(world.people.org_admin).post(url, follow=True)
    assert "open referral" in response.content.decode()
    assert raw_identity(referral.client)[0]


@pytest.mark.parametrize("language,words", [("uk", "Стерти назавжди"), ("pl", "Usuń trwale")])
def test_the_erasure_page_speaks_ukrainian_and_polish(
    world: World, language: str, words: str
) -> None:
    client = make_client(world)
    url = reverse("referrals:client_erase", args=[client.uuid])
    page = client_for(world.people.org_admin).get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert words in page.content.decode()
