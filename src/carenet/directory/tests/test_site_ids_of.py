"""`site_ids_of`: each organisation's own sites, for checks made by other apps."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from carenet.accounts import services as account_services
from carenet.conftest import People
from carenet.directory import queries
from carenet.directory.tests.conftest import make_site
from carenet.geo.models import AdminArea


def test_it_gives_each_organisation_its_own_sites_in_one_query(
    people: People, areas: dict[str, AdminArea]
) -> None:
    clinic = make_site(people.org_a, areas["irpin"], name_en="Alpha clinic")
    shelter = make_site(people.org_a, areas["irpin"], name_en="Alpha shelter", confidential=True)
    closed = make_site(people.org_a, areas["lviv"], name_en="Alpha old office", is_active=False)
    beta = make_site(people.org_b, areas["irpin"], name_en="Beta clinic")
    with CaptureQueriesContext(connection) as ctx:
        found = queries.site_ids_of([people.org_a.pk, people.org_b.pk, people.org_a.pk])
    assert len(ctx.captured_queries) == 1
    assert found == {
        people.org_a.pk: {clinic.uuid, shelter.uuid, closed.uuid},
        people.org_b.pk: {beta.uuid},
    }


def test_another_organisations_sites_are_not_among_its_own(
    people: People, areas: dict[str, AdminArea]
) -> None:
    beta = make_site(people.org_b, areas["irpin"], name_en="Beta clinic")
    found = queries.site_ids_of([people.org_a.pk])
    assert found == {people.org_a.pk: set()}
    assert beta.uuid not in found[people.org_a.pk]


def test_an_organisation_without_sites_or_unknown_has_an_empty_set(people: People) -> None:
    gamma = account_services.organisation_create(
        actor=None, name="Gamma Aid", acronym="GAMMA", kind="nngo", country="PL"
    )
    assert queries.site_ids_of([gamma.pk, 999_999]) == {gamma.pk: set(), 999_999: set()}


def test_no_organisations_costs_no_query(db: None) -> None:
    with CaptureQueriesContext(connection) as ctx:
        assert queries.site_ids_of([]) == {}
    assert ctx.captured_queries == []
