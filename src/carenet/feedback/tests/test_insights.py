"""What the network learns: satisfaction, response times and themes, suppressed below 5."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from carenet.conftest import People, assert_access, client_for
from carenet.feedback import queries, services
from carenet.feedback.models import ComplaintCategory, Theme

pytestmark = pytest.mark.django_db


def _forms(site: Any, scores: list[int]) -> None:
    for score in scores:
        services.feedback_submit(scores={"welcome": score}, site=site)


def test_small_months_are_suppressed_with_their_mean(site: Any, people: People) -> None:
    _forms(site, [5, 4, 3, 2])
    data = queries.insights(people.org_a)
    assert data.months[0]["forms"] is None and data.months[0]["mean"] is None
    _forms(site, [1])
    data = queries.insights(people.org_a)
    assert data.months[0]["forms"] == 5 and data.months[0]["mean"] == 3.0  # (5+4+3+2+1)/5


@override_settings(CARENET_MIN_CELL=3)
def test_the_threshold_is_the_core_setting(site: Any, people: People) -> None:
    _forms(site, [5, 4, 3])
    assert queries.insights(people.org_a).months[0]["forms"] == 3


def test_themes_and_response_times(site: Any, people: People) -> None:
    theme = Theme.objects.get(code="waiting_time")
    category = ComplaintCategory.objects.get(code="access")
    for _ in range(5):
        complaint = services.complaint_submit(category=category, text="Waited.", site=site)
        services.complaint_step(
            actor=people.org_admin, complaint=complaint, to="acknowledged", themes=[theme]
        )
    services.complaint_submit(category=category, text="Again.", site=site)
    data = queries.insights(people.org_a, site)
    assert data.complaints["received"] == 6 and data.complaints["acknowledged"] == 5
    assert data.complaints["ack_median"] == 0.0
    assert data.complaints["responded"] == 0 and data.complaints["response_median"] is None
    assert data.themes == [{"theme": "Waiting time", "count": 5}]
    other = Theme.objects.get(code="praise")
    services.complaint_step(
        actor=people.org_admin, complaint=complaint, to="under_review", themes=[theme, other]
    )
    assert {"theme": "Praise", "count": None} in queries.insights(people.org_a).themes


def test_insights_reach_members_with_the_action_and_coordinators(
    people: People, split: Any, site: Any
) -> None:
    allowed, denied = split(
        people, "org_admin", "focal_point", "coordinator", "oblast_coordinator", "superuser"
    )
    assert_access("/feedback/insights/", allowed, denied)


def test_a_coordinator_sees_suppressed_figures_only(people: People, site: Any) -> None:
    _forms(site, [5, 5])
    page = (
        client_for(people.coordinator)
        .get(f"/feedback/insights/?organisation={people.org_a.uuid}")
        .content.decode()
    )
    assert "&lt;5" in page
    assert "5.0" not in page
