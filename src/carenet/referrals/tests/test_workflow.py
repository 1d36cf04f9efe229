"""The state machine, exhaustively: every state x every transition x each side's roles."""

from __future__ import annotations

import pytest
from django.db import transaction

from carenet.core.models import AuditEntry
from carenet.referrals import services
from carenet.referrals.models import Notification, Referral, ReferralEvent, Status
from carenet.referrals.services import IllegalTransition, InvalidReferral, NotAllowed
from carenet.referrals.tests.conftest import ARGS, World, referral_in

# The specification, written out independently of `workflow.TRANSITIONS`:
# transition -> (states it may start from, the state it leads to, personas who may make it).
SENDERS = {"org_admin", "practitioner"}
RECEIVERS = {"receiver_admin", "receiver_practitioner"}
SPEC = {
    "send": ({"draft"}, "sent", SENDERS),
    "acknowledge": ({"sent"}, "acknowledged", RECEIVERS),
    "accept": ({"acknowledged"}, "accepted", RECEIVERS),
    "decline": ({"acknowledged"}, "declined", RECEIVERS),
    "start": ({"accepted"}, "in_progress", RECEIVERS),
    "no_show": ({"accepted"}, "no_show", RECEIVERS),
    "complete": ({"in_progress"}, "completed", RECEIVERS),
    "cancel": ({"draft", "sent", "acknowledged", "accepted"}, "cancelled", SENDERS),
    "revoke": ({"sent", "acknowledged", "accepted", "in_progress"}, "revoked", {"org_admin"}),
}
PERSONAS = [
    "org_admin",
    "focal_point",
    "practitioner",
    "viewer",
    "receiver_admin",
    "receiver_focal",
    "receiver_practitioner",
    "receiver_viewer",
    "third",
    "coordinator",
    "superuser",
]


def persona(world: World, name: str):
    p = world.people
    return {
        "org_admin": p.org_admin,
        "focal_point": p.focal_point,
        "practitioner": p.practitioner,
        "viewer": p.viewer,
        "receiver_admin": world.receiver_admin,
        "receiver_focal": world.receiver_focal,
        "receiver_practitioner": world.receiver_practitioner,
        "receiver_viewer": world.receiver_viewer,
        "third": world.third,
        "coordinator": p.coordinator,
        "superuser": p.superuser,
    }[name]


def _expected(state: str, name: str, who: str) -> str:
    """A superuser who is no member acts for neither side, like the coordinator."""
    sources, target, allowed = SPEC[name]
    receiver_side = allowed is RECEIVERS
    if who not in allowed or (receiver_side and state == "draft"):
        return "not_allowed"
    return target if state in sources else "illegal"


@pytest.mark.parametrize("state", list(Status))
@pytest.mark.parametrize("name", list(SPEC))
def test_every_transition_from_every_state_for_every_role(
    world: World, state: str, name: str
) -> None:
    referral = referral_in(world, state)
    for who in PERSONAS:
        expected = _expected(state, name, who)
        with transaction.atomic():
            try:
                moved = services.referral_transition(
                    actor=persona(world, who), referral=referral, name=name, **ARGS.get(name, {})
                )
                result = moved.status
            except NotAllowed:
                result = "not_allowed"
            except IllegalTransition:
                result = "illegal"
            transaction.set_rollback(True)
        assert result == expected, f"{who}: {name} from {state}"
        referral.refresh_from_db()
        assert referral.status == state  # nothing leaked out of the rolled-back attempt


def test_the_table_in_code_is_the_specification() -> None:
    from carenet.referrals.workflow import TRANSITIONS

    assert set(TRANSITIONS) == set(SPEC)
    for name, (sources, target, _who) in SPEC.items():
        assert set(TRANSITIONS[name].sources) == sources
        assert TRANSITIONS[name].target == target


