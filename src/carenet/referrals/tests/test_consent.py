"""Consent is checked in the services: no consent, no sending; withdrawal stops sharing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from carenet.conftest import client_for
from carenet.core.models import AuditEntry
from carenet.referrals import consent as consent_rules
from carenet.referrals import queries, services
from carenet.referrals.consent import ConsentRequired
from carenet.referrals.models import ConsentPurpose, Notification, Status
from carenet.referrals.services import InvalidReferral
from carenet.referrals.tests.conftest import (
    NAME,
    PHONE,
    SUMMARY,
    World,
    make_draft,
    referral_in,
    share_consent,
)


def send(world: World, referral, actor=None, **extra):
    return services.referral_transition(
        actor=actor or world.people.practitioner, referral=referral, name="send", **extra
    )


def test_a_referral_without_consent_is_refused(world: World) -> None:
    referral = make_draft(world)
    with pytest.raises(ConsentRequired) as raised:
        send(world, referral)
    assert "consent" in raised.value.message
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT and referral.sent_at is None
    assert not Notification.objects.filter(referral=referral).exists()


def test_the_refusal_is_translated(world: World) -> None:
    referral = make_draft(world)
    with translation.override("uk"), pytest.raises(ConsentRequired) as raised:
        send(world, referral)
    assert "згод" in raised.value.message  # "consent" in Ukrainian


@pytest.mark.parametrize(
    "case", ["other_org", "other_purpose", "expired", "withdrawn", "other_referral"]
)
def test_a_consent_that_does_not_cover_this_sending_is_not_enough(world: World, case: str) -> None:
    referral = make_draft(world)
    client = referral.client
    if case == "other_org":
        share_consent(world, client, organisations=[world.org_c])
    elif case == "other_purpose":
        share_consent(world, client, purpose=ConsentPurpose.FOLLOW_UP)
    elif case == "expired":
        consent = share_consent(world, client, valid_until=timezone.localdate())
        consent.valid_until = timezone.localdate() - datetime.timedelta(days=1)
        consent.save()
    elif case == "withdrawn":
        consent = share_consent(world, client)
        services.consent_withdraw(actor=world.people.practitioner, consent=consent)
    else:
        other = make_draft(world, client)
        share_consent(world, client, referral=other)
    with pytest.raises(ConsentRequired):
        send(world, referral)


def test_a_consent_for_this_referral_only_is_enough_for_it(world: World) -> None:
    referral = make_draft(world)
    share_consent(world, referral.client, referral=referral)
    assert send(world, referral).status == Status.SENT


def test_an_override_with_a_reason_is_sent_and_audited(world: World) -> None:
    referral = make_draft(world)
    sent = send(
        world,
        referral,
        actor=world.people.org_admin,
        override_reason="Acute risk; the person cannot be reached to consent.",
    )
    assert sent.status == Status.SENT and sent.consent_overridden and sent.consent is None
    assert sent.overridden_by == world.people.org_admin
    entry = AuditEntry.objects.get(action="override")
    assert entry.actor == world.people.org_admin and entry.object_id == str(sent.uuid)
    assert "Acute risk" not in entry.detail  # the reason stays encrypted on the referral


def test_an_override_needs_the_permission(world: World) -> None:
    referral = make_draft(world)
    with pytest.raises(PermissionDenied):
        send(world, referral, override_reason="I think it is urgent")
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT
    assert not AuditEntry.objects.filter(action="override").exists()


def test_an_override_without_a_reason_is_refused(world: World) -> None:
    referral = make_draft(world)
    with pytest.raises(ConsentRequired):
        send(world, referral, actor=world.people.org_admin, override_reason="   ")


def test_an_override_never_reveals_the_persons_identity(world: World) -> None:
    referral = send(
        world, make_draft(world), actor=world.people.org_admin, override_reason="Risk to life"
    )
    page = queries.open_referral(world.receiver_practitioner, referral.uuid)
    assert page.person.name is None and page.person.phone is None
    assert page.person.summary == SUMMARY  # the receiver can act on the need


def test_after_withdrawal_the_receiver_sees_no_personal_field_at_once(world: World) -> None:
    referral = referral_in(world, Status.ACCEPTED)
    before = queries.open_referral(world.receiver_practitioner, referral.uuid)
    assert before.person.name == NAME and before.person.phone == PHONE
    consent = referral.consent
    services.consent_withdraw(actor=world.people.practitioner, consent=consent)
    after = queries.open_referral(world.receiver_practitioner, referral.uuid)
    assert after.person.name is None and after.person.phone is None
    assert after.person.summary is None and after.person.withheld
    assert after.person.code == referral.client.code  # the pseudonymous code remains
    page = (
        client_for(world.receiver_practitioner)
        .get(reverse("referrals:detail", args=[referral.uuid]))
        .content.decode()
    )
    assert NAME not in page and PHONE not in page and SUMMARY not in page
    # The receiver is told (without any personal data) and may still close the referral.
    assert Notification.objects.filter(
        referral=referral, event="consent_withdrawn", organisation=world.people.org_b
    ).exists()
    services.referral_transition(actor=world.receiver_practitioner, referral=referral, name="start")


def test_after_withdrawal_nothing_more_is_sent(world: World) -> None:
    referral = make_draft(world)
    consent = share_consent(world, referral.client)
    services.consent_withdraw(actor=world.people.practitioner, consent=consent)
    with pytest.raises(ConsentRequired):
        send(world, referral)


def test_withdrawal_also_ends_an_override_basis(world: World) -> None:
    referral = send(
        world, make_draft(world), actor=world.people.org_admin, override_reason="Risk to life"
    )
    consent = share_consent(world, referral.client)
    assert consent_rules.receiver_may_read(referral) >= {"name", "summary"}
    services.consent_withdraw(actor=world.people.practitioner, consent=consent)
    assert consent_rules.receiver_may_read(referral) == frozenset()


def test_a_revoked_referral_shares_nothing_more(world: World) -> None:
    referral = referral_in(world, Status.REVOKED)
    page = queries.open_referral(world.receiver_practitioner, referral.uuid)
    assert page.person.name is None and page.person.summary is None


def test_withdrawing_twice_is_an_error(world: World) -> None:
    consent = share_consent(world, make_draft(world).client)
    services.consent_withdraw(actor=world.people.practitioner, consent=consent)
    with pytest.raises(InvalidReferral):
        services.consent_withdraw(actor=world.people.practitioner, consent=consent)


def test_only_the_clients_organisation_records_or_withdraws_consent(world: World) -> None:
    client = make_draft(world).client
    with pytest.raises(PermissionDenied):
        services.consent_record(
            actor=world.receiver_practitioner,
            client=client,
            purpose="share_referral",
            given_by="person",
            method="verbal",
            organisations=[world.people.org_b],
        )
    consent = share_consent(world, client)
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(actor=world.receiver_admin, consent=consent)
    response = client_for(world.receiver_admin).post(
        reverse("referrals:consent_withdraw", args=[consent.uuid])
    )
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"organisations": []}, "at least one organisation"),
        ({"shared_fields": ["religion"]}, "Unknown field"),
        ({"valid_until": datetime.date(2000, 1, 1)}, "expired"),
        ({"purpose": "marketing"}, "purpose"),
    ],
)
def test_bad_consent_input_is_refused(world: World, extra: dict, message: str) -> None:
    client = make_draft(world).client
    with pytest.raises(InvalidReferral) as raised:
        share_consent(world, client, **extra)
    assert message in raised.value.message


def test_recording_consent_through_the_form_from_a_draft(world: World) -> None:
    referral = make_draft(world)
    url = reverse("referrals:consent_new", args=[referral.client.uuid]) + (
        f"?referral={referral.uuid}"
    )
    page = client_for(world.people.practitioner).get(url).content.decode()
    assert "Beta Mental Health (BETA)" in page
    response = client_for(world.people.practitioner).post(
        url,
        {
            "purpose": "share_referral",
            "given_by": "guardian",
            "method": "written",
            "organisations": [str(world.people.org_b.uuid)],
            "shared_fields": ["phone"],
            "referral": str(referral.uuid),
        },
    )
    assert response.status_code == 302
    assert consent_rules.receiver_may_read(send(world, referral)) == {"phone", "summary"}


def test_the_consent_form_refuses_unknown_organisations(world: World) -> None:
    client = make_draft(world).client
    response = client_for(world.people.practitioner).post(
        reverse("referrals:consent_new", args=[client.uuid]),
        {
            "purpose": "share_referral",
            "given_by": "person",
            "method": "verbal",
            "organisations": ["00000000-0000-4000-8000-000000000000"],
        },
    )
    assert response.status_code == 200 and "is not one of the available choices" in (
        response.content.decode()
    )
    assert not client.consents.exists()


def test_follow_up_consent_is_shown_to_both_sides(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    assert not queries.open_referral(world.receiver_practitioner, referral.uuid).follow_up
    share_consent(world, referral.client, purpose=ConsentPurpose.FOLLOW_UP)
    assert queries.open_referral(world.receiver_practitioner, referral.uuid).follow_up
