"""A signed-in person's memberships: read once per request, shared by the permission scope,
the acting organisation and the organisation switcher."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from carenet.accounts import queries, services
from carenet.accounts.models import Membership, Role
from carenet.conftest import client_for
from carenet.core import permissions


def _membership_reads(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if '"accounts_membership"' in q["sql"]]


def test_home_page_reads_memberships_once(people):
    services.membership_set(
        actor=None, user=people.viewer, organisation=people.org_b, role=Role.FOCAL_POINT
    )
    client = client_for(people.viewer)
    client.get("/")  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as context:
        page = client.get("/")
    assert page.status_code == 200
    assert len(_membership_reads(context)) == 1, _membership_reads(context)
    # ...and that one read served the switcher, the acting organisation and the scope.
    assert [m.organisation for m in page.context["acting_memberships"]] == [
        people.org_a,
        people.org_b,
    ]
    assert page.context["acting_organisation"] == people.org_a
    assert 'id="acting-select"' in page.content.decode()
    assert permissions.can(page.context["user"], "directory.edit", people.org_b)


def test_home_page_reads_memberships_once_behind_two_factor(people, settings):
    # The two-factor gate asks the scope before the view; the scope must reuse the read.
    settings.CARENET_REQUIRE_2FA = True
    client = client_for(people.viewer)  # a viewer needs no second factor
    client.get("/")
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    assert len(_membership_reads(context)) == 1


def test_an_inactive_organisation_is_neither_listed_nor_reachable(people):
    services.membership_set(
        actor=None, user=people.viewer, organisation=people.org_b, role=Role.ORG_ADMIN
    )
    people.org_b.is_active = False
    people.org_b.save(update_fields=["is_active"])
    permissions.forget(people.viewer)
    assert [m.organisation for m in queries.memberships_of(people.viewer)] == [people.org_a]
    assert not permissions.can(people.viewer, "org.manage", people.org_b)
    page = client_for(people.viewer).get("/")
    assert [m.organisation for m in page.context["acting_memberships"]] == [people.org_a]


def test_a_membership_change_is_seen_at_once(people):
    assert [m.organisation for m in queries.memberships_of(people.viewer)] == [people.org_a]
    services.membership_set(
        actor=None, user=people.viewer, organisation=people.org_b, role=Role.PRACTITIONER
    )
    assert [m.organisation for m in queries.memberships_of(people.viewer)] == [
        people.org_a,
        people.org_b,
    ]
    assert permissions.role_in(people.viewer, people.org_b) == Role.PRACTITIONER
    membership = Membership.objects.get(user=people.viewer, organisation=people.org_a)
    services.membership_end(actor=None, membership=membership)
    # membership_end forgets the membership's own user object; a fresh read sees the change.
    permissions.forget(people.viewer)
    assert [m.organisation for m in queries.memberships_of(people.viewer)] == [people.org_b]
    assert permissions.role_in(people.viewer, people.org_a) is None


def test_anonymous_has_no_memberships(client, db):
    assert queries.memberships_of(client.get("/").wsgi_request.user) == ()
    assert "acting_memberships" not in client.get("/").context
