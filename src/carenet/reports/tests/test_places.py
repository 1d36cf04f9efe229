"""Reports take places by name or P-code, with geo's one place picker."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from carenet.conftest import People, client_for
from carenet.reports import services
from carenet.reports.forms import GrantForm, PackForm, TargetForm
from carenet.reports.models import Grant, Target
from carenet.reports.tests.conftest import programme

pytestmark = pytest.mark.django_db


def _grant(**extra: Any) -> dict[str, Any]:
    echo = services.parse_request(period="2026-03", donor="echo").donor
    assert echo is not None
    return {
        "donor": echo.pk,
        "amount": "1000",
        "currency": "EUR",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        **extra,
    }


def test_a_target_area_may_be_given_by_name(people: People, areas: dict[str, Any]) -> None:
    prog = programme(people)
    url = reverse("reports:programme", args=[prog.uuid])
    data = {"unit": "people_reached", "number": "50", "due_on": "2026-12-31"}
    response = client_for(people.coordinator).post(url, {**data, "area_pcode": "Irpinska"})
    assert response.status_code == 302
    assert Target.objects.get(programme=prog).area == areas["irpin"]


def test_an_unknown_target_area_is_refused_and_nothing_saved(
    people: People, areas: dict[str, Any]
) -> None:
    prog = programme(people)
    url = reverse("reports:programme", args=[prog.uuid])
    data = {"unit": "people_reached", "number": "50", "due_on": "2026-12-31"}
    response = client_for(people.coordinator).post(url, {**data, "area_pcode": "Atlantis"})
    assert response.status_code == 200
    assert "No place is called “Atlantis”" in response.content.decode()
    assert not Target.objects.exists()


def test_an_ambiguous_name_asks_which_place_is_meant(areas: dict[str, Any]) -> None:
    data = {"unit": "people_reached", "number": "50", "due_on": "2026-12-31"}
    form = TargetForm({**data, "area_pcode": "Lvivska"})
    assert not form.is_valid()
    html = str(form["area_pcode"])
    assert 'name="area_pcode__choice"' in html and 'value="UA4606025"' in html
    form = TargetForm({**data, "area_pcode": "Lvivska", "area_pcode__choice": "UA4606025"})
    assert form.is_valid() and form.cleaned_data["area_pcode"] == areas["lviv"]


def test_grant_areas_may_mix_names_and_pcodes(people: People, areas: dict[str, Any]) -> None:
    response = client_for(people.focal_point).post(
        reverse("reports:grants"), _grant(area_pcodes="Irpinska, UA46 UA4606025, irpinska")
    )
    assert response.status_code == 302
    found = sorted(a.pcode for a in Grant.objects.get().areas.all())
    assert found == ["UA3208015", "UA46", "UA4606025"]


def test_unknown_grant_areas_are_all_named_and_nothing_saved(
    people: People, areas: dict[str, Any]
) -> None:
    response = client_for(people.focal_point).post(
        reverse("reports:grants"), _grant(area_pcodes="Irpinska, Atlantis, UA99")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "No place is called “Atlantis”" in body and "Unknown P-code: UA99" in body
    assert not Grant.objects.exists()


def test_an_ambiguous_grant_area_names_the_candidates(areas: dict[str, Any]) -> None:
    form = GrantForm(_grant(area_pcodes="Lvivska"))
    assert not form.is_valid()
    [error] = form.errors["area_pcodes"]
    assert "UA46" in error and "UA4606025" in error


def test_the_pack_area_may_be_given_by_name(people: People, areas: dict[str, Any]) -> None:
    form = PackForm({"period": "2026-03", "format": "pdf", "area": "Irpinska"})
    assert form.is_valid() and form.cleaned_data["area"] == areas["irpin"]


def test_an_unknown_pack_area_shows_the_form_again_with_the_reason(
    people: People, areas: dict[str, Any]
) -> None:
    url = reverse("reports:pack") + "?period=2026-03&format=xlsx&area=Atlantis"
    response = client_for(people.coordinator).get(url)
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert "No place is called “Atlantis”" in response.content.decode()


def test_the_message_is_translated(people: People, areas: dict[str, Any]) -> None:
    client = client_for(people.coordinator)
    client.cookies["django_language"] = "uk"
    url = reverse("reports:pack") + "?period=2026-03&format=xlsx&area=Atlantis"
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Atlantis" in body and "No place is called" not in body
