from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from carenet.core.models import AuditEntry
from carenet.outcomes import services
from carenet.outcomes.models import (
    Administration,
    Attendance,
    Delivery,
    DeliveryKind,
    Outcome,
    ParticipantStatus,
    SafetyFlag,
)
from carenet.outcomes.tests.conftest import DAY, World
from carenet.taxonomy import queries as taxonomy

pytestmark = pytest.mark.django_db


def test_a_cycle_takes_the_interventions_usual_4w_code_and_the_sites_area(world: World) -> None:
    delivery = world.cycle()
    assert delivery.activity_code == "8.2"  # SH+ is a group without a 4w attribute
    assert delivery.area == world.areas["irpin"]
    assert list(delivery.facilitators.all()) == [world.people.practitioner]
    pfa = world.cycle(intervention=taxonomy.term("intervention", "pfa"), kind="individual")
    assert pfa.activity_code == "7.1"


def test_a_delivery_at_another_organisations_site_is_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        world.cycle(site=world.site_b)
    assert not Delivery.objects.exists()


def test_an_unknown_activity_code_is_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        world.cycle(activity_code="99.9")


@pytest.mark.parametrize("persona", ["viewer", "focal_point", "outsider", "coordinator"])
def test_only_practitioners_and_admins_of_the_organisation_record(
    world: World, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        world.cycle(actor=getattr(world.people, persona))


def test_a_client_of_another_organisation_cannot_take_part(world: World) -> None:
    delivery = world.cycle()
    stranger = world.client(org=world.people.org_b)
    with pytest.raises(ValidationError):
        services.participant_add(
            actor=world.people.practitioner, delivery=delivery, client=stranger
        )


def test_attendance_posted_twice_gives_the_same_result(world: World) -> None:
    delivery = world.cycle(3)
    a, b, c = delivery.participants.all()
    for _ in range(2):
        services.session_record(
            actor=world.people.practitioner,
            delivery=delivery,
            number=1,
            held_on=DAY,
            present=[a, b],
        )
    assert Attendance.objects.filter(session__delivery=delivery).count() == 2
    services.session_record(
        actor=world.people.practitioner, delivery=delivery, number=1, held_on=DAY, present=[c]
    )
    assert list(Attendance.objects.values_list("participant", flat=True)) == [c.pk]


def test_drop_out_and_closing_a_cycle(world: World) -> None:
    delivery = world.cycle(3)
    a, _b, _c = delivery.participants.all()
    services.participant_drop_out(actor=world.people.practitioner, participant=a, on=DAY)
    services.delivery_close(actor=world.people.practitioner, delivery=delivery, ended_on=DAY)
    statuses = sorted(delivery.participants.values_list("status", flat=True))
    assert statuses == [ParticipantStatus.COMPLETED] * 2 + [ParticipantStatus.DROPPED_OUT]


def test_answers_are_encrypted_at_rest_and_the_score_is_kept(world: World) -> None:
    p = world.cycle(1).participants.get()
    a = world.answer(p, "PHQ-9", [1, 1, 1, 1, 1, 1, 1, 1, 0])
    assert (a.complete, a.total, a.band, a.flagged) == (True, 8, "mild", False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM outcomes_administration WHERE id = %s", [a.pk])
        raw = cursor.fetchone()[0]
    assert '"1"' not in raw and raw.startswith("gAAAA")  # Fernet ciphertext
    assert Administration.objects.get(pk=a.pk).answer_map()["9"] == 0


def test_an_incomplete_questionnaire_is_kept_unscored_naming_the_missing_item(
    world: World,
) -> None:
    p = world.cycle(1).participants.get()
    a = world.answer(p, "GAD-7", [1, 1, 1, None, 1, 1, 1])
    assert (a.complete, a.total, a.band, a.missing_items) == (False, None, "", [4])
    assert not Outcome.objects.exists()


def test_an_out_of_range_answer_saves_nothing(world: World) -> None:
    p = world.cycle(1).participants.get()
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="not one of the answers"):
        world.answer(p, "PHQ-9", [0, 0, 0, 0, 0, 0, 0, 0, 5])
    assert not Administration.objects.exists()
    assert AuditEntry.objects.count() == before


def test_item_9_raises_an_audited_safety_flag(world: World) -> None:
    p = world.cycle(1).participants.get()
    a = world.answer(p, "PHQ-9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    flag = SafetyFlag.objects.get()
    assert flag.administration == a and flag.reasons == ["item9"]
    assert flag.client_uuid == p.client_uuid
    assert AuditEntry.objects.filter(object_type="outcomes.safetyflag", detail__contains="raised")
    with pytest.raises(ValidationError):
        services.flag_clear(actor=world.people.practitioner, flag=flag, note="  ")
    with pytest.raises(PermissionDenied):
        services.flag_clear(actor=world.people.outsider, flag=flag, note="Called")
    services.flag_clear(actor=world.people.practitioner, flag=flag, note="Called; safe plan")
    flag.refresh_from_db()
    assert flag.cleared_by == world.people.practitioner and not flag.is_open
    entry = AuditEntry.objects.filter(object_type="outcomes.safetyflag").latest("at")
    assert entry.detail == "flag cleared" and entry.actor == world.people.practitioner
    assert "safe plan" not in json.dumps(list(AuditEntry.objects.values("detail", "changes")))
    with pytest.raises(ValidationError):
        services.flag_clear(actor=world.people.practitioner, flag=flag, note="again")


@pytest.mark.parametrize(
    ("code", "values", "flagged"),
    [
        ("K10", [3] * 10, True),  # 30: very high
        ("K10", [3] * 9 + [2], False),  # 29: high
        ("PCL-5", [2] * 16 + [1] + [0] * 3, True),  # 33
        ("PCL-5", [2] * 16 + [0] * 4, False),  # 32
        ("GAD-7", [3] * 7, False),  # no safety rule
    ],
)
def test_top_bands_raise_the_flag(
    world: World, code: str, values: list[int], flagged: bool
) -> None:
    p = world.cycle(1).participants.get()
    assert world.answer(p, code, values).flagged is flagged
    assert SafetyFlag.objects.exists() is flagged


def test_the_flag_gives_an_urgent_referral_draft(world: World) -> None:
    p = world.cycle(1).participants.get()
    world.answer(p, "PHQ-9", [0, 0, 0, 0, 0, 0, 0, 0, 2])
    flag = SafetyFlag.objects.get()
    from carenet.referrals import queries as referral_queries

    client = referral_queries.client_to_handle(world.people.practitioner, p.client_uuid)
    referral = services.flag_referral_draft(
        actor=world.people.practitioner, flag=flag, client=client
    )
    assert (referral.status, referral.urgency) == ("draft", "urgent")


def test_change_is_kept_from_baseline_to_the_latest_end(world: World) -> None:
    p = world.cycle(1).participants.get()
    world.answer(p, "PHQ-9", [2, 2, 2, 2, 2, 2, 2, 2, 0])  # 16
    assert not Outcome.objects.exists()
    world.answer(p, "PHQ-9", [1, 1, 1, 1, 1, 1, 1, 1, 0], timepoint="end")  # 8
    outcome = Outcome.objects.get()
    assert (outcome.pre, outcome.post, outcome.change) == (16, 8, -8)
    assert (outcome.rci, outcome.reliable, outcome.recovered) == (-2.62, "improved", True)
    world.answer(
        p,
        "PHQ-9",
        [2, 2, 2, 2, 2, 2, 1, 1, 0],
        timepoint="follow_up",
        taken_on=DAY.replace(month=6),
    )  # 14
    outcome.refresh_from_db()
    assert (outcome.post, outcome.reliable, outcome.recovered) == (14, "no_change", False)


def test_a_whodas_total_is_entered(world: World) -> None:
    p = world.cycle(1).participants.get()
    a = services.administration_record(
        actor=world.people.practitioner,
        participant=p,
        instrument=world.instrument("WHODAS-12"),
        timepoint="baseline",
        taken_on=DAY,
        total=30,
    )
    assert (a.total, a.answer_map()) == (30, {"total": 30})
    with pytest.raises(ValidationError):
        services.administration_record(
            actor=world.people.practitioner,
            participant=p,
            instrument=world.instrument("WHODAS-12"),
            timepoint="baseline",
            taken_on=DAY,
            total=70,
        )


def test_a_headcount_activity_keeps_no_participants(world: World) -> None:
    delivery = world.cycle(kind=DeliveryKind.HEADCOUNT, headcount={"count_f_18_59": 12})
    assert delivery.headcount == 12
    with pytest.raises(ValidationError):
        services.participant_add(
            actor=world.people.practitioner, delivery=delivery, client=world.client()
        )