def test_an_unknown_transition_is_an_error_not_a_no_op(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    with pytest.raises(IllegalTransition):
        services.referral_transition(
            actor=world.receiver_practitioner, referral=referral, name="teleport"
        )


@pytest.mark.parametrize(
    "name,state",
    [("decline", "acknowledged"), ("no_show", "accepted"), ("cancel", "sent"), ("revoke", "sent")],
)
def test_a_reason_is_required_when_refusing_or_stopping(
    world: World, name: str, state: str
) -> None:
    referral = referral_in(world, state)
    actor = {
        "decline": world.receiver_practitioner,
        "no_show": world.receiver_practitioner,
        "cancel": world.people.practitioner,
        "revoke": world.people.org_admin,
    }[name]
    with pytest.raises(InvalidReferral):
        services.referral_transition(actor=actor, referral=referral, name=name, reason="  ")
    referral.refresh_from_db()
    assert referral.status == state


def test_completion_needs_an_outcome(world: World) -> None:
    referral = referral_in(world, Status.IN_PROGRESS)
    with pytest.raises(InvalidReferral):
        services.referral_transition(
            actor=world.receiver_practitioner,
            referral=referral,
            name="complete",
            outcome="cured-by-magic",
        )


def test_each_step_is_stamped_recorded_audited_and_notified_to_the_other_side(
    world: World,
) -> None:
    referral = referral_in(world, Status.COMPLETED)
    assert referral.sent_at and referral.acknowledged_at and referral.accepted_at
    assert referral.started_at and referral.closed_at
    steps = list(ReferralEvent.objects.filter(referral=referral).values_list("transition", "side"))
    assert steps == [
        ("send", "sender"),
        ("acknowledge", "receiver"),
        ("accept", "receiver"),
        ("start", "receiver"),
        ("complete", "receiver"),
    ]
    notified = list(
        Notification.objects.filter(referral=referral)
        .order_by("created_at", "id")
        .values_list("event", "organisation__acronym")
    )
    assert notified == [
        ("send", "BETA"),
        ("acknowledge", "ALPHA"),
        ("accept", "ALPHA"),
        ("start", "ALPHA"),
        ("complete", "ALPHA"),
    ]
    audited = AuditEntry.objects.filter(
        object_type="referrals.referral",
        object_id=str(referral.uuid),
        action="update",
        detail__contains=" -> ",
    )
    assert audited.count() == 5


def test_the_response_deadline_follows_the_urgency(world: World, settings) -> None:
    settings.CARENET_REFERRAL_TARGET_HOURS = {"emergency": 2, "urgent": 48, "routine": 200}
    referral = referral_in(world, Status.SENT)
    assert (referral.due_at - referral.sent_at).total_seconds() == 48 * 3600
    assert not referral.is_overdue
    Referral.objects.filter(pk=referral.pk).update(due_at=referral.sent_at)
    assert Referral.objects.overdue().filter(pk=referral.pk).exists()


def test_a_cancelled_draft_tells_nobody(world: World) -> None:
    referral = referral_in(world, Status.DRAFT)
    services.referral_transition(
        actor=world.people.practitioner, referral=referral, name="cancel", reason="Entered twice"
    )
    assert not Notification.objects.filter(referral=referral).exists()


def test_a_superuser_acts_only_for_the_organisations_they_are_a_member_of(
    world: World,
) -> None:
    from carenet.accounts import services as account_services
    from carenet.accounts.models import Role
    from carenet.referrals import queries

    referral = referral_in(world, Status.SENT)
    root = world.people.superuser
    assert queries.allowed_transitions(root, referral) == []
    with pytest.raises(NotAllowed):
        services.referral_transition(actor=root, referral=referral, name="acknowledge")
    account_services.membership_set(
        actor=None, user=root, organisation=world.people.org_b, role=Role.PRACTITIONER
    )
    assert [t.name for t in queries.allowed_transitions(root, referral)] == ["acknowledge"]
    with pytest.raises(NotAllowed):  # the referring side is not theirs
        services.referral_transition(actor=root, referral=referral, name="cancel", reason="x")
    moved = services.referral_transition(actor=root, referral=referral, name="acknowledge")
    assert moved.status == Status.ACKNOWLEDGED


def test_a_member_of_both_organisations_acts_on_each_side_with_the_role_held_there(
    world: World,
) -> None:
    from carenet.accounts import services as account_services
    from carenet.accounts.models import Role

    referral = referral_in(world, Status.SENT)
    both = world.people.viewer  # a viewer at ALPHA, the referring side
    account_services.membership_set(
        actor=None, user=both, organisation=world.people.org_b, role=Role.PRACTITIONER
    )
    with pytest.raises(NotAllowed):
        services.referral_transition(actor=both, referral=referral, name="cancel", reason="x")
    moved = services.referral_transition(actor=both, referral=referral, name="acknowledge")
    assert moved.status == Status.ACKNOWLEDGED


def test_a_superuser_who_is_not_a_member_writes_nothing_about_a_person(world: World) -> None:
    from carenet.referrals.tests.conftest import make_client

    root = world.people.superuser
    client = make_client(world)
    with pytest.raises(NotAllowed):
        services.client_register(
            actor=root,
            organisation=world.people.org_a,
            details=services.ClientDetails(age_band="18-59"),
        )
    with pytest.raises(NotAllowed):
        services.consent_record(
            actor=root,
            client=client,
            purpose="reporting",
            given_by="person",
            method="verbal",
        )
    with pytest.raises(NotAllowed):
        services.referral_create(actor=root, client=client, urgency="routine")
