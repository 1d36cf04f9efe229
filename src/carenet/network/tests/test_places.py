"""The network's forms take places by name or P-code, with geo's one place picker."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from carenet.accounts.models import Organisation
from carenet.conftest import People, client_for
from carenet.geo.models import AdminArea
from carenet.network.forms import GoalForm, RosterFilterForm
from carenet.network.models import AdvocacyGoal, Application
from carenet.network.tests.test_joining import form_data

pytestmark = pytest.mark.django_db


def test_an_application_names_its_areas(people: People, areas: dict[str, AdminArea]) -> None:
    response = Client().post(reverse("network:apply"), form_data(areas="Irpinska, UA46"))
    assert response.status_code == 302
    assert {a.pcode for a in Application.objects.get().areas.all()} == {"UA3208015", "UA46"}


@pytest.mark.parametrize("typed", ["Atlantis", "Irpinska, Atlantis"])
def test_an_application_with_an_unknown_place_is_refused(
    people: People, areas: dict[str, AdminArea], typed: str
) -> None:
    response = Client().post(reverse("network:apply"), form_data(areas=typed))
    assert response.status_code == 200
    assert "No place is called “Atlantis”" in response.content.decode()
    assert not Application.objects.exists()


def test_an_ambiguous_area_of_work_names_the_candidates(
    people: People, areas: dict[str, AdminArea]
) -> None:
    response = Client().post(reverse("network:apply"), form_data(areas="Lvivska"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lvivska (UA46)" in body and "Lvivska (UA4606025)" in body
    assert not Application.objects.exists()


def test_a_goal_area_may_be_given_by_name(people: People, areas: dict[str, AdminArea]) -> None:
    response = client_for(people.coordinator).post(
        reverse("network:advocacy"), {"title": "MHPSS in the hromada plan", "area": "Irpinska"}
    )
    assert response.status_code == 302
    assert AdvocacyGoal.objects.get().area == areas["irpin"]


def test_an_unknown_goal_area_is_refused(people: People, areas: dict[str, AdminArea]) -> None:
    response = client_for(people.coordinator).post(
        reverse("network:advocacy"), {"title": "x", "area": "Atlantis"}
    )
    assert response.status_code == 200
    assert "No place is called “Atlantis”" in response.content.decode()
    assert not AdvocacyGoal.objects.exists()


def test_an_ambiguous_goal_area_asks_which_place_is_meant(areas: dict[str, AdminArea]) -> None:
    form = GoalForm({"title": "x", "area": "Lvivska"})
    assert not form.is_valid()
    assert "Which place do you mean?" in str(form["area"])
    form = GoalForm({"title": "x", "area": "Lvivska", "area__choice": "UA46"})
    assert form.is_valid() and form.cleaned_data["area"] == areas["lviv_obl"]


def test_the_roster_filters_by_a_place_name(people: People, areas: dict[str, AdminArea]) -> None:
    Organisation.objects.filter(pk__in=[people.org_a.pk, people.org_b.pk]).update(
        coordination_member=True
    )
    people.org_a.areas.set([areas["irpin"]])
    people.org_b.areas.set([areas["lviv"]])
    body = Client().get(reverse("network:roster"), {"area": "Irpinska"}).content.decode()
    assert "Alpha Psychosocial" in body and "(BETA)" not in body
    body = Client().get(reverse("network:roster"), {"area": "Atlantis"}).content.decode()
    assert "No place is called “Atlantis”" in body


def test_the_roster_filter_hands_the_query_a_pcode(areas: dict[str, AdminArea]) -> None:
    form = RosterFilterForm({"area": "irpinska"})
    assert form.is_valid() and form.cleaned_data["area"] == "UA3208015"


def test_the_unknown_place_message_is_translated(people: People, areas: dict[str, Any]) -> None:
    client = Client()
    client.cookies["django_language"] = "pl"
    response = client.post(
        reverse("network:apply"), form_data(areas="Atlantis"), HTTP_ACCEPT_LANGUAGE="pl"
    )
    body = response.content.decode()
    assert "Atlantis" in body and "No place is called" not in body
