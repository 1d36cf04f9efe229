"""CoP pages: who may reach them, and what private CoPs hide."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from carenet.conftest import People, assert_access, client_for
from carenet.cop.models import CommunityOfPractice, CopMember, Resource, Thread
from carenet.cop.tests.conftest import add_member, make_cop, make_meeting
from carenet.core.models import AuditEntry

pytestmark = pytest.mark.django_db

READERS = (
    "coordinator",
    "org_admin",
    "focal_point",
    "practitioner",
    "viewer",
    "outsider",
    "superuser",
)


def test_it_lists_open_cops_to_everyone_in_the_network(
    people: People, open_cop: Any, split: Any
) -> None:
    assert_access(reverse("cop:list"), *split(people, *READERS))
    response = client_for(people.outsider).get(reverse("cop:list"))
    assert open_cop.name in response.content.decode()


def test_private_cop_is_listed_only_to_its_members(people: People, private_cop: Any) -> None:
    for user in (people.focal_point, people.practitioner):
        assert private_cop.name in client_for(user).get(reverse("cop:list")).content.decode()
    for user in (people.outsider, people.viewer, people.coordinator, people.superuser):
        assert private_cop.name not in client_for(user).get(reverse("cop:list")).content.decode()


def test_open_cop_pages_reach_every_reader(people: People, open_cop: Any, split: Any) -> None:
    for name in ("detail", "members", "meetings", "library", "threads"):
        assert_access(reverse(f"cop:{name}", args=[open_cop.uuid]), *split(people, *READERS))


@pytest.mark.parametrize("name", ["detail", "members", "meetings", "library", "threads"])
def test_private_cop_pages_reach_members_only(
    people: People, private_cop: Any, split: Any, name: str
) -> None:
    assert_access(
        reverse(f"cop:{name}", args=[private_cop.uuid]),
        *split(people, "focal_point", "practitioner"),
    )


def test_nobody_outside_a_private_cop_sees_its_meetings_library_or_threads(
    people: People, private_cop: Any
) -> None:
    meeting = make_meeting(private_cop, people.focal_point, hours_from_now=24)
    from carenet.cop import services

    thread = services.thread_start(
        actor=people.practitioner, cop=private_cop, title="Grounding", body="Which exercises work?"
    )
    resource = services.resource_add(
        actor=people.practitioner,
        cop=private_cop,
        title="Guide",
        url="https://example.org/guide",
        language="en",
    )
    urls = [reverse("cop:meeting", args=[meeting.uuid]), reverse("cop:thread", args=[thread.uuid])]
    for user in (
        people.outsider,
        people.viewer,
        people.coordinator,
        people.superuser,
        people.org_admin,
    ):
        for url in urls:
            assert client_for(user).get(url).status_code == 404, url
        library = client_for(user).get(reverse("cop:network_library")).content.decode()
        assert resource.title not in library
    assert client_for(people.practitioner).get(urls[0]).status_code == 200
    assert (
        resource.title
        in client_for(people.practitioner).get(reverse("cop:network_library")).content.decode()
    )


def test_forged_uuids_are_not_found(people: People, open_cop: Any) -> None:
    client = client_for(people.focal_point)
    forged = uuid.uuid4()
    for name in (
        "detail",
        "members",
        "meetings",
        "library",
        "threads",
        "meeting",
        "thread",
        "supervision",
        "health",
        "cop_wellbeing",
        "edit",
        "join",
        "meeting_new",
    ):
        assert client.get(reverse(f"cop:{name}", args=[forged])).status_code == 404, name
    assert client.get("/cop/not-a-uuid/").status_code == 404


def test_a_member_who_left_loses_a_private_cop(people: People, private_cop: Any) -> None:
    member = CopMember.objects.get(cop=private_cop, user=people.practitioner)
    response = client_for(people.practitioner).post(reverse("cop:member_leave", args=[member.uuid]))
    assert response.status_code == 302
    assert (
        client_for(people.practitioner)
        .get(reverse("cop:detail", args=[private_cop.uuid]))
        .status_code
        == 404
    )
    member.refresh_from_db()
    assert member.left_on is not None  # kept for retention


def test_it_creates_a_cop_with_the_creator_as_facilitator(people: People, reference: None) -> None:
    response = client_for(people.practitioner).post(
        reverse("cop:create"),
        {
            "name": "SH+ facilitators",
            "topic": "Self-Help Plus",
            "scope": "national",
            "visibility": "private",
            "area": "",
        },
    )
    assert response.status_code == 302
    cop = CommunityOfPractice.objects.get(name="SH+ facilitators")
    assert cop.host == people.org_a and cop.is_private
    assert CopMember.objects.get(cop=cop).role == "facilitator"
    assert AuditEntry.objects.filter(object_id=str(cop.uuid), action="create").exists()


def test_only_staff_who_may_facilitate_create_cops(
    people: People, split: Any, reference: None
) -> None:
    assert_access(
        reverse("cop:create"),
        *split(
            people, "org_admin", "focal_point", "practitioner", "outsider"
        ),  # a superuser without an organisation hosts nothing
    )


def test_cop_form_refuses_bad_input(people: People, reference: None) -> None:
    response = client_for(people.focal_point).post(
        reverse("cop:create"),
        {"name": "", "topic": "x", "scope": "galactic", "visibility": "open", "area": "XX99"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"name", "scope", "area"} <= set(form.errors)
    assert not CommunityOfPractice.objects.exists()


def test_it_accepts_a_known_pcode(people: People, areas: Any, reference: None) -> None:
    client_for(people.focal_point).post(
        reverse("cop:create"),
        {
            "name": "Irpin",
            "topic": "x",
            "scope": "local",
            "visibility": "open",
            "area": "ua3208015",
        },
    )
    assert CommunityOfPractice.objects.get(name="Irpin").area == areas["irpin"]


def test_only_facilitators_edit(people: People, open_cop: Any, split: Any) -> None:
    assert_access(reverse("cop:edit", args=[open_cop.uuid]), *split(people, "focal_point"))
    response = client_for(people.focal_point).post(
        reverse("cop:edit", args=[open_cop.uuid]),
        {
            "name": "Renamed",
            "topic": "t",
            "scope": "local",
            "visibility": "private",
            "area": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    open_cop.refresh_from_db()
    assert open_cop.name == "Renamed" and open_cop.is_private


def test_anyone_in_the_network_may_join_an_open_cop(
    people: People, open_cop: Any, reference: None
) -> None:
    url = reverse("cop:join", args=[open_cop.uuid])
    assert client_for(people.practitioner).get(url).status_code == 404  # already a member
    assert client_for(people.coordinator).get(url).status_code == 404  # no organisation
    client = client_for(people.outsider)
    assert client.get(url).status_code == 200
    response = client.post(url, {"organisation": people.org_b.pk})
    assert response.status_code == 302
    member = CopMember.objects.get(cop=open_cop, user=people.outsider)
    assert member.organisation == people.org_b and member.role == "member"


def test_nobody_joins_a_private_cop_alone(people: People, private_cop: Any) -> None:
    url = reverse("cop:join", args=[private_cop.uuid])
    assert (
        client_for(people.outsider).post(url, {"organisation": people.org_b.pk}).status_code == 404
    )
    assert not CopMember.objects.filter(cop=private_cop, user=people.outsider).exists()


def test_joining_for_someone_elses_organisation_is_refused(people: People, open_cop: Any) -> None:
    response = client_for(people.outsider).post(
        reverse("cop:join", args=[open_cop.uuid]), {"organisation": people.org_a.pk}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors


def test_facilitator_invites_members_by_email_without_revealing_accounts(
    people: People, private_cop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("cop:members", args=[private_cop.uuid])
    client = client_for(people.focal_point)
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("PRACTITIONER@beta.org", "nobody@nowhere.org"):
            response = client.post(url, {"email": email}, follow=True)
            answers.append([str(m) for m in response.context["messages"]])
    assert answers[0] == answers[1]
    assert sorted(m.to[0] for m in mail.outbox) == ["nobody@nowhere.org", "practitioner@beta.org"]
    # nobody joins before accepting
    assert not CopMember.objects.filter(cop=private_cop, user=people.outsider).exists()


def test_inviting_members_refuses_bad_input_and_outsiders(people: People, private_cop: Any) -> None:
    url = reverse("cop:members", args=[private_cop.uuid])
    response = client_for(people.focal_point).post(url, {"email": "not-an-email"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert (
        client_for(people.practitioner).post(url, {"email": "practitioner@beta.org"}).status_code
        == 404
    )


def test_the_last_facilitator_cannot_leave(people: People, open_cop: Any) -> None:
    member = CopMember.objects.get(cop=open_cop, user=people.focal_point)
    client_for(people.focal_point).post(reverse("cop:member_leave", args=[member.uuid]))
    member.refresh_from_db()
    assert member.left_on is None


def test_facilitators_change_roles_but_members_cannot(people: People, open_cop: Any) -> None:
    member = CopMember.objects.get(cop=open_cop, user=people.practitioner)
    url = reverse("cop:member_role", args=[member.uuid])
    assert client_for(people.practitioner).post(url, {"role": "facilitator"}).status_code == 404
    client_for(people.focal_point).post(url, {"role": "supervisor"})
    member.refresh_from_db()
    assert member.role == "supervisor"


def test_members_cannot_remove_each_other(people: People, open_cop: Any) -> None:
    add_member(open_cop, people.outsider, people.org_b)
    target = CopMember.objects.get(cop=open_cop, user=people.practitioner)
    response = client_for(people.outsider).post(reverse("cop:member_leave", args=[target.uuid]))
    assert response.status_code == 404


def test_list_and_detail_use_few_queries(
    people: People, reference: None, django_assert_max_num_queries: Any
) -> None:
    for i in range(8):
        cop = make_cop(people.focal_point, people.org_a, name=f"CoP {i}")
        add_member(cop, people.practitioner, people.org_a)
    client = client_for(people.practitioner)
    client.get(reverse("cop:list"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("cop:list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("cop:detail", args=[cop.uuid])).status_code == 200


def test_inactive_open_cop_is_hidden_from_non_members(people: People, open_cop: Any) -> None:
    open_cop.is_active = False
    open_cop.save()
    assert (
        client_for(people.outsider).get(reverse("cop:detail", args=[open_cop.uuid])).status_code
        == 404
    )
    assert (
        client_for(people.practitioner).get(reverse("cop:detail", args=[open_cop.uuid])).status_code
        == 200
    )


def test_threads_and_resources_count_in_models(open_cop: Any) -> None:
    assert Thread.objects.count() == 0 and Resource.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "heading"), [("uk", "Спільноти практики"), ("pl", "Wspólnoty praktyki")]
)
def test_pages_speak_ukrainian_and_polish(
    people: People, open_cop: Any, language: str, heading: str
) -> None:
    client = client_for(people.focal_point)
    body = client.get(reverse("cop:list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert heading in body
    for url in (
        reverse("cop:detail", args=[open_cop.uuid]),
        reverse("cop:me"),
        reverse("cop:health", args=[open_cop.uuid]),
        reverse("cop:checkin_new"),
        reverse("cop:members", args=[open_cop.uuid]),
    ):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE=language).status_code == 200, url


@pytest.mark.parametrize(
    "name",
    [
        "network_library",
        "supervision_list",
        "assessments",
        "trainings",
        "me",
        "wellbeing",
        "frameworks",
    ],
)
def test_personal_and_network_pages_need_a_place_in_the_network(
    people: People, reference: None, split: Any, name: str
) -> None:
    assert_access(reverse(f"cop:{name}"), *split(people, *READERS))


def test_anonymous_visitors_reach_only_certificates(people: People, open_cop: Any) -> None:
    client = client_for(None)
    assert client.get(reverse("cop:certificate_verify")).status_code == 200
    for url in (
        reverse("cop:list"),
        reverse("cop:detail", args=[open_cop.uuid]),
        reverse("cop:me"),
        reverse("cop:network_library"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
