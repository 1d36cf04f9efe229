"""Every write endpoint refuses those who may not edit, and changes nothing for them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from carenet.community import services
from carenet.community.models import SupportOffer
from carenet.community.tests.conftest import (
    make_assessment,
    make_implementation,
    make_session,
    sector,
)
from carenet.conftest import assert_access
from carenet.core.models import AuditEntry

pytestmark = pytest.mark.usefixtures("reference")

REFUSED = ("practitioner", "viewer", "outsider", "anonymous")


@pytest.fixture
def records(people: Any, areas: Any) -> dict[str, Any]:
    actor, irpin, org = people.focal_point, areas["irpin"], people.org_a
    assessment = make_assessment(actor, irpin, org, consensus=[["4"] * 6])
    session = make_session(actor, irpin, org)
    item = services.action_item_add(
        actor=actor, session=session, description="x", owner_organisation=org
    )
    space = services.space_create(
        actor=actor,
        community=irpin,
        organisation=org,
        offers=list(SupportOffer.objects.all()[:1]),
        name="Space",
    )
    return {
        "assessment": assessment,
        "interview": assessment.interviews.get(),
        "session": session,
        "item": item,
        "space": space,
        "implementation": make_implementation(actor, irpin, org),
    }


def _posts(r: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            reverse("community:assessment_edit", args=[r["assessment"].uuid]),
            {"issue": "changed", "assessed_on": "2026-01-01"},
        ),
        (
            reverse("community:interview_new", args=[r["assessment"].uuid]),
            {"sector": sector().pk, "role": "x"},
        ),
        (
            reverse("community:scores", args=[r["interview"].uuid]),
            {"sector": sector().pk, "role": "x", "c_A": "9"},
        ),
        (reverse("community:interview_delete", args=[r["interview"].uuid]), {}),
        (
            reverse("community:session_edit", args=[r["session"].uuid]),
            {"held_on": "2026-01-01", "title": "changed"},
        ),
        (
            reverse("community:action_item_new", args=[r["session"].uuid]),
            {"description": "x", "owner_other": "y"},
        ),
        (reverse("community:action_item_status", args=[r["item"].uuid]), {"status": "done"}),
        (reverse("community:implementation_advance", args=[r["implementation"].uuid]), {}),
        (reverse("community:stage", args=[r["implementation"].uuid, "pilot"]), {"status": "done"}),
        (
            reverse("community:evidence_new", args=[r["implementation"].uuid, "pilot"]),
            {"kind": "note", "note": "x"},
        ),
        (reverse("community:space_edit", args=[r["space"].uuid]), {"name": "changed"}),
        (reverse("community:checklist", args=[r["space"].uuid]), {"done_premises": "on"}),
    ]


def test_no_write_endpoint_lets_a_non_editor_change_anything(
    people: Any, records: Any, split: Any
) -> None:
    ours = AuditEntry.objects.filter(object_type__startswith="community.")
    before = ours.count()
    everyone = people.all()
    denied = {name: everyone[name] for name in REFUSED}
    for url, data in _posts(records):
        assert_access(url, {}, denied, method="post", data=data)
    assert ours.count() == before


def test_the_community_page_is_for_members_and_coordinators(
    people: Any, records: Any, split: Any
) -> None:
    url = reverse("community:community", args=["UA3208015"])
    assert_access(
        url,
        *split(
            people,
            "coordinator",
            "oblast_coordinator",
            "org_admin",
            "focal_point",
            "practitioner",
            "viewer",
            "outsider",
            "superuser",
        ),
    )
