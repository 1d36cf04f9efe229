"""What a new user ran into in the CoP pages: the WHO-5 rules explained and its attribution
translated, sharing a check-in opt-in, clickable meeting links, certificates with dates and
hours and a print control."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from carenet.conftest import People, client_for
from carenet.cop.forms import CheckInForm
from carenet.cop.models import WellbeingCheckIn, WellbeingMeasure
from carenet.cop.tests.conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def who5(reference: None) -> WellbeingMeasure:
    return WellbeingMeasure.objects.get(code="who-5")


def test_counting_a_check_in_is_opt_in(people: People, who5: WellbeingMeasure) -> None:
    assert CheckInForm(measure=who5).fields["in_aggregates"].initial is False
    page = client_for(people.practitioner).get(reverse("cop:checkin_new")).content.decode()
    assert (
        'name="in_aggregates"' in page
        and "checked" not in page.split('name="in_aggregates"')[1][:40]
    )
    data = {f"item_{n}": "3" for n in range(1, 6)}
    client_for(people.practitioner).post(reverse("cop:checkin_new"), data)
    assert WellbeingCheckIn.objects.get().in_aggregates is False


@pytest.mark.parametrize(
    ("language", "rule", "credit"),
    [
        ("en", "any one answer of 0 or 1", "Psychiatric Research Unit"),
        ("uk", "будь-яка одна відповідь 0 чи 1", "Відділ психіатричних досліджень"),
        ("pl", "dowolna jedna odpowiedź 0 lub 1", "Ośrodek Współpracujący WHO"),
    ],
)
def test_both_who5_rules_are_explained_and_the_credit_is_translated(
    people: People, who5: WellbeingMeasure, language: str, rule: str, credit: str
) -> None:
    client = client_for(people.practitioner)
    # 60 %, but one answer of 1: poor by the second rule
    client.post(
        reverse("cop:checkin_new"),
        {"item_1": "1"} | {f"item_{n}": "5" for n in (2, 3, 4)} | {"item_5": "4"},
    )
    checkin = WellbeingCheckIn.objects.get()
    assert checkin.poor and checkin.percent >= 52
    listing = client.get(reverse("cop:wellbeing"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert rule in listing
    detail = client.get(reverse("cop:checkin", args=[checkin.uuid]), HTTP_ACCEPT_LANGUAGE=language)
    assert 'id="low-item-reason"' in detail.content.decode()
    assert credit in detail.content.decode()


def test_an_online_meeting_link_is_clickable(people: People, open_cop: Any) -> None:
    meeting = make_meeting(open_cop, people.focal_point, place="https://meet.example.org/abc")
    page = client_for(people.focal_point).get(reverse("cop:meeting", args=[meeting.uuid]))
    assert 'href="https://meet.example.org/abc"' in page.content.decode()
