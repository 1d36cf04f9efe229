"""The roster: public part for everyone, focal points for members, filters, XLSX export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from carenet.accounts import services as account_services
from carenet.accounts.models import Organisation
from carenet.conftest import People, client_for
from carenet.geo.models import AdminArea

URL = "/network/"


@pytest.fixture
def members(people: People, areas: dict[str, AdminArea]) -> People:
    Organisation.objects.filter(pk__in=[people.org_a.pk, people.org_b.pk]).update(
        coordination_member=True
    )
    people.org_a.areas.set([areas["irpin"]])
    people.org_b.areas.set([areas["lviv"]])
    Organisation.objects.filter(pk=people.org_b.pk).update(name='=HYPERLINK("x")')
    return people


def test_anonymous_visitors_see_names_kinds_and_areas_but_no_focal_points(
    members: People,
) -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alpha Psychosocial" in body and "Irpinska" in body
    assert members.focal_point.email not in body
    assert members.org_admin.email not in body


def test_members_see_focal_points(members: People) -> None:
    body = client_for(members.outsider).get(URL).content.decode()
    assert members.focal_point.email in body
    assert members.viewer.email not in body


def test_it_filters_by_kind_and_area(members: People) -> None:
    body = Client().get(URL, {"kind": "ingo"}).content.decode()
    assert "BETA" in body and "Alpha Psychosocial" not in body
    body = Client().get(URL, {"area": "ua32"}).content.decode()
    assert "Alpha Psychosocial" in body and "(BETA)" not in body


def test_organisations_outside_the_coordination_group_are_not_listed(
    members: People,
) -> None:
    account_services.organisation_create(
        actor=None, name="Gamma Clinic", acronym="GAMMA", kind="private", country="UA"
    )
    assert "Gamma Clinic" not in Client().get(URL).content.decode()


def test_the_export_writes_text_as_text_and_numbers_as_numbers(members: People) -> None:
    response = client_for(members.focal_point).get(reverse("network:roster_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    by_acronym = {r[1]: r for r in rows[1:]}
    assert by_acronym["BETA"][0] == '=HYPERLINK("x")'
    assert sheet.cell(row=2, column=1).data_type == "s"
    assert by_acronym["ALPHA"][6] == 1
    assert members.focal_point.email in by_acronym["ALPHA"][8]


def test_the_public_export_has_no_focal_points(members: People) -> None:
    response = Client().get(reverse("network:roster_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = next(sheet.iter_rows(values_only=True))
    assert len(header) == 7
    assert members.focal_point.email.encode() not in response.content


def test_the_roster_reads_in_a_fixed_number_of_queries(
    members: People, django_assert_max_num_queries: object
) -> None:
    for i in range(5):
        org = account_services.organisation_create(
            actor=None,
            name=f"Org {i}",
            acronym=f"O{i}",
            kind="nngo",
            country="UA",
            coordination_member=True,
        )
        org.areas.set(AdminArea.objects.all()[:2])
    client = client_for(members.focal_point)
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        assert client.get(URL).status_code == 200
