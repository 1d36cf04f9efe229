"""Supervision logs: hours and themes, seen by the people in the session only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from carenet.conftest import People, assert_access, client_for
from carenet.cop import services
from carenet.cop.models import SupervisionLog, SupervisionTheme
from carenet.cop.tests.conftest import add_member, log_supervision
from carenet.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_supervisee_and_supervisor_see_a_log_nobody_else(
    people: People, open_cop: Any, split: Any
) -> None:
    add_member(open_cop, people.outsider, people.org_b)
    log = log_supervision(open_cop, people.focal_point, people.practitioner)
    url = reverse("cop:supervision", args=[log.uuid])
    assert_access(url, *split(people, "focal_point", "practitioner"))


def test_viewing_a_log_is_audited(people: People, open_cop: Any) -> None:
    log = log_supervision(open_cop, people.focal_point, people.practitioner)
    client_for(people.practitioner).get(reverse("cop:supervision", args=[log.uuid]))
    entry = AuditEntry.objects.get(action="view", object_id=str(log.uuid))
    assert entry.actor == people.practitioner and entry.organisation == people.org_a


def test_my_logs_lists_received_and_given_only(people: People, open_cop: Any) -> None:
    add_member(open_cop, people.outsider, people.org_b)
    mine = log_supervision(open_cop, people.focal_point, people.practitioner)
    theirs = log_supervision(open_cop, people.focal_point, people.outsider)
    page = client_for(people.practitioner).get(reverse("cop:supervision_list")).context["page"]
    assert list(page.object_list) == [mine]
    given = client_for(people.focal_point).get(reverse("cop:supervision_list")).context["page"]
    assert set(given.object_list) == {mine, theirs}
    assert AuditEntry.objects.filter(action="view", detail="own supervision logs").count() == 2


def test_only_facilitators_and_supervisors_log_supervision(
    people: People, open_cop: Any, split: Any
) -> None:
    assert_access(
        reverse("cop:supervision_new", args=[open_cop.uuid]), *split(people, "focal_point")
    )
    with pytest.raises(Exception):  # noqa: B017 - Http404 from the permission check
        log_supervision(open_cop, people.practitioner, people.focal_point)


def test_it_logs_supervision_through_the_form(people: People, open_cop: Any) -> None:
    theme = SupervisionTheme.objects.get(code="self-care")
    response = client_for(people.focal_point).post(
        reverse("cop:supervision_new", args=[open_cop.uuid]),
        {
            "kind": "individual",
            "supervisees": [people.practitioner.pk],
            "held_on": timezone.localdate().isoformat(),
            "hours": "1.25",
            "themes": [theme.pk],
            "note": "Boundaries after long shifts.",
        },
    )
    assert response.status_code == 302
    log = SupervisionLog.objects.get()
    assert list(log.themes.all()) == [theme] and log.supervisor == people.focal_point


@pytest.mark.parametrize(
    "change",
    [
        {"hours": "0"},
        {"hours": "13"},
        {"hours": "abc"},
        {"held_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
        {"note": "Client Mr. Petrenko, phone 067 123 45 67"},
        {"note": "write to client@example.org"},
        {"note": "PESEL 85031212345"},
        {"supervisees": []},
    ],
)
def test_log_form_refuses_bad_input(people: People, open_cop: Any, change: dict[str, Any]) -> None:
    data = {
        "kind": "individual",
        "supervisees": [people.practitioner.pk],
        "held_on": timezone.localdate().isoformat(),
        "hours": "1",
        "note": "",
        **change,
    }
    response = client_for(people.focal_point).post(
        reverse("cop:supervision_new", args=[open_cop.uuid]), data
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not SupervisionLog.objects.exists()


def test_supervisees_must_be_members_and_one_for_individual(
    people: People, open_cop: Any, private_cop: Any
) -> None:
    add_member(open_cop, people.viewer, people.org_a)
    kwargs = {
        "actor": people.focal_point,
        "cop": open_cop,
        "held_on": timezone.localdate(),
        "hours": 1,
    }
    with pytest.raises(ValidationError):
        services.supervision_log_create(
            kind="individual", supervisees=[people.practitioner, people.viewer], **kwargs
        )
    with pytest.raises(ValidationError):
        services.supervision_log_create(kind="group", supervisees=[people.outsider], **kwargs)
    with pytest.raises(ValidationError):
        services.supervision_log_create(kind="group", supervisees=[people.focal_point], **kwargs)
    log = services.supervision_log_create(
        kind="group", supervisees=[people.practitioner, people.viewer], **kwargs
    )
    assert log.supervisees.count() == 2


def test_a_forged_log_uuid_is_not_found(people: People, open_cop: Any) -> None:
    import uuid

    response = client_for(people.practitioner).get(reverse("cop:supervision", args=[uuid.uuid4()]))
    assert response.status_code == 404
