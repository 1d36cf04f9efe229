"""The permission matrix: every role × action × object kind so far, with negative cases."""

from __future__ import annotations

import pytest

from carenet.accounts.models import CoordinatorRole, Membership, Organisation
from carenet.core import permissions
from carenet.core.models import AuditEntry

# action -> personas that may do it for organisation A (the personas' own organisation)
ON_OWN_ORG = {
    "org.view": {"org_admin", "focal_point", "practitioner", "viewer", "coordinator", "superuser"},
    "org.manage": {"org_admin", "superuser"},
    "audit.view": {"org_admin", "superuser"},
    "directory.edit": {"org_admin", "focal_point", "superuser"},
    "reporting.edit": {"org_admin", "focal_point", "superuser"},
    "reporting.validate": {"coordinator", "superuser"},
    "referral.view": {"org_admin", "practitioner", "superuser"},
    "referral.handle": {"org_admin", "practitioner", "superuser"},
    "consent.override": {"org_admin", "superuser"},
}
# For organisation B, only the outsider (B's practitioner) has B-roles.
ON_OTHER_ORG = {
    "org.view": {"outsider", "coordinator", "superuser"},
    "org.manage": {"superuser"},
    "audit.view": {"superuser"},
    "directory.edit": {"superuser"},
    "reporting.edit": {"superuser"},
    "reporting.validate": {"coordinator", "superuser"},
    "referral.view": {"outsider", "superuser"},
    "referral.handle": {"outsider", "superuser"},
    "consent.override": {"superuser"},
}


@pytest.mark.parametrize("action", sorted(ON_OWN_ORG))
def test_can_matches_the_matrix_for_each_role(people, action):
    for name, user in people.all().items():
        assert permissions.can(user, action, people.org_a) == (name in ON_OWN_ORG[action]), (
            f"{name} / {action} / own organisation"
        )
        assert permissions.can(user, action, people.org_b) == (name in ON_OTHER_ORG[action]), (
            f"{name} / {action} / other organisation"
        )


def test_filter_for_hides_other_organisations_records(people):
    memberships = Membership.objects.all()
    visible = permissions.filter_for(people.org_admin, "org.manage", memberships)
    assert {m.organisation_id for m in visible} == {people.org_a.pk}
    assert permissions.filter_for(people.outsider, "org.manage", memberships).count() == 0
    assert permissions.filter_for(None, "org.view", memberships).count() == 0


def test_filter_for_organisations_by_role(people):
    orgs = Organisation.objects.all()
    assert set(permissions.filter_for(people.viewer, "org.view", orgs, org_field="pk")) == {
        people.org_a
    }
    assert set(permissions.filter_for(people.coordinator, "org.view", orgs, org_field="pk")) == {
        people.org_a,
        people.org_b,
    }


def test_area_limited_coordinator_reaches_only_their_subtree(people, areas):
    in_scope = CoordinatorRole.objects.filter(area__isnull=False)  # the Kyiv oblast role
    assert permissions.can(people.oblast_coordinator, "reporting.validate", area=areas["irpin"])
    assert not permissions.can(people.oblast_coordinator, "reporting.validate", area=areas["lviv"])
    assert not permissions.can(
        people.oblast_coordinator, "reporting.validate", people.org_b
    )  # no area: not in scope
    scoped = permissions.filter_for(
        people.oblast_coordinator,
        "reporting.view",
        CoordinatorRole.objects.all(),
        org_field=None,
        area_field="area",
    )
    assert list(scoped) == list(in_scope)
    lviv_role = CoordinatorRole.objects.create(user=people.viewer, area=areas["lviv_obl"])
    assert lviv_role not in permissions.filter_for(
        people.oblast_coordinator,
        "reporting.view",
        CoordinatorRole.objects.all(),
        org_field=None,
        area_field="area",
    )


def test_an_area_limited_coordinator_acts_somewhere_but_not_network_wide(people):
    limited = people.oblast_coordinator
    assert permissions.can_somewhere(limited, "gaps.view")
    assert permissions.can_somewhere(limited, "referral.metrics")
    assert not permissions.can(limited, "reporting.lock")  # locking is for the whole network
    assert permissions.can(people.coordinator, "reporting.lock")
    assert not permissions.can_somewhere(limited, "referral.view")  # never client data
    assert permissions.can_somewhere(people.practitioner, "referral.view")
    assert not permissions.can_somewhere(people.viewer, "reporting.edit")
    assert not permissions.can_somewhere(None, "directory.view")


def test_network_coordinator_is_not_an_organisation_member(people):
    # Coordinators validate reports; they never reach client data.
    assert not permissions.can(people.coordinator, "referral.view", people.org_a)
    assert not permissions.can(people.coordinator, "audit.view", people.org_a)


def test_country_limited_coordinator(people):
    from carenet.accounts import services

    services.coordinator_grant(actor=None, user=people.viewer, country="PL")
    permissions.forget(people.viewer)
    orgs = permissions.organisations_for(people.viewer, "org.view")
    assert set(orgs) == {people.org_a}  # own membership only: both test orgs are in UA
    assert not permissions.can(people.viewer, "reporting.validate", people.org_b)


def test_inactive_user_and_anonymous_can_do_nothing(people):
    people.focal_point.is_active = False
    people.focal_point.save()
    permissions.forget(people.focal_point)
    assert not permissions.can(people.focal_point, "directory.edit", people.org_a)
    assert not permissions.can(None, "org.view")
    assert permissions.filter_for(None, "audit.view", AuditEntry.objects.all()).count() == 0


def test_two_factor_needed_only_for_client_data_roles(people, settings):
    settings.CARENET_REQUIRE_2FA = True
    needs = {n for n, u in people.all().items() if permissions.needs_two_factor(u)}
    assert needs == {"org_admin", "practitioner", "outsider", "superuser"}
    settings.CARENET_REQUIRE_2FA = False
    assert not permissions.needs_two_factor(people.practitioner)
