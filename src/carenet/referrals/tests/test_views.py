"""Every view: who reaches it and who does not, and what each side is shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from carenet.conftest import assert_access, client_for
from carenet.core.models import AuditEntry
from carenet.referrals.models import Client, Notification, Referral, Status
from carenet.referrals.tests.conftest import NAME, PHONE, SUMMARY, World, make_client, referral_in


def everyone(world: World) -> dict[str, Any]:
    return {**world.people.all(), "third": world.third, "receiver_admin": world.receiver_admin}


def split(world: World, *allowed: str) -> tuple[dict[str, Any], dict[str, Any]]:
    all_ = everyone(world)
    return (
        {k: v for k, v in all_.items() if k in allowed},
        {k: v for k, v in all_.items() if k not in allowed},
    )


MEMBERS_WHO_HANDLE = ("org_admin", "practitioner", "outsider", "third", "receiver_admin")


@pytest.mark.parametrize(
    "name", ["referrals:inbox", "referrals:outbox", "referrals:clients", "referrals:notifications"]
)
def test_lists_are_for_members_who_handle_referrals(world: World, name: str) -> None:
    assert_access(reverse(name), *split(world, *MEMBERS_WHO_HANDLE))


def test_registering_a_client_is_for_practitioners_and_admins(world: World) -> None:
    assert_access(reverse("referrals:client_new"), *split(world, *MEMBERS_WHO_HANDLE))


def test_a_sent_referral_is_seen_by_both_sides_only(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    url = reverse("referrals:detail", args=[referral.uuid])
    assert_access(
        url, *split(world, "org_admin", "practitioner", "outsider", "receiver_admin", "superuser")
    )
    assert_access(
        reverse("referrals:fhir", args=[referral.uuid]),
        *split(world, "org_admin", "practitioner", "outsider", "receiver_admin", "superuser"),
    )


def test_a_draft_is_not_seen_by_the_receiver(world: World) -> None:
    referral = referral_in(world, Status.DRAFT)
    assert_access(
        reverse("referrals:detail", args=[referral.uuid]),
        *split(world, "org_admin", "practitioner", "superuser"),
    )


def test_a_third_organisation_gets_not_found_for_a_real_referral_id(world: World) -> None:
    referral = referral_in(world, Status.ACCEPTED)
    for url in [
        reverse("referrals:detail", args=[referral.uuid]),
        reverse("referrals:fhir", args=[referral.uuid]),
        reverse("referrals:client", args=[referral.client.uuid]),
    ]:
        assert client_for(world.third).get(url).status_code == 404
    response = client_for(world.third).post(reverse("referrals:act", args=[referral.uuid, "start"]))
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


def test_a_forged_uuid_is_not_found(world: World) -> None:
    url = reverse("referrals:detail", args=["00000000-0000-4000-8000-000000000000"])
    assert client_for(world.people.practitioner).get(url).status_code == 404


def test_a_client_is_seen_only_by_its_organisation(world: World) -> None:
    client = make_client(world)
    assert_access(
        reverse("referrals:client", args=[client.uuid]),
        *split(world, "org_admin", "practitioner", "superuser"),
    )
    # Writing about the person takes a member of its organisation (not a superuser as such).
    assert_access(
        reverse("referrals:consent_new", args=[client.uuid]),
        *split(world, "org_admin", "practitioner"),
    )
    assert_access(
        reverse("referrals:referral_new", args=[client.uuid]),
        *split(world, "org_admin", "practitioner"),
    )


def test_every_view_of_a_referral_or_client_is_audited(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    before = AuditEntry.objects.filter(action="view").count()
    client_for(world.people.practitioner).get(reverse("referrals:detail", args=[referral.uuid]))
    client_for(world.receiver_practitioner).get(reverse("referrals:detail", args=[referral.uuid]))
    client_for(world.people.practitioner).get(
        reverse("referrals:client", args=[referral.client.uuid])
    )
    views = AuditEntry.objects.filter(action="view").order_by("id")[before:]
    assert [(v.object_type, v.actor_id) for v in views] == [
        ("referrals.referral", world.people.practitioner.pk),
        ("referrals.referral", world.receiver_practitioner.pk),
        ("referrals.client", world.people.practitioner.pk),
    ]
    assert all(v.object_id for v in views)


def test_the_receiver_sees_only_what_consent_shares(world: World) -> None:
    referral = referral_in(world, Status.SENT)  # consent shares name and phone, not birth date
    page = (
        client_for(world.receiver_practitioner)
        .get(reverse("referrals:detail", args=[referral.uuid]))
        .content.decode()
    )
    assert NAME in page and PHONE in page and SUMMARY in page
    assert "1990-05-17" not in page
    sender_page = (
        client_for(world.people.practitioner)
        .get(reverse("referrals:detail", args=[referral.uuid]))
        .content.decode()
    )
    assert "1990-05-17" in sender_page


def test_the_receiver_is_offered_only_its_own_actions(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    url = reverse("referrals:detail", args=[referral.uuid])
    receiver = client_for(world.receiver_practitioner).get(url).content.decode()
    sender = client_for(world.people.practitioner).get(url).content.decode()
    acknowledge = reverse("referrals:act", args=[referral.uuid, "acknowledge"])
    cancel = reverse("referrals:act", args=[referral.uuid, "cancel"])
    revoke = reverse("referrals:act", args=[referral.uuid, "revoke"])
    assert acknowledge in receiver and cancel not in receiver
    assert cancel in sender and acknowledge not in sender and revoke not in sender
    admin = client_for(world.people.org_admin).get(url).content.decode()
    assert revoke in admin


def test_acting_through_the_page_moves_the_referral(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    act = client_for(world.receiver_practitioner).post(
        reverse("referrals:act", args=[referral.uuid, "acknowledge"])
    )
    assert act.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACKNOWLEDGED


def test_the_wrong_side_is_refused_with_403(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    response = client_for(world.people.practitioner).post(
        reverse("referrals:act", args=[referral.uuid, "acknowledge"])
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == Status.SENT


def test_an_illegal_step_through_the_page_says_so(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    response = client_for(world.receiver_practitioner).post(
        reverse("referrals:act", args=[referral.uuid, "complete"]),
        {"outcome": "other"},
        follow=True,
    )
    assert "not possible" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SENT


def test_the_referrer_closes_the_loop_by_seeing_the_outcome(world: World) -> None:
    referral = referral_in(world, Status.COMPLETED)
    assert referral.loop_closed_at is None
    client_for(world.receiver_practitioner).get(reverse("referrals:detail", args=[referral.uuid]))
    referral.refresh_from_db()
    assert referral.loop_closed_at is None  # the receiver's view does not close it
    page = (
        client_for(world.people.practitioner)
        .get(reverse("referrals:detail", args=[referral.uuid]))
        .content.decode()
    )
    assert "Eight sessions; much better." in page
    referral.refresh_from_db()
    assert referral.loop_closed_at is not None
    assert referral.loop_closed_by == world.people.practitioner


def test_registering_a_client_through_the_form(world: World) -> None:
    response = client_for(world.people.practitioner).post(
        reverse("referrals:client_new"),
        {
            "age_band": "18-59",
            "sex": "female",
            "languages": ["uk"],
            "area": "ua3208015",
            "name": "Ivanna Test",
            "phone": "+380 50 000 0000",
            "date_of_birth": "1985-02-01",
        },
    )
    assert response.status_code == 302
    client = Client.objects.get()
    assert client.area.pcode == "UA3208015" and client.name == "Ivanna Test"
    assert client.organisation == world.people.org_a


@pytest.mark.parametrize(
    "data,error",
    [
        ({"age_band": "18-59", "sex": "female", "area": "UA9999999"}, "Unknown P-code"),
        ({"age_band": "", "sex": "female"}, "required"),
        ({"age_band": "18-59", "sex": "female", "date_of_birth": "2999-01-01"}, "future"),
    ],
)
def test_the_client_form_refuses_bad_input(world: World, data: dict[str, str], error: str) -> None:
    response = client_for(world.people.practitioner).post(reverse("referrals:client_new"), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Client.objects.exists()


def test_the_draft_page_suggests_the_other_organisations_service(world: World) -> None:
    referral = referral_in(world, Status.DRAFT)
    page = (
        client_for(world.people.practitioner)
        .get(reverse("referrals:detail", args=[referral.uuid]))
        .content.decode()
    )
    assert "CBT for adults" in page and "Suggested services" in page


def test_choosing_a_service_by_forged_uuid_is_not_found(world: World) -> None:
    referral = referral_in(world, Status.DRAFT)
    response = client_for(world.people.practitioner).post(
        reverse("referrals:choose_service", args=[referral.uuid]),
        {"service": "00000000-0000-4000-8000-000000000000"},
    )
    assert response.status_code == 404


def test_export_is_for_organisation_admins_and_has_no_personal_data(world: World) -> None:
    referral = referral_in(world, Status.COMPLETED)
    url = reverse("referrals:export")
    assert_access(url, *split(world, "org_admin", "receiver_admin"))
    response = client_for(world.people.org_admin).get(url)
    body = response.content.decode()
    assert referral.code in body and referral.client.code in body
    for secret in (NAME, PHONE, SUMMARY, "Eight sessions"):
        assert secret not in body
    assert AuditEntry.objects.filter(action="export", actor=world.people.org_admin).exists()
    received = client_for(world.receiver_admin).get(url).content.decode()
    assert referral.code in received and ",received," in received


def test_metrics_are_for_coordinators(world: World) -> None:
    assert_access(
        reverse("referrals:metrics"),
        *split(world, "coordinator", "oblast_coordinator", "superuser"),
    )


def test_the_inbox_lists_received_referrals_without_n_plus_one(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for _ in range(6):
        referral_in(world, Status.SENT)
    client = client_for(world.receiver_practitioner)
    client.get(reverse("referrals:inbox"))  # warm the session and caches
    with django_assert_max_num_queries(16):
        response = client.get(reverse("referrals:inbox"))
    assert response.content.decode().count("RF-") >= 6
    assert Referral.objects.filter(to_organisation=world.people.org_b).count() == 6


def test_the_outbox_shows_drafts_and_the_inbox_never_does(world: World) -> None:
    draft = referral_in(world, Status.DRAFT)
    assert (
        draft.code
        in client_for(world.people.practitioner).get(reverse("referrals:outbox")).content.decode()
    )
    assert (
        draft.code
        not in client_for(world.receiver_practitioner)
        .get(reverse("referrals:inbox"))
        .content.decode()
    )


def test_the_draft_actions_are_for_the_referring_side_only(world: World) -> None:
    referral = referral_in(world, Status.DRAFT)
    allowed = split(world, "org_admin", "practitioner")
    assert_access(
        reverse("referrals:draft_edit", args=[referral.uuid]),
        *allowed,
        method="post",
        data={"urgency": "urgent", "layer": "4"},
    )
    assert_access(
        reverse("referrals:choose_service", args=[referral.uuid]),
        *allowed,
        method="post",
        data={"service": str(world.service.uuid), "site": str(world.site.uuid)},
    )
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT and referral.to_organisation == world.people.org_b


def test_each_step_through_the_page_is_for_its_side_only(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    url = reverse("referrals:act", args=[referral.uuid, "acknowledge"])
    assert_access(url, *split(world, "outsider", "receiver_admin"), method="post")
    referral.refresh_from_db()
    assert referral.status == Status.ACKNOWLEDGED
    cancel = reverse("referrals:act", args=[referral.uuid, "cancel"])
    assert_access(
        cancel,
        *split(world, "org_admin", "practitioner"),
        method="post",
        data={"reason": "Moved away"},
    )
    referral.refresh_from_db()
    assert referral.status == Status.CANCELLED


def test_withdrawing_consent_is_for_the_clients_organisation(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    url = reverse("referrals:consent_withdraw", args=[referral.consent.uuid])
    assert_access(url, *split(world, "org_admin", "practitioner"), method="post")
    referral.consent.refresh_from_db()
    assert referral.consent.withdrawn_at is not None


def test_marking_notifications_read_is_for_members_who_handle_referrals(world: World) -> None:
    referral_in(world, Status.ACCEPTED)
    assert_access(
        reverse("referrals:notifications"), *split(world, *MEMBERS_WHO_HANDLE), method="post"
    )
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_a_superuser_reads_a_referral_but_is_offered_no_step_and_marks_nothing_read(
    world: World,
) -> None:
    referral = referral_in(world, Status.SENT)
    response = client_for(world.people.superuser).get(
        reverse("referrals:detail", args=[referral.uuid])
    )
    body = response.content.decode()
    assert response.status_code == 200 and referral.code in body
    assert reverse("referrals:act", args=[referral.uuid, "acknowledge"]) not in body
    assert reverse("referrals:act", args=[referral.uuid, "cancel"]) not in body
    assert Notification.objects.filter(referral=referral, read_at__isnull=True).exists()


def test_a_superuser_is_not_offered_the_draft_form(world: World) -> None:
    referral = referral_in(world, Status.DRAFT)
    body = (
        client_for(world.people.superuser)
        .get(reverse("referrals:detail", args=[referral.uuid]))
        .content.decode()
    )
    assert reverse("referrals:draft_edit", args=[referral.uuid]) not in body
    practitioner = (
        client_for(world.people.practitioner)
        .get(reverse("referrals:detail", args=[referral.uuid]))
        .content.decode()
    )
    assert reverse("referrals:draft_edit", args=[referral.uuid]) in practitioner
