"""Readiness assessments: services, pages, access and bad input."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from carenet.community import scoring, services
from carenet.community.models import DimensionScore, ReadinessAssessment
from carenet.community.tests.conftest import DAY, edition, make_assessment, sector
from carenet.conftest import assert_access, client_for
from carenet.core.models import AuditEntry

pytestmark = pytest.mark.usefixtures("reference")

ROWS_4_83 = [["5", "4", "5", "4", "4.5", "6"], ["5", "5", "6", "4", "5.5", "4"]]


@pytest.fixture
def assessment(people: Any, areas: Any) -> ReadinessAssessment:
    return make_assessment(people.focal_point, areas["irpin"], people.org_a, consensus=ROWS_4_83)


def test_it_keeps_the_overall_score_and_stage_of_the_model(assessment: Any) -> None:
    assert assessment.overall_score == Decimal("4.83")
    assert assessment.stage == 4


def test_it_recomputes_when_a_score_changes(people: Any, assessment: Any) -> None:
    interview = assessment.interviews.get(number=1)
    services.scores_save(
        actor=people.focal_point,
        interview=interview,
        scores={"efforts": services.ScoreInput(9, 9, Decimal(9))},
    )
    assessment.refresh_from_db()
    # A: (9 + 5) / 2 = 7; overall (7 + 4.5 + 5.5 + 4 + 5 + 5) / 6 = 5.1666...
    assert assessment.stage == 5
    assert assessment.overall_score == Decimal("5.16")


def test_it_refuses_scores_outside_the_scale_and_saves_nothing(
    people: Any, assessment: Any
) -> None:
    interview = assessment.interviews.get(number=1)
    with pytest.raises(scoring.ScoreError):
        services.scores_save(
            actor=people.focal_point,
            interview=interview,
            scores={
                "efforts": services.ScoreInput(3, 3, Decimal(3)),
                "leadership": services.ScoreInput(10, 9, Decimal(9)),
            },
        )
    assert DimensionScore.objects.get(interview=interview, dimension__code="efforts").consensus == 5


def test_it_refuses_a_dimension_of_another_edition(people: Any, assessment: Any) -> None:
    interview = assessment.interviews.get(number=1)
    with pytest.raises(scoring.ScoreError):
        services.scores_save(
            actor=people.focal_point,
            interview=interview,
            scores={"no-such-dimension": services.ScoreInput(3, 3)},
        )


def test_the_database_refuses_a_score_out_of_range(assessment: Any) -> None:
    from django.db import IntegrityError, transaction

    row = DimensionScore.objects.filter(interview__assessment=assessment).first()
    row.scorer_1 = 0
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_an_outsider_cannot_record_for_another_organisation(people: Any, areas: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.assessment_create(
            actor=people.outsider,
            community=areas["irpin"],
            organisation=people.org_a,
            issue="x",
            edition=edition(),
            assessed_on=DAY,
        )
    assert not ReadinessAssessment.objects.exists()


def test_only_coordinators_record_for_the_network_and_only_in_their_area(
    people: Any,
    areas: Any,
) -> None:
    with pytest.raises(PermissionDenied):
        services.assessment_create(
            actor=people.focal_point,
            community=areas["irpin"],
            organisation=None,
            issue="x",
            edition=edition(),
            assessed_on=DAY,
        )
    with pytest.raises(PermissionDenied):
        services.assessment_create(
            actor=people.oblast_coordinator,
            community=areas["lviv"],
            organisation=None,
            issue="x",
            edition=edition(),
            assessed_on=DAY,
        )
    made = services.assessment_create(
        actor=people.oblast_coordinator,
        community=areas["irpin"],
        organisation=None,
        issue="x",
        edition=edition(),
        assessed_on=DAY,
    )
    assert made.organisation is None


def test_a_region_is_not_a_community(people: Any, areas: Any) -> None:
    with pytest.raises(ValidationError):
        services.assessment_create(
            actor=people.coordinator,
            community=areas["kyiv_obl"],
            organisation=None,
            issue="x",
            edition=edition(),
            assessed_on=DAY,
        )


def test_every_write_is_audited(people: Any, assessment: Any) -> None:
    entries = AuditEntry.objects.filter(actor=people.focal_point)
    assert entries.filter(object_type="community.readinessassessment", action="create").count() == 1
    assert (
        entries.filter(object_type="community.keyinformantinterview", action="update").count() == 2
    )
    assert entries.filter(organisation=people.org_a).count() == entries.count()


# --- pages and access -----------------------------------------------------------------------

VIEWERS = (
    "coordinator",
    "oblast_coordinator",
    "org_admin",
    "focal_point",
    "practitioner",
    "viewer",
    "superuser",
)
EDITORS = ("coordinator", "oblast_coordinator", "org_admin", "focal_point", "superuser")


def test_access_to_an_assessment(people: Any, assessment: Any, split: Any) -> None:
    assert_access(reverse("community:assessment", args=[assessment.uuid]), *split(people, *VIEWERS))
    assert_access(
        reverse("community:assessment_edit", args=[assessment.uuid]), *split(people, *EDITORS)
    )
    assert_access(
        reverse("community:interview_new", args=[assessment.uuid]), *split(people, *EDITORS)
    )
    interview = assessment.interviews.first()
    assert_access(reverse("community:scores", args=[interview.uuid]), *split(people, *EDITORS))


def test_an_area_limited_coordinator_sees_only_their_area(
    people: Any, areas: Any, split: Any
) -> None:
    lviv = make_assessment(people.focal_point, areas["lviv"], people.org_a, consensus=ROWS_4_83)
    assert_access(
        reverse("community:assessment", args=[lviv.uuid]),
        *split(
            people, "coordinator", "org_admin", "focal_point", "practitioner", "viewer", "superuser"
        ),
    )
    page = client_for(people.oblast_coordinator).get(reverse("community:assessments"))
    assert lviv.community.name_en not in page.content.decode()


def test_a_viewer_may_see_but_not_edit(people: Any, assessment: Any) -> None:
    response = client_for(people.viewer).get(
        reverse("community:assessment_edit", args=[assessment.uuid])
    )
    assert response.status_code == 403
    response = client_for(people.outsider).get(
        reverse("community:assessment_edit", args=[assessment.uuid])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("forged", [str(uuid.uuid4()), "not-a-uuid", "1"])
def test_forged_ids_are_not_found(people: Any, assessment: Any, forged: str) -> None:
    client = client_for(people.coordinator)
    for name in (
        "community:assessment",
        "community:assessment_edit",
        "community:scores",
        "community:interview_new",
    ):
        assert client.get(reverse(name, args=[forged])).status_code == 404


def test_the_assessment_page_shows_the_profile_stage_and_suggestions(
    people: Any,
    assessment: Any,
) -> None:
    page = (
        client_for(people.viewer)
        .get(reverse("community:assessment", args=[assessment.uuid]))
        .content.decode()
    )
    assert "4.83" in page
    assert "Preplanning" in page
    assert 'class="chart readiness"' in page
    # the least ready dimension (D, 4.00) comes first among the suggestions
    first = page.index("What to do next")
    assert page.index("D. Community climate", first) < page.index("C. Leadership", first)
    assert "style=" not in page


def test_the_profile_numbers_stay_dotted_in_polish(people: Any, assessment: Any) -> None:
    client = client_for(people.viewer)
    client.cookies["django_language"] = "pl"
    page = client.get(
        reverse("community:assessment", args=[assessment.uuid]), HTTP_ACCEPT_LANGUAGE="pl"
    ).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'width="' in svg
    assert "," not in svg.split("<text")[0]  # coordinates are never localised


def test_a_coordinator_records_an_assessment_interview_and_scores(people: Any, areas: Any) -> None:
    client = client_for(people.oblast_coordinator)
    response = client.post(
        reverse("community:assessment_new"),
        {
            "community": "UA3208015",
            "organisation": "",
            "issue": "Support space",
            "edition": edition().pk,
            "assessed_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    assessment = ReadinessAssessment.objects.get()
    response = client.post(
        reverse("community:interview_new", args=[assessment.uuid]),
        {"sector": sector("health").pk, "role": "head of the clinic"},
    )
    interview = assessment.interviews.get()
    data = {"sector": sector("health").pk, "role": "head of the clinic"}
    for letter in "ABCDEF":
        data.update({f"s1_{letter}": "5", f"s2_{letter}": "4", f"c_{letter}": "4.5"})
    data["c_A"] = ""
    data["s2_A"] = "5"  # both scorers agree: their score is the consensus
    response = client.post(reverse("community:scores", args=[interview.uuid]), data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.overall_score == Decimal("4.58")  # (5 + 5 * 4.5) / 6 = 4.5833
    assert assessment.stage == 4


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("s1_A", "10"),
        ("s1_A", "0"),
        ("s2_B", "4.5"),
        ("c_C", "9.5"),
        ("c_C", "0.5"),
        ("c_D", "4.55"),
        ("c_E", "abc"),
    ],
)
def test_scores_outside_the_scale_are_refused(
    people: Any, assessment: Any, field: str, value: str
) -> None:
    interview = assessment.interviews.get(number=1)
    data = {"sector": sector().pk, "role": "teacher", field: value}
    response = client_for(people.focal_point).post(
        reverse("community:scores", args=[interview.uuid]), data
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assessment.refresh_from_db()
    assert assessment.overall_score == Decimal("4.83")


@pytest.mark.parametrize("community", ["UA9999999", "Atlantis", ""])
def test_an_unknown_community_is_refused(people: Any, areas: Any, community: str) -> None:
    response = client_for(people.coordinator).post(
        reverse("community:assessment_new"),
        {
            "community": community,
            "issue": "x",
            "edition": edition().pk,
            "assessed_on": "2026-03-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    assert not ReadinessAssessment.objects.exists()


def test_a_community_may_be_given_by_name(people: Any, areas: Any) -> None:
    response = client_for(people.focal_point).post(
        reverse("community:assessment_new"),
        {
            "community": "Irpinska",
            "organisation": people.org_a.pk,
            "issue": "x",
            "edition": edition().pk,
            "assessed_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    assert ReadinessAssessment.objects.get().community == areas["irpin"]


def test_a_focal_point_cannot_record_for_another_organisation(people: Any, areas: Any) -> None:
    response = client_for(people.focal_point).post(
        reverse("community:assessment_new"),
        {
            "community": "UA3208015",
            "organisation": people.org_b.pk,
            "issue": "x",
            "edition": edition().pk,
            "assessed_on": "2026-03-01",
        },
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not ReadinessAssessment.objects.exists()


def test_only_editors_reach_the_new_assessment_form(people: Any, areas: Any, split: Any) -> None:
    assert_access(reverse("community:assessment_new"), *split(people, *EDITORS))


def test_the_list_shows_only_reachable_assessments(
    people: Any, areas: Any, assessment: Any
) -> None:
    other = make_assessment(
        people.coordinator, areas["lviv"], people.org_b, consensus=ROWS_4_83, issue="Beta issue"
    )
    page = client_for(people.outsider).get(reverse("community:assessments"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Beta issue" in content
    assert str(assessment.uuid) not in content
    assert other.issue in content


def test_the_community_page_compares_reassessments(
    people: Any, areas: Any, assessment: Any
) -> None:
    later = make_assessment(
        people.focal_point,
        areas["irpin"],
        people.org_a,
        consensus=[["6"] * 6, ["7"] * 6],
        on=DAY.replace(year=2027),
    )
    response = client_for(people.oblast_coordinator).get(
        reverse("community:community", args=["UA3208015"])
    )
    assert response.status_code == 200
    comparison = response.context["overview"].comparisons[0]
    assert comparison.assessments == [assessment, later]
    rows = comparison.rows()
    assert rows[0]["change"] == Decimal("1.5")  # A: 5.00 -> 6.50
    assert "+1.50" in response.content.decode()


def test_the_community_page_of_an_unknown_pcode_is_not_found(people: Any, areas: Any) -> None:
    response = client_for(people.coordinator).get(
        reverse("community:community", args=["UA0000000"])
    )
    assert response.status_code == 404


def test_deleting_an_interview_recomputes(people: Any, assessment: Any) -> None:
    interview = assessment.interviews.get(number=2)
    response = client_for(people.org_admin).post(
        reverse("community:interview_delete", args=[interview.uuid])
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.overall_score == Decimal("4.75")  # (5 + 4 + 5 + 4 + 4.5 + 6) / 6
    response = client_for(people.viewer).post(
        reverse("community:interview_delete", args=[assessment.interviews.get().uuid])
    )
    assert response.status_code == 403
