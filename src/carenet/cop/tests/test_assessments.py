"""Competency assessments (levels 1-4) and the practitioner's competency trend."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from carenet.conftest import People, assert_access, client_for
from carenet.cop import services
from carenet.cop.models import CompetencyAssessment, CompetencyFramework, CopMember
from carenet.cop.queries.practitioner import competency_trends
from carenet.core import permissions

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(reference: None) -> CompetencyFramework:
    return CompetencyFramework.objects.get(is_default=True)


def _assess(
    people: People, framework: CompetencyFramework, days_ago: int, level: int
) -> CompetencyAssessment:
    return services.assessment_record(
        actor=people.focal_point,
        practitioner=people.practitioner,
        framework=framework,
        assessed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        context="role_play",
        levels={i.pk: level for i in framework.items.all()[:5]},
    )


def test_the_default_framework_has_fifteen_items_and_four_levels(
    framework: CompetencyFramework,
) -> None:
    assert framework.items.count() == 15
    assert [lv.level for lv in framework.levels.all()] == [1, 2, 3, 4]
    assert framework.levels.get(level=1).label_en == "Potentially harmful"


def test_facilitators_assess_their_members_and_trainers_their_trainees(
    people: People, open_cop: Any
) -> None:
    assert permissions.can_on(people.focal_point, "cop.assess", people.practitioner)
    assert not permissions.can_on(people.practitioner, "cop.assess", people.focal_point)
    assert not permissions.can_on(people.focal_point, "cop.assess", people.focal_point)
    assert not permissions.can_on(people.focal_point, "cop.assess", people.outsider)
    CopMember.objects.filter(user=people.practitioner).update(left_on=timezone.localdate())
    assert not permissions.can_on(people.focal_point, "cop.assess", people.practitioner)


def test_it_records_an_assessment_through_the_form(
    people: People, open_cop: Any, framework: CompetencyFramework
) -> None:
    items = list(framework.items.all())
    member = CopMember.objects.get(cop=open_cop, user=people.practitioner)
    url = reverse("cop:assessment_new")
    form = client_for(people.focal_point).get(url, {"member": member.uuid}).context["form"]
    assert form.initial["practitioner"] == people.practitioner.pk
    response = client_for(people.focal_point).post(
        url,
        {
            "practitioner": people.practitioner.pk,
            "assessed_on": timezone.localdate().isoformat(),
            "context": "observation",
            f"item_{items[0].pk}": "1",
            f"item_{items[1].pk}": "4",
        },
    )
    assert response.status_code == 302
    assessment = CompetencyAssessment.objects.get()
    assert {r.item_id: r.level for r in assessment.ratings.all()} == {
        items[0].pk: 1,
        items[1].pk: 4,
    }


@pytest.mark.parametrize(
    "change",
    [
        {"item_level": "5"},
        {"item_level": "0"},
        {"practitioner": "outsider"},
        {"assessed_on": "2999-01-01"},
        {"item_level": ""},
        {"context": "self"},
    ],
)
def test_assessment_form_refuses_bad_input(
    people: People, open_cop: Any, framework: CompetencyFramework, change: dict[str, str]
) -> None:
    item = framework.items.first()
    data = {
        "practitioner": people.practitioner.pk,
        "context": "role_play",
        "assessed_on": timezone.localdate().isoformat(),
        f"item_{item.pk}": change.pop("item_level", "3"),
    }
    if change.pop("practitioner", None):
        data["practitioner"] = people.outsider.pk
    data.update(change)
    response = client_for(people.focal_point).post(reverse("cop:assessment_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not CompetencyAssessment.objects.exists()


def test_items_of_another_framework_are_refused(
    people: People, open_cop: Any, framework: CompetencyFramework
) -> None:
    other = CompetencyFramework.objects.exclude(pk=framework.pk).first().items.first()
    with pytest.raises(ValidationError):
        services.assessment_record(
            actor=people.focal_point,
            practitioner=people.practitioner,
            framework=framework,
            assessed_on=timezone.localdate(),
            context="role_play",
            levels={other.pk: 3},
        )
    with pytest.raises(PermissionDenied):
        services.assessment_record(
            actor=people.practitioner,
            practitioner=people.focal_point,
            framework=framework,
            assessed_on=timezone.localdate(),
            context="role_play",
            levels={},
        )


def test_assessments_are_seen_by_the_practitioner_and_the_assessor(
    people: People, open_cop: Any, framework: CompetencyFramework, split: Any
) -> None:
    assessment = _assess(people, framework, 5, 3)
    assert_access(
        reverse("cop:assessment", args=[assessment.uuid]),
        *split(people, "focal_point", "practitioner"),
    )
    assert_access(reverse("cop:assessment_new"), *split(people, "focal_point"))


def test_the_trend_follows_the_mean_level_over_time(
    people: People, open_cop: Any, framework: CompetencyFramework
) -> None:
    _assess(people, framework, 90, 2)
    _assess(people, framework, 30, 3)
    _assess(people, framework, 1, 4)
    (trend,) = competency_trends(people.practitioner)
    assert [p.mean_level for p in trend.points] == [2, 3, 4]
    assert all(level == 4 for _, level, _ in trend.latest)
    body = client_for(people.practitioner).get(reverse("cop:me")).content.decode()
    assert "<svg" in body and "<polyline" in body and "Competency trend" in body
    assert competency_trends(people.outsider) == []


def test_the_frameworks_page_lists_curricula_and_items(
    people: People, reference: None, split: Any
) -> None:
    assert_access(
        reverse("cop:frameworks"),
        *split(
            people,
            "coordinator",
            "org_admin",
            "focal_point",
            "practitioner",
            "viewer",
            "outsider",
            "superuser",
        ),
    )
    body = client_for(people.viewer).get(reverse("cop:frameworks")).content.decode()
    assert "Psychological First Aid" in body and "Potentially harmful" in body
