"""Helper well-being: WHO-5 scoring, privacy of check-ins, suppressed aggregates."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from carenet.accounts import services as account_services
from carenet.accounts.models import Role
from carenet.conftest import People, assert_access, client_for, make_user
from carenet.cop import services
from carenet.cop.models import WellbeingCheckIn, WellbeingMeasure
from carenet.cop.queries.wellbeing import cop_wellbeing
from carenet.cop.tests.conftest import add_member
from carenet.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def who5(reference: None) -> WellbeingMeasure:
    return WellbeingMeasure.objects.get(code="who-5")


def _answers(*values: int) -> dict[int, int]:
    return dict(enumerate(values, start=1))


@pytest.mark.parametrize(
    ("values", "raw", "percent", "poor"),
    [
        ((5, 5, 5, 5, 5), 25, 100, False),
        ((0, 0, 0, 0, 0), 0, 0, True),
        ((3, 3, 3, 2, 2), 13, 52, False),  # 13 is not below 13
        ((3, 3, 2, 2, 2), 12, 48, True),  # raw < 13
        ((5, 5, 5, 5, 1), 21, 84, True),  # an item answered 1 also reads as poor
        ((4, 4, 4, 4, 2), 18, 72, False),
    ],
)
def test_who5_is_scored_by_its_published_rule(
    who5: WellbeingMeasure, values: tuple[int, ...], raw: int, percent: int, poor: bool
) -> None:
    result = services.score(who5, _answers(*values))
    assert (result.raw, result.percent, result.poor) == (raw, percent, poor)


@pytest.mark.parametrize(
    "answers",
    [
        _answers(5, 5, 5, 5),
        _answers(5, 5, 5, 5, 6),
        _answers(5, 5, 5, 5, -1),
        {1: 1, 2: 1, 3: 1, 4: 1, 9: 1},
    ],
)
def test_incomplete_or_out_of_range_answers_are_refused(
    who5: WellbeingMeasure, answers: dict[int, int]
) -> None:
    with pytest.raises(ValidationError):
        services.score(who5, answers)


def test_the_measure_carries_its_licence_and_credit(who5: WellbeingMeasure) -> None:
    assert who5.items.count() == 5 and who5.options.count() == 6
    assert "Psychiatric Research Unit" in who5.credit and "unmodified" in who5.licence
    assert who5.official_languages == "en"


def test_a_practitioner_checks_in_and_alone_sees_it(
    people: People, who5: WellbeingMeasure, split: Any
) -> None:
    data = {f"item_{n}": "3" for n in range(1, 6)} | {"in_aggregates": "on"}
    response = client_for(people.practitioner).post(reverse("cop:checkin_new"), data)
    assert response.status_code == 302
    checkin = WellbeingCheckIn.objects.get()
    assert (checkin.raw_score, checkin.percent, checkin.poor) == (15, 60, False)
    assert checkin.user == people.practitioner
    assert_access(reverse("cop:checkin", args=[checkin.uuid]), *split(people, "practitioner"))
    for user in (people.focal_point, people.org_admin, people.superuser, people.coordinator):
        listing = client_for(user).get(reverse("cop:wellbeing"))
        assert checkin not in listing.context["checkins"] if listing.status_code == 200 else True


def test_answers_are_encrypted_at_rest(people: People, who5: WellbeingMeasure) -> None:
    from django.db import connection

    checkin = services.checkin_record(
        actor=people.practitioner, measure=who5, answers=_answers(1, 2, 3, 4, 5)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM cop_wellbeingcheckin WHERE id = %s", [checkin.pk])
        stored = cursor.fetchone()[0]
    assert '"1": 1' not in stored and stored.startswith("gAAAA")
    checkin.refresh_from_db()
    assert checkin.answers == '{"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}'


def test_check_in_audit_entries_name_no_organisation(
    people: People, who5: WellbeingMeasure
) -> None:
    checkin = services.checkin_record(
        actor=people.practitioner, measure=who5, answers=_answers(3, 3, 3, 3, 3)
    )
    client_for(people.practitioner).get(reverse("cop:checkin", args=[checkin.uuid]))
    client_for(people.practitioner).get(reverse("cop:wellbeing"))
    entries = AuditEntry.objects.filter(actor=people.practitioner, action__in=["create", "view"])
    assert entries.count() == 3
    assert not entries.exclude(organisation=None).exists()
    admin_log = client_for(people.org_admin).get(reverse("core:audit")).content.decode()
    assert "wellbeingcheckin" not in admin_log


def test_check_in_form_refuses_bad_input(people: People, who5: WellbeingMeasure) -> None:
    client = client_for(people.practitioner)
    for data in (
        {"item_1": "3"},
        {f"item_{n}": "9" for n in range(1, 6)},
        {f"item_{n}": "x" for n in range(1, 6)},
    ):
        response = client.post(reverse("cop:checkin_new"), data)
        assert response.status_code == 200 and response.context["form"].errors
    assert not WellbeingCheckIn.objects.exists()
    with pytest.raises(ValidationError):
        services.checkin_record(
            actor=people.practitioner,
            measure=who5,
            answers=_answers(3, 3, 3, 3, 3),
            taken_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_a_practitioner_deletes_their_own_check_in_only(
    people: People, who5: WellbeingMeasure
) -> None:
    checkin = services.checkin_record(
        actor=people.practitioner, measure=who5, answers=_answers(3, 3, 3, 3, 3)
    )
    url = reverse("cop:checkin_delete", args=[checkin.uuid])
    assert client_for(people.focal_point).post(url).status_code == 404
    assert client_for(people.practitioner).post(url).status_code == 302
    assert not WellbeingCheckIn.objects.exists()


def _members_with_checkins(
    people: People, cop: Any, who5: WellbeingMeasure, scores: list[tuple[int, ...]]
) -> None:
    for i, values in enumerate(scores):
        user = make_user(f"helper{i}@alpha.org")
        account_services.membership_set(
            actor=None, user=user, organisation=people.org_a, role=Role.PRACTITIONER
        )
        add_member(cop, user, people.org_a)
        services.checkin_record(actor=user, measure=who5, answers=_answers(*values))


def test_facilitators_see_nothing_when_fewer_than_five_checked_in(
    people: People, open_cop: Any, who5: WellbeingMeasure
) -> None:
    _members_with_checkins(people, open_cop, who5, [(1, 1, 1, 1, 1)] * 3)
    (window, _) = cop_wellbeing(open_cop)
    assert window.respondents is None and window.mean_percent is None and window.poor is None
    body = (
        client_for(people.focal_point)
        .get(reverse("cop:cop_wellbeing", args=[open_cop.uuid]))
        .content.decode()
    )
    assert "&lt;5" in body and "20.0" not in body


def test_facilitators_see_only_aggregates_of_five_or_more(
    people: People, open_cop: Any, who5: WellbeingMeasure
) -> None:
    _members_with_checkins(people, open_cop, who5, [(5, 5, 5, 5, 5)] * 5 + [(1, 1, 1, 1, 1)] * 5)
    (window, _) = cop_wellbeing(open_cop)
    assert (window.respondents, window.mean_percent, window.poor) == (10, 60.0, 5)
    response = client_for(people.focal_point).get(
        reverse("cop:cop_wellbeing", args=[open_cop.uuid])
    )
    body = response.content.decode()
    assert "60.0" in body and "helper0@alpha.org" not in body
    assert AuditEntry.objects.filter(action="view", detail="well-being aggregate").exists()


def test_a_small_group_on_either_side_is_suppressed(
    people: People, open_cop: Any, who5: WellbeingMeasure
) -> None:
    _members_with_checkins(people, open_cop, who5, [(1, 1, 1, 1, 1)] * 6 + [(5, 5, 5, 5, 5)])
    (window, _) = cop_wellbeing(open_cop)
    assert window.respondents == 7 and window.poor is None  # 1 not-poor would stand out


def test_opted_out_check_ins_and_old_ones_are_not_counted(
    people: People, open_cop: Any, who5: WellbeingMeasure
) -> None:
    _members_with_checkins(people, open_cop, who5, [(4, 4, 4, 4, 4)] * 5)
    user = make_user("private@alpha.org")
    account_services.membership_set(
        actor=None, user=user, organisation=people.org_a, role=Role.PRACTITIONER
    )
    add_member(open_cop, user, people.org_a)
    services.checkin_record(
        actor=user, measure=who5, answers=_answers(0, 0, 0, 0, 0), in_aggregates=False
    )
    services.checkin_record(
        actor=people.practitioner,
        measure=who5,
        answers=_answers(0, 0, 0, 0, 0),
        taken_on=timezone.localdate() - datetime.timedelta(days=200),
    )
    (window, _) = cop_wellbeing(open_cop)
    assert (window.respondents, window.mean_percent) == (5, 80.0)


def test_only_facilitators_see_the_aggregate_page(
    people: People, open_cop: Any, split: Any
) -> None:
    assert_access(reverse("cop:cop_wellbeing", args=[open_cop.uuid]), *split(people, "focal_point"))


def test_the_check_in_pages_reach_network_members(
    people: People, who5: WellbeingMeasure, split: Any
) -> None:
    allowed = split(
        people,
        "coordinator",
        "org_admin",
        "focal_point",
        "practitioner",
        "viewer",
        "outsider",
        "superuser",
    )
    assert_access(reverse("cop:wellbeing"), *allowed)
    assert_access(reverse("cop:checkin_new"), *allowed)
    body = client_for(people.practitioner).get(reverse("cop:checkin_new")).content.decode()
    assert "I have felt cheerful and in good spirits" in body and "Psychiatric Research" in body


def test_working_translations_are_marked(people: People, who5: WellbeingMeasure) -> None:
    client = client_for(people.practitioner)
    client.cookies["django_language"] = "uk"
    body = client.get(reverse("cop:checkin_new"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "життєрадісним" in body and 'class="translation-note"' in body
    english = (
        client_for(people.practitioner)
        .get(reverse("cop:checkin_new"), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert 'class="translation-note"' not in english
