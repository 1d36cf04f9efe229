"""Complaints: the workflow, due times and overdue flags, and safeguarding routing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from carenet.accounts import services as account_services
from carenet.accounts.models import Role
from carenet.conftest import People, assert_access, client_for, make_user
from carenet.core.models import AuditAction, AuditEntry
from carenet.feedback import queries, services
from carenet.feedback.models import Complaint, ComplaintCategory, ComplaintStatus
from carenet.feedback.tests.conftest import anonymous, complaint_data

pytestmark = pytest.mark.django_db


def _complaint(site: Any, category: str = "access", **extra: Any) -> Complaint:
    return services.complaint_submit(
        category=ComplaintCategory.objects.get(code=category),
        text="It happened.",
        site=site,
        **extra,
    )


@pytest.fixture
def safeguarding(people: People, site: Any) -> Any:
    """A safeguarding focal point of organisation A (a practitioner there)."""
    person = make_user("safeguarding@alpha.org")
    account_services.membership_set(
        actor=None, user=person, organisation=people.org_a, role=Role.PRACTITIONER
    )
    services.policy_set(
        actor=None,
        organisation=people.org_a,
        acknowledge_days=2,
        respond_days=10,
        focal_point=person,
    )
    return person


def test_a_complaint_is_received_anonymously_with_a_private_follow_up(site: Any) -> None:
    response = anonymous().post(f"/feedback/{site.uuid}/complaint/", complaint_data(site))
    complaint = Complaint.objects.get()
    assert response["Location"] == f"/feedback/follow-up/{complaint.follow_up_code}/"
    assert complaint.status == ComplaintStatus.RECEIVED and not complaint.sensitive
    assert complaint.contact == "" and not complaint.identity_shared
    page = anonymous().get(response["Location"])
    assert page.status_code == 200 and "Received" in page.content.decode()
    assert anonymous().get("/feedback/follow-up/not-a-real-code-123/").status_code == 404


def test_a_contact_without_agreement_is_refused_and_nothing_saved(site: Any) -> None:
    data = complaint_data(site, contact="+48 600 000 000")
    response = anonymous().post(f"/feedback/{site.uuid}/complaint/", data)
    assert response.status_code == 400
    assert "tick the box" in response.content.decode()
    assert not Complaint.objects.exists()
    with pytest.raises(ValidationError):
        _complaint(site, contact="+48 600 000 000")


def test_who_complained_shows_only_when_the_person_agreed(people: People, site: Any) -> None:
    known = _complaint(site, contact="anna@example.org", identity_shared=True)
    anonymous_one = _complaint(site)
    admin = client_for(people.org_admin)
    assert "anna@example.org" in admin.get(f"/feedback/complaints/{known.uuid}/").content.decode()
    page = admin.get(f"/feedback/complaints/{anonymous_one.uuid}/").content.decode()
    assert "Anonymous" in page and anonymous_one.follow_up_code not in page


def test_empty_or_scripted_complaints_are_refused(site: Any) -> None:
    for text in ("   ", "<script>x</script>", "y" * 2001):
        response = anonymous().post(
            f"/feedback/{site.uuid}/complaint/", complaint_data(site, text=text)
        )
        assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_due_times_follow_the_organisation_policy(people: People, site: Any) -> None:
    services.policy_set(
        actor=None, organisation=people.org_a, acknowledge_days=2, respond_days=7, focal_point=None
    )
    start = timezone.now()
    complaint = _complaint(site, now=start)
    assert complaint.acknowledge_due == start + datetime.timedelta(days=2)
    assert complaint.respond_due == start + datetime.timedelta(days=7)


def test_overdue_flags(site: Any, people: People) -> None:
    start = timezone.now() - datetime.timedelta(days=30)
    complaint = _complaint(site, now=start)  # default: 3 and 14 days
    assert complaint.overdue(start + datetime.timedelta(days=2)) == ""
    assert complaint.overdue(start + datetime.timedelta(days=4)) == "acknowledge"
    services.complaint_step(actor=people.org_admin, complaint=complaint, to="acknowledged")
    complaint.refresh_from_db()
    assert complaint.overdue(start + datetime.timedelta(days=4)) == ""
    assert complaint.overdue(start + datetime.timedelta(days=15)) == "respond"
    assert queries.overdue_complaints(people.org_admin) == [complaint]
    page = client_for(people.org_admin).get("/feedback/complaints/").content.decode()
    assert "response overdue" in page


def test_the_workflow_moves_only_forward_and_needs_a_response(people: People, site: Any) -> None:
    complaint = _complaint(site)
    admin = people.org_admin
    with pytest.raises(ValidationError):
        services.complaint_step(actor=admin, complaint=complaint, to="closed")
    for step in ("acknowledged", "under_review"):
        complaint = services.complaint_step(actor=admin, complaint=complaint, to=step)
    with pytest.raises(ValidationError):
        services.complaint_step(actor=admin, complaint=complaint, to="responded", response="")
    complaint = services.complaint_step(
        actor=admin, complaint=complaint, to="responded", response="We changed the rota."
    )
    complaint = services.complaint_step(actor=admin, complaint=complaint, to="closed")
    assert complaint.closed_at and complaint.acknowledged_at and complaint.responded_at
    page = anonymous().get(f"/feedback/follow-up/{complaint.follow_up_code}/").content.decode()
    assert "We changed the rota." in page


def test_a_step_through_the_page(people: People, site: Any) -> None:
    complaint = _complaint(site)
    client = client_for(people.focal_point)
    response = client.post(f"/feedback/complaints/{complaint.uuid}/", {"to": "acknowledged"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "acknowledged"
    # a step that is not allowed now is not offered and not taken
    response = client.post(f"/feedback/complaints/{complaint.uuid}/", {"to": "closed"})
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == "acknowledged"


def test_ordinary_complaints_reach_admins_and_focal_points_only(
    people: People, site: Any, split: Any
) -> None:
    complaint = _complaint(site)
    allowed, denied = split(people, "org_admin", "focal_point")
    assert_access(f"/feedback/complaints/{complaint.uuid}/", allowed, denied)


def test_sensitive_complaints_reach_the_safeguarding_focal_point_only(
    people: People, site: Any, safeguarding: Any, split: Any
) -> None:
    complaint = _complaint(site, "exploitation")
    assert complaint.sensitive
    _, denied = split(people)  # everyone, the coordinator and the superuser included
    assert_access(f"/feedback/complaints/{complaint.uuid}/", {"safeguarding": safeguarding}, denied)
    for user in denied.values():
        assert complaint not in queries.complaints_for(user)
    assert list(queries.complaints_for(safeguarding)) == [complaint]


def test_the_staff_member_complained_about_never_sees_it(
    people: People, site: Any, safeguarding: Any
) -> None:
    ordinary = _complaint(site, "staff_attitude")
    services.complaint_set_subject(
        actor=people.org_admin, complaint=ordinary, subject=people.focal_point
    )
    assert (
        client_for(people.focal_point).get(f"/feedback/complaints/{ordinary.uuid}/").status_code
        == 404
    )
    assert ordinary not in queries.complaints_for(people.focal_point)
    # a sensitive complaint about the focal point themselves does not reach them either
    sensitive = _complaint(site, "misconduct")
    # (nobody else in the organisation can read it to name them: set directly, as an
    # administrator of the platform would)
    sensitive.subject_user = safeguarding
    sensitive.save()
    assert (
        client_for(safeguarding).get(f"/feedback/complaints/{sensitive.uuid}/").status_code == 404
    )


def test_nobody_names_themselves_or_an_outsider(people: People, site: Any) -> None:
    complaint = _complaint(site)
    with pytest.raises(ValidationError):
        services.complaint_set_subject(
            actor=people.org_admin, complaint=complaint, subject=people.org_admin
        )
    with pytest.raises(ValidationError):
        services.complaint_set_subject(
            actor=people.org_admin, complaint=complaint, subject=people.outsider
        )


def test_views_and_steps_of_sensitive_complaints_are_marked_in_the_audit_log(
    people: People, site: Any, safeguarding: Any
) -> None:
    complaint = _complaint(site, "abuse")
    client_for(safeguarding).get(f"/feedback/complaints/{complaint.uuid}/")
    services.complaint_step(actor=safeguarding, complaint=complaint, to="acknowledged")
    entries = AuditEntry.objects.filter(object_id=str(complaint.uuid))
    assert {e.action for e in entries} == {AuditAction.CREATE, AuditAction.VIEW, AuditAction.UPDATE}
    assert all(e.detail == "sensitive" for e in entries)
    assert all("It happened" not in (e.detail + str(e.changes)) for e in entries)


def test_other_organisations_and_forged_ids_get_404(people: People, site: Any) -> None:
    import uuid

    complaint = _complaint(site)
    assert (
        client_for(people.outsider).get(f"/feedback/complaints/{complaint.uuid}/").status_code
        == 404
    )
    assert (
        client_for(people.org_admin).get(f"/feedback/complaints/{uuid.uuid4()}/").status_code == 404
    )
    response = client_for(people.outsider).post(
        f"/feedback/complaints/{complaint.uuid}/", {"to": "acknowledged"}
    )
    assert response.status_code == 404


def test_the_focal_point_must_be_a_member(people: People) -> None:
    with pytest.raises(ValidationError):
        services.policy_set(
            actor=None,
            organisation=people.org_a,
            acknowledge_days=3,
            respond_days=14,
            focal_point=people.outsider,
        )


def test_only_admins_set_the_policy(people: People, split: Any, site: Any) -> None:
    allowed, denied = split(people, "org_admin")
    assert_access("/feedback/settings/", allowed, denied)
    response = client_for(people.org_admin).post(
        "/feedback/settings/",
        {
            "acknowledge_days": "5",
            "respond_days": "20",
            "safeguarding_focal_point": people.practitioner.pk,
        },
    )
    assert response.status_code == 302
    policy = services.policy_of(people.org_a)
    assert (policy.acknowledge_days, policy.respond_days, policy.safeguarding_focal_point) == (
        5,
        20,
        people.practitioner,
    )
    entry = AuditEntry.objects.filter(object_type="feedback.complaintpolicy").first()
    assert entry and entry.action == AuditAction.PERMISSION


def test_overdue_complaints_show_on_the_home_page_of_who_handles_them(
    people: People, site: Any
) -> None:
    _complaint(site, now=timezone.now() - datetime.timedelta(days=10))
    assert "1 complaint is overdue" in client_for(people.focal_point).get("/").content.decode()
    for user in (people.viewer, people.coordinator, people.outsider):
        assert "overdue" not in client_for(user).get("/").content.decode()


def test_the_lists_do_not_grow_queries_with_rows(
    people: People, site: Any, django_assert_max_num_queries: Any
) -> None:
    from carenet.feedback.models import Theme

    theme = Theme.objects.get(code="waiting_time")
    for _ in range(8):
        complaint = _complaint(site)
        complaint.themes.set([theme])
        services.feedback_submit(scores={"welcome": 4}, text="ok", site=site)
    client = client_for(people.org_admin)
    client.get("/")  # sign-in and session work out of the count
    with django_assert_max_num_queries(14):
        assert client.get("/feedback/complaints/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/feedback/inbox/").status_code == 200
